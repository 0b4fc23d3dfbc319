"""Migration 0008: completions from before are cycle 1 with their certificate's validity; one whose
certificate was revoked as *tidak sah* is voided and stops counting; the certificates survive."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from lms.database import TZDateTime, utcnow
from lms.extensions import db
from tests.content.test_minutes_migration import module_row, modules, users
from tests.test_migrations import _keep_logging, app_on, empty_pg_database  # noqa: F401 - fixtures

BEFORE = "0007_expected_minutes"

completions = sa.table(
    "completions",
    *(sa.column(name) for name in ("id", "user_id", "module_id", "score", "jp", "module_version")),
    sa.column("started_at", TZDateTime()),
    sa.column("completed_at", TZDateTime()),
)
certificates = sa.table(
    "certificates",
    *(
        sa.column(name)
        for name in (
            "id", "completion_id", "issue_no", "user_id", "module_id", "number", "year", "seq",
            "verification_code", "status", "revoke_category", "revoke_reason", "name", "nip", "instansi",
            "module_slug", "module_title", "module_version", "jp", "organiser", "place", "signer_title",
        )
    ),
    *(sa.column(name, sa.Date) for name in ("started_on", "completed_on", "issued_on", "valid_until")),
    sa.column("revoked_at", TZDateTime()),
    sa.column("issued_at", TZDateTime()),
)  # fmt: skip


def certificate_row(cert_id: int, completion_id: int, module_id: int, **fields) -> dict:
    row = dict(
        id=cert_id, completion_id=completion_id, issue_no=1, user_id=1, module_id=module_id,
        number=f"LMS/2026/{cert_id:06d}", year=2026, seq=cert_id, verification_code=f"kode{cert_id:028d}",
        status="valid", revoke_category=None, revoke_reason=None, name="Siti", nip="198609262015051001",
        instansi="Pemerintah Kota Semarang", module_slug=f"m{module_id}", module_title="M", module_version=1, jp=2,
        organiser="BKPP", place="Semarang", signer_title="Kepala", started_on=date(2026, 3, 1),
        completed_on=date(2026, 3, 2), issued_on=date(2026, 3, 2), valid_until=None, revoked_at=None,
        issued_at=utcnow(),
    )  # fmt: skip
    row.update(fields)
    return row


def check_backfill(url: str) -> None:
    application = app_on(url)
    runner = application.test_cli_runner()
    try:
        assert runner.invoke(args=["db", "upgrade", BEFORE]).exit_code == 0
        now = utcnow()
        with application.app_context(), db.engine.begin() as conn:
            conn.execute(modules.insert(), [module_row(1, "berlaku"), module_row(2, "curang"), module_row(3, "salah")])
            conn.execute(
                users.insert(),
                dict(id=1, nip="198609262015051001", name="Siti", employee_type="PNS", session_version=1,
                     is_active=True, must_change_password=False, created_at=now),
            )  # fmt: skip
            conn.execute(
                completions.insert(),
                [
                    dict(id=i, user_id=1, module_id=i, score=80, jp=2, module_version=1, started_at=now,
                         completed_at=now)
                    for i in (1, 2, 3)
                ],
            )  # fmt: skip
            conn.execute(
                certificates.insert(),
                [
                    certificate_row(1, 1, 1, valid_until=date(2028, 3, 2)),
                    certificate_row(2, 2, 2, status="revoked", revoke_category="tidak_sah", revoke_reason="x",
                                    revoked_at=now),
                    certificate_row(3, 3, 3, status="revoked", revoke_category="data_salah", revoke_reason="y",
                                    revoked_at=now),
                ],
            )  # fmt: skip

        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output + repr(result.exception)

        with application.app_context(), db.engine.begin() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT id, cycle, valid_until, voided_at IS NOT NULL, jp_exclusion FROM completions ORDER BY id"
                )
            ).all()
            assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
                (1, 1, False, None),
                (2, 1, True, "void"),
                (3, 1, False, None),
            ]
            assert str(rows[0][2]) == "2028-03-02"
            # the completions table was rebuilt on SQLite: the certificates pointing at it are all there
            assert conn.execute(sa.text("SELECT count(*) FROM certificates")).scalar_one() == 3
            assert conn.execute(sa.text("SELECT jp_repeatable FROM modules WHERE id = 1")).scalar_one() in (True, 1)
        with application.app_context(), pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(
                completions.insert(),
                dict(id=9, user_id=1, module_id=1, score=80, jp=2, module_version=1, started_at=now, completed_at=now),
            )  # a second cycle 1 of the same (user, module)
        with application.app_context(), pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE completions SET jp_exclusion = 'lupa' WHERE id = 1"))
    finally:
        with application.app_context():
            db.engine.dispose()


def test_completions_from_before_on_sqlite(tmp_path):
    check_backfill(f"sqlite:///{tmp_path / 'sebelum.sqlite'}")


@pytest.mark.postgres
def test_completions_from_before_on_postgresql(empty_pg_database):  # noqa: F811 - the fixture
    check_backfill(empty_pg_database)

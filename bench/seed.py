"""Seed a benchmark database: ASN in OPDs, the shipped modules plus generated ones, and some history.

Writes in bulk (one password hash shared by every account, computed once at full cost), so 2,000
accounts take seconds; returns the plan the load generator follows (who logs in, which lessons exist).
"""

from __future__ import annotations

import random
import shutil
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bench.bench_content import generate

BENCH_PASSWORD = "Bench-Lentera-2026!"
SHIPPED_CONTENT = Path(__file__).resolve().parent.parent / "content"


@dataclass
class Plan:
    """What the load generator needs to know about the seeded data."""

    password: str
    nips: list[str]
    # slug → lesson slugs in order, for every published module
    modules: dict[str, list[str]]
    # modules whose quiz the workload takes (generated ones: unlimited attempts, known shape)
    quiz_modules: list[str]
    # NIP → the URLs of her certificate PDFs; one public verification URL (empty: no certificates yet)
    certificate_paths: dict[str, list[str]] = field(default_factory=dict)
    verification_path: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def bench_nip(n: int) -> str:
    """A valid, unique PNS NIP for account number n (birth dates five days apart from 1970)."""
    birth = date(1970, 1, 1) + timedelta(days=5 * n)
    start_year = min(birth.year + 23, 2024)
    return f"{birth:%Y%m%d}{start_year}{n % 12 + 1:02d}{n % 2 + 1}{n % 999 + 1:03d}"


def _opd_file_names(count: int) -> list[str]:
    path = Path(__file__).resolve().parent.parent / "lms" / "accounts" / "data" / "opd-kota-semarang.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")][:count]


def issue_certificates() -> tuple[dict[str, list[str]], str | None]:
    """Certificates for the seeded completions, when this build has them (issue 5); URLs by owner."""
    from flask import current_app, url_for

    from lms.accounts.models import User
    from lms.extensions import db

    if not {"certificates.download", "certificates.verify"} <= set(current_app.view_functions):
        return {}, None
    from lms.certificates.models import Certificate
    from lms.certificates.services import issue_missing

    issue_missing()
    db.session.commit()
    rows = db.session.execute(
        select(User.nip, Certificate.id, Certificate.verification_code).join(User, Certificate.user_id == User.id)
    ).all()
    paths: dict[str, list[str]] = {}
    with current_app.test_request_context():
        for nip, certificate_id, _code in rows:
            paths.setdefault(nip, []).append(url_for("certificates.download", certificate_id=certificate_id))
        verification = url_for("certificates.verify", code=rows[0][2]) if rows else None
    return paths, verification


def sync_content(folder: Path) -> None:
    from lms.content.parse import check_tree
    from lms.content.services import sync_modules
    from lms.extensions import db

    modules, errors = check_tree(folder)
    if errors:
        raise RuntimeError(f"{folder}: {len(errors)} content errors, first: {errors[0]}")
    sync_modules(modules, archive_missing=False)
    db.session.commit()


def seed(
    workdir: Path, *, users: int = 2000, opds: int = 20, generated_modules: int = 50, rng_seed: int = 2026
) -> Plan:
    """Fill the app's (empty) database; call inside an app context. Returns the plan for the load."""
    from werkzeug.security import generate_password_hash

    from lms.accounts.models import Opd, User, UserRole
    from lms.content.models import Lesson, Module
    from lms.database import utcnow
    from lms.extensions import db
    from lms.learning.models import Completion, Enrolment, LessonProgress

    rng = random.Random(rng_seed)
    db.create_all()

    sync_content(SHIPPED_CONTENT)
    generated = workdir / "generated-content"
    shutil.rmtree(generated, ignore_errors=True)
    generate(generated, generated_modules, lessons=8, questions=10)
    sync_content(generated)

    db.session.execute(insert(Opd), [{"name": name} for name in _opd_file_names(opds)])
    opd_ids = list(db.session.scalars(select(Opd.id)))
    password_hash = generate_password_hash(BENCH_PASSWORD)  # the app's default (full) cost
    nips = [bench_nip(n) for n in range(users)]
    db.session.execute(
        insert(User),
        [
            {
                "nip": nip,
                "name": f"ASN Uji Beban {n:04d}",
                "employee_type": "PNS",
                "opd_id": opd_ids[n % len(opd_ids)],
                "jabatan": "Pelaksana",
                "pangkat_golongan": "Penata Muda (III/a)",
                "unit_kerja": "Subbagian Umum",
                "password_hash": password_hash,
            }
            for n, nip in enumerate(nips)
        ],
    )
    user_ids = dict(db.session.execute(select(User.nip, User.id)).all())
    db.session.execute(insert(UserRole), [{"user_id": uid, "role": "peserta"} for uid in user_ids.values()])

    modules = db.session.scalars(
        select(Module).where(Module.is_published.is_(True), Module.is_archived.is_(False)).order_by(Module.slug)
    ).all()
    lessons_by_module: dict[int, list[Lesson]] = {}
    current_lessons = select(Lesson).where(Lesson.is_archived.is_(False)).order_by(Lesson.module_id, Lesson.position)
    for lesson in db.session.scalars(current_lessons):
        lessons_by_module.setdefault(lesson.module_id, []).append(lesson)

    # History: half of the ASN started two modules, one in ten completed one.
    now = utcnow()
    enrolments, progress, completions = [], [], []
    for n, nip in enumerate(nips):
        if n % 2:
            continue
        uid = user_ids[nip]
        for module in rng.sample(modules, 2):
            lessons = lessons_by_module.get(module.id, [])
            done = lessons[: rng.randint(0, len(lessons))]
            enrolments.append(
                {
                    "user_id": uid,
                    "module_id": module.id,
                    "enrolled_at": now - timedelta(days=7),
                    "last_lesson_id": done[-1].id if done else None,
                    "last_activity_at": now - timedelta(days=1),
                }
            )
            progress += [{"user_id": uid, "lesson_id": lesson.id, "completed_at": now} for lesson in done]
        if n % 10 == 0:
            module = modules[n % len(modules)]
            if not any(e["user_id"] == uid and e["module_id"] == module.id for e in enrolments[-2:]):
                completions.append(
                    {
                        "user_id": uid,
                        "module_id": module.id,
                        "started_at": now - timedelta(days=30),
                        "completed_at": now - timedelta(days=20),
                        "score": 85,
                        "jp": module.jp,
                        "module_version": module.version,
                    }
                )
    db.session.execute(insert(Enrolment), enrolments)
    db.session.execute(insert(LessonProgress), progress)
    db.session.execute(insert(Completion), completions)
    db.session.commit()

    certificate_paths, verification_path = issue_certificates()
    slugs = {m.slug: [lesson.slug for lesson in lessons_by_module.get(m.id, [])] for m in modules}
    return Plan(
        password=BENCH_PASSWORD,
        nips=nips,
        modules={slug: lessons for slug, lessons in slugs.items() if lessons},
        quiz_modules=sorted(slug for slug in slugs if slug.startswith("modul-bench-")),
        certificate_paths=certificate_paths,
        verification_path=verification_path,
        counts={
            "users": len(nips),
            "opds": len(opd_ids),
            "modules": len(modules),
            "lessons": sum(len(v) for v in lessons_by_module.values()),
            "enrolments": len(enrolments),
            "lesson_progress": len(progress),
            "completions": len(completions),
            "certificates": sum(len(paths) for paths in certificate_paths.values()),
        },
    )

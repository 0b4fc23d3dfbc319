"""`flask certificates export | issue-missing | hr-scope`."""

from __future__ import annotations

import zipfile

from sqlalchemy import select

from lms.accounts import services as account_services
from lms.accounts.models import AuditLog, HrScope
from tests.certificates.factories import complete, issued, make_asn, make_module, make_opd


def test_export_writes_every_matching_pdf_with_a_progress_bar(db, runner, tmp_path):
    opd, other_opd = make_opd("Kecamatan Tugu"), make_opd("Dinas Sosial")
    module = make_module("literasi-digital")
    mine = [issued(make_asn(opd), module) for _ in range(3)]
    issued(make_asn(other_opd), module)
    out = tmp_path / "tugu.zip"
    result = runner.invoke(args=["certificates", "export", "--opd", "Kecamatan Tugu", str(out)])
    assert result.exit_code == 0, result.output
    assert "Menulis sertifikat" in result.output and "3 sertifikat ditulis" in result.output
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert sorted(names) == sorted(f"{c.nip}_literasi-digital_{c.number.replace('/', '-')}.pdf" for c in mine)
        assert archive.read(names[0]).startswith(b"%PDF-")
    assert not (tmp_path / "tugu.zip.part").exists()


def test_export_filters_by_module_and_year(db, runner, tmp_path):
    wanted = issued(module=make_module("etika"))
    issued(module=make_module("lain"))
    out = tmp_path / "etika.zip"
    year = wanted.completed_on.year
    result = runner.invoke(args=["certificates", "export", "--module", "etika", "--year", str(year), str(out)])
    assert result.exit_code == 0, result.output
    assert len(zipfile.ZipFile(out).namelist()) == 1
    none = runner.invoke(args=["certificates", "export", "--year", str(year - 1), str(tmp_path / "kosong.zip")])
    assert none.exit_code != 0 and "Tidak ada sertifikat yang cocok" in none.output
    assert not (tmp_path / "kosong.zip").exists()
    unknown = runner.invoke(args=["certificates", "export", "--module", "tidak-ada", str(tmp_path / "x.zip")])
    assert unknown.exit_code != 0 and "tidak ditemukan" in unknown.output


def test_issue_missing_command(db, runner):
    user = make_asn(name="Budi ꦧꦸꦢꦶ")
    complete(user, make_module())
    result = runner.invoke(args=["certificates", "issue-missing"])
    assert "0 sertifikat diterbitkan, 1 masih tertunda" in result.output
    user.name = "Budi Santoso"
    db.session.commit()
    result = runner.invoke(args=["certificates", "issue-missing"])
    assert "1 sertifikat diterbitkan, 0 masih tertunda" in result.output


def test_hr_scope_command(db, runner):
    opd = make_opd("Kecamatan Mijen")
    hr = make_asn(roles=("hr",), name="Petugas Mijen")
    learner = make_asn(name="Bukan HR")
    result = runner.invoke(args=["certificates", "hr-scope", hr.nip, "--opd", "kecamatan mijen"])
    assert result.exit_code == 0, result.output
    assert db.session.get(HrScope, hr.id).opd_id == opd.id
    result = runner.invoke(args=["certificates", "hr-scope", hr.nip, "--city"])
    assert result.exit_code == 0 and db.session.get(HrScope, hr.id) is None
    assert runner.invoke(args=["certificates", "hr-scope", learner.nip, "--city"]).exit_code != 0
    assert runner.invoke(args=["certificates", "hr-scope", hr.nip]).exit_code != 0


def test_set_hr_scope_is_audited(db):
    hr = make_asn(roles=("hr",))
    account_services.set_hr_scope(hr, make_opd("Kecamatan Genuk"))
    db.session.commit()
    assert "Kecamatan Genuk" in db.session.scalar(select(AuditLog.summary).where(AuditLog.action == "hr.scope"))

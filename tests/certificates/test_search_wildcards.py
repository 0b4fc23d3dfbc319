"""HR desk searches: what is typed is plain text, so LIKE wildcards and the escape character match only themselves."""

from __future__ import annotations

import pytest

from lms.certificates.queries import CertificateFilters, search_certificates
from lms.extensions import db as _db
from lms.hr.queries import search_people
from tests.certificates.factories import issued, make_asn, make_module, make_opd
from tests.conftest import make_nip


@pytest.fixture
def desk(db):
    kesehatan, tembalang = make_opd("Dinas Kesehatan"), make_opd("Kecamatan Tembalang")
    module = make_module(title="Keamanan Digital")
    people = [
        make_asn(kesehatan, nip="198609262015051001", name="Siti Aminah"),
        make_asn(tembalang, nip="197803152005011002", name="Bambang Sutrisno"),
        make_asn(tembalang, nip=make_nip(), name="Budi_Santoso"),
        make_asn(kesehatan, nip=make_nip(), name="Rina 50% Wulandari"),
        make_asn(kesehatan, nip=make_nip(), name="Joko\\Susilo"),
    ]
    certificates = {person.name: issued(person, module) for person in people}
    return certificates, kesehatan, tembalang


def certificate_names(q: str, opd_id: int | None = None) -> set[str]:
    stmt = search_certificates(None, CertificateFilters(q=q, opd_id=opd_id))
    return {certificate.name for certificate in _db.session.scalars(stmt)}


def people_names(q: str, opd_id: int | None = None) -> set[str]:
    return {user.name for user in search_people(None, q, opd_id).items}


WILDCARDS = [
    ("_", {"Budi_Santoso"}),
    ("%", {"Rina 50% Wulandari"}),
    ("\\", {"Joko\\Susilo"}),  # PostgreSQL's default escape character is plain text too
    ("i_a", set()),  # "_" is not "any one character": "Siti Aminah" has "i a", not "i_a"
    ("di_s", {"Budi_Santoso"}),
    ("%ami", set()),  # "%" is not "anything": no name has a literal "%ami"
    ("BUDI_SANTOSO", {"Budi_Santoso"}),
    ("50% wulan", {"Rina 50% Wulandari"}),
]

NORMAL = [
    ("siti", {"Siti Aminah"}),
    ("SUTRISNO", {"Bambang Sutrisno"}),
    ("siti aminah", {"Siti Aminah"}),  # every word must match
    ("siti sutrisno", set()),
    ("198609262015051001", {"Siti Aminah"}),
    ("19860926 201505", {"Siti Aminah"}),  # NIP as printed, in groups
    ("19780315", {"Bambang Sutrisno"}),
    ("tidak ada yang cocok", set()),
]


@pytest.mark.parametrize(("query", "expected"), WILDCARDS)
def test_certificate_search_matches_wildcards_literally(desk, query, expected):
    assert certificate_names(query) == expected


@pytest.mark.parametrize(("query", "expected"), WILDCARDS)
def test_people_search_matches_wildcards_literally(desk, query, expected):
    assert people_names(query) == expected


@pytest.mark.parametrize(("query", "expected"), NORMAL)
def test_certificate_search_by_name_or_nip_is_unchanged(desk, query, expected):
    assert certificate_names(query) == expected


@pytest.mark.parametrize(("query", "expected"), NORMAL)
def test_people_search_by_name_or_nip_is_unchanged(desk, query, expected):
    assert people_names(query) == expected


def test_certificate_search_by_number_and_opd_is_unchanged(desk):
    certificates, kesehatan, tembalang = desk
    wanted = certificates["Budi_Santoso"]
    assert "/" in wanted.number  # the escape character of autoescape, in every number
    assert certificate_names(wanted.number) == {"Budi_Santoso"}
    assert certificate_names("", tembalang.id) == {"Bambang Sutrisno", "Budi_Santoso"}
    assert certificate_names("_", kesehatan.id) == set()
    assert people_names("", tembalang.id) == {"Bambang Sutrisno", "Budi_Santoso"}
    assert people_names("%", kesehatan.id) == {"Rina 50% Wulandari"}


def test_hr_pages_search_literally(desk, login_as):
    browser, _user = login_as("hr", name="Petugas Kepegawaian")
    for url in ("/hr/sertifikat", "/hr/asn"):
        page = browser.get(url, query_string={"q": "_"}).get_data(as_text=True)
        assert "Budi_Santoso" in page, url
        assert "Siti Aminah" not in page and "Bambang Sutrisno" not in page, url

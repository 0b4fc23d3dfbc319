"""Admin user search: what is typed is plain text, so LIKE wildcards and the escape character match only themselves."""

from __future__ import annotations

import re

import pytest

from lms.accounts import services
from lms.accounts.queries import search_users
from tests.conftest import create_user, make_nip


@pytest.fixture
def people(db):
    kesehatan = services.get_or_create_opd("Dinas Kesehatan")
    tembalang = services.get_or_create_opd("Kecamatan Tembalang")
    lab = services.get_or_create_opd("UPTD Lab_Kesehatan 100% Mandiri")
    create_user(nip="198609262015051001", name="Siti Aminah", opd=kesehatan)
    create_user(nip="197803152005011002", name="Bambang Sutrisno", opd=tembalang)
    create_user(nip=make_nip(), name="Budi_Santoso", opd=tembalang)
    create_user(nip=make_nip(), name="Rina 50% Wulandari", opd=kesehatan)
    create_user(nip=make_nip(), name="Joko/Susilo", opd=kesehatan)
    create_user(nip=make_nip(), name="Dewi Lestari", opd=lab)
    create_user(nip=make_nip(), name="Agus Setiawan", opd=None)


def names(q: str, opd_id: int | None = None) -> set[str]:
    return {user.name for user in search_users(q, opd_id).items}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("_", {"Budi_Santoso", "Dewi Lestari"}),  # the name, or the OPD's name
        ("%", {"Rina 50% Wulandari", "Dewi Lestari"}),
        ("/", {"Joko/Susilo"}),  # the escape character itself
        ("//", set()),
        ("\\", set()),  # PostgreSQL's default escape character is plain text too
        ("i_a", set()),  # "_" is not "any one character": "Siti Aminah" has "i a", not "i_a"
        ("di_s", {"Budi_Santoso"}),
        ("% wul", {"Rina 50% Wulandari"}),
        ("%ami", set()),  # "%" is not "anything": no name has a literal "%ami"
        ("budi_", {"Budi_Santoso"}),
        ("BUDI_SANTOSO", {"Budi_Santoso"}),
    ],
)
def test_wildcards_match_only_themselves(people, query, expected):
    assert names(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("siti", {"Siti Aminah"}),
        ("SUTRISNO", {"Bambang Sutrisno"}),
        ("198609262015051001", {"Siti Aminah"}),
        ("19860926 201505", {"Siti Aminah"}),  # NIP digits, spaces typed as printed
        ("19860926  2015 05 1 001", {"Siti Aminah"}),
        ("19780315", {"Bambang Sutrisno"}),
        ("tembalang", {"Bambang Sutrisno", "Budi_Santoso"}),  # OPD name, any case
        ("Dinas   Kesehatan", {"Siti Aminah", "Rina 50% Wulandari", "Joko/Susilo"}),
        ("tidak ada yang cocok", set()),
    ],
)
def test_normal_search_by_name_nip_or_opd_is_unchanged(people, query, expected):
    assert names(query) == expected


def test_empty_search_lists_everyone_and_the_opd_filter_still_applies(people):
    assert len(names("")) == 7
    tembalang = services.get_or_create_opd("Kecamatan Tembalang")
    assert names("_", tembalang.id) == {"Budi_Santoso"}


def test_admin_page_searches_literally(people, login_as):
    browser, _admin = login_as("admin", name="Admin Kota")
    for query, expected in (("_", {"Budi_Santoso", "Dewi Lestari"}), ("%", {"Rina 50% Wulandari", "Dewi Lestari"})):
        page = browser.get("/admin/pengguna", query_string={"q": query}).get_data(as_text=True)
        found = set(re.findall(r'href="/admin/pengguna/\d+">\d{18}</a></td>\s*<td>([^<]+)</td>', page))
        assert found == expected, query

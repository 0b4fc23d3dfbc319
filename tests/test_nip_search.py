"""Every search box finds a person by her NIP however it is typed or printed: one NIP reader for all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import lms
from lms.accounts.nip import nip_search_digits
from lms.assignments.services import AssignmentRequest, create_assignment
from lms.dates import today
from tests.certificates.factories import issued, make_asn, make_module, make_opd
from tests.conftest import create_user

WANTED = "197211142006112492"  # printed 19721114 200611 2 492
DECOY = "197211142006111492"  # every printed group of WANTED appears in it, but not in that order
# The search boxes that look for people, by template, with the page that shows the results.
SEARCH_BOXES = {
    "admin/users.html": ("admin", "/admin/pengguna"),
    "hr/search.html": ("hr", "/hr/sertifikat"),
    "hr/people.html": ("hr", "/hr/asn"),
    "hr/dashboard_opd.html": ("hr", "/hr/dasbor/opd/{opd}"),  # {opd}: the OPD of the people below
    "hr/dashboard_below.html": ("hr", "/hr/dasbor/belum-target"),
    "hr/assignment_detail.html": ("hr", "/hr/penugasan/{assignment}"),
}
NOT_ABOUT_PEOPLE = {"learning/catalogue.html"}  # modules


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19721114 200611 2 492", WANTED),
        ("19721114.200611.2.492", WANTED),
        ("19721114-200611-2-492", WANTED),
        ("  197211142006112492 ", WANTED),
        ("19721114  200611", "19721114200611"),
        ("Ratna", None),
        ("LMS/2026/000123", None),
        ("1972 Ratna", None),
        ("١٩٧٢", None),  # digits, but not ASCII ones: no NIP holds them
        ("", None),
    ],
)
def test_nip_search_digits_reads_a_nip_as_people_type_it(text, expected):
    assert nip_search_digits(text) == expected


def test_every_search_box_about_people_is_covered():
    """A new search box must be added to SEARCH_BOXES, so that the test below checks it reads NIPs."""
    templates = Path(lms.__file__).parent / "templates"
    boxes = {
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if re.search(r'name="q"', path.read_text())
    }
    assert boxes == set(SEARCH_BOXES) | NOT_ABOUT_PEOPLE


@pytest.fixture
def people(db) -> dict[str, int]:
    opd = make_opd("Dinas Kependudukan dan Pencatatan Sipil")
    issued(make_asn(opd, nip=WANTED, name="Ratna Dewi"))
    issued(make_asn(opd, nip=DECOY, name="Rudi Hartono"))
    request = AssignmentRequest(
        module_id=make_module().id, target_kind="opd", opd_ids=(opd.id,), start_on=today(), due_on=today()
    )
    assignment = create_assignment(request, actor=create_user(roles=("hr",)), scope=None)
    db.session.commit()
    return {"assignment": assignment.id, "opd": opd.id}


@pytest.mark.parametrize("template", sorted(SEARCH_BOXES))
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("19721114 200611 2 492", {"Ratna Dewi"}),
        ("19721114.200611.2.492", {"Ratna Dewi"}),
        ("19721114-200611-2-492", {"Ratna Dewi"}),
        (WANTED, {"Ratna Dewi"}),
        ("19721114 200611", {"Ratna Dewi", "Rudi Hartono"}),
        ("ratna", {"Ratna Dewi"}),
    ],
)
def test_every_search_box_finds_a_nip_as_printed(people, login_as, template, query, expected):
    role, url = SEARCH_BOXES[template]
    url = url.format(**people)
    browser, _ = login_as(role)
    response = browser.get(url, query_string={"q": query})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert {name for name in ("Ratna Dewi", "Rudi Hartono") if name in page} == expected

"""In Chromium: the HR compliance dashboard's SVG charts render on a 360 px phone and a 1280 px desktop
with no console error, no sideways scroll and no serious axe-core finding; an OPD-scoped HR sees only
her OPD."""

from __future__ import annotations

import pytest

from lms import dates
from lms.accounts.models import HrScope
from lms.extensions import db as _db
from tests.browser.conftest import page_problems, screenshot
from tests.browser.test_learner_path import log_in
from tests.certificates.factories import complete, make_asn, make_module, make_opd

pytestmark = pytest.mark.browser

LONG = "Dinas Kependudukan dan Pencatatan Sipil Kota Semarang Bidang Pelayanan Pendaftaran Penduduk"


@pytest.fixture
def scene(app):
    with app.app_context():
        opds = [make_opd(f"Kecamatan Uji {n:02d}") for n in range(36)] + [make_opd(LONG)]
        module = make_module(title="Literasi Digital", jp=8)
        for index, unit in enumerate(opds[:6] + opds[-1:]):
            learner = make_asn(unit, name=f"Peserta {index}")
            complete(learner, module)
        city = make_asn(opds[0], roles=("hr",), name="Petugas BKPP")
        scoped = make_asn(opds[-1], roles=("hr",), name="Petugas Disdukcapil")
        _db.session.add(HrScope(user_id=scoped.id, opd_id=opds[-1].id))
        _db.session.commit()
        return {"city": city.nip, "scoped": scoped.nip, "own": opds[-1].id, "other": opds[0].id}


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_city_dashboard_charts_render_and_pass_axe(live_server, new_page, scene, viewport):
    page = new_page(viewport)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, scene["city"])
    page.goto(f"{live_server}/hr")
    page.wait_for_load_state()
    assert page.url.endswith("/hr/dasbor")
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() == 3
    width = page.viewport_size["width"]
    for index in range(3):
        box = charts.nth(index).bounding_box()
        assert box["width"] > 200 and box["height"] > 40
        assert box["x"] + box["width"] <= width
    assert page.get_by_role("img", name=f"ASN yang mencapai target JP per OPD, {dates.this_year()}").is_visible()
    screenshot(page, viewport, "hr-dashboard-city")
    page.get_by_text("Data grafik sebagai tabel").first.click()
    assert page.locator("details.chart-data").first.get_attribute("open") is not None  # the table alternative
    problems = page_problems(page, width)
    assert not problems, "\n".join(problems)
    assert not errors, errors


def test_an_opd_scoped_hr_sees_only_her_opd(live_server, new_page, scene):
    page = new_page("phone")
    log_in(page, live_server, scene["scoped"])
    page.goto(f"{live_server}/hr/dasbor")
    page.wait_for_load_state()
    assert page.url.split("?")[0].endswith(f"/hr/dasbor/opd/{scene['own']}")
    assert page.get_by_role("heading", level=1).inner_text() == LONG
    assert page.get_by_text("Kecamatan Uji 00").count() == 0
    assert page.locator("svg.chart[role=img]").count() == 2
    assert not page_problems(page, 360)
    response = page.goto(f"{live_server}/hr/dasbor/opd/{scene['other']}")
    assert response.status == 404

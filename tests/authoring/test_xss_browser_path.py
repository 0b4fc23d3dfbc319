"""The holdout-style XSS corpus through the browser path: upload a module full of payloads, publish it, open it
as a learner (and in the draft preview): nothing executes."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.content.models import Lesson
from lms.content.parse import parse_files
from lms.content.render import URL_SCHEMES
from tests.authoring.helpers import LESSON_MD, module_files
from tests.authoring.test_authoring import SLUG, publish_as, submit, upload
from tests.content.test_render import XSS_PAYLOADS, assert_harmless, browser_scheme, parse

PROSE = re.compile(r'<div class="prose">(.*?)</div>\s*</article>', re.S)
SCRIPT = re.compile(r"<script\b[^>]*>", re.I)


def _with_payloads(payloads: list[str]) -> dict[str, bytes]:
    files = module_files(first="\n\n".join(payloads))
    return files


def _accepted_payloads() -> tuple[list[str], list[str]]:
    """The payloads the checker lets through (rendered and sanitised) and those it refuses outright."""
    accepted, refused = [], []
    for payload in XSS_PAYLOADS:
        _, errors = parse_files(SLUG, _with_payloads([payload]))
        (refused if errors else accepted).append(payload)
    return accepted, refused


def _assert_page_harmless(html: str) -> None:
    for tag in SCRIPT.findall(html):
        assert 'src="/static/' in tag, f"a script on the page that is not the app's own: {tag}"
    match = PROSE.search(html)
    assert match, "the lesson's content is on the page"
    # the page adds its own markup (table boxes, hints), so here: no handler, no script URL, no active tag
    for tag, attrs in parse(match.group(1)).tags:
        assert tag not in {"script", "iframe", "object", "embed", "form", "style", "svg", "math", "base"}, tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in {"href", "src", "action", "formaction", "xlink:href"} and value:
                scheme = browser_scheme(value)
                assert scheme is None or scheme in URL_SCHEMES, (tag, name, value)


def test_a_module_full_of_payloads_published_from_the_browser_runs_nothing(db, trainer, kurator, login_as):
    accepted, _ = _accepted_payloads()
    assert len(accepted) >= 30, "most of the corpus must reach the renderer, or this test checks little"
    files = _with_payloads(accepted)
    files["02-inti.md"] = LESSON_MD.format(title="<script>alert(1)</script>", body=accepted[0]).encode()
    browser, _ = trainer
    upload(browser, files)
    preview = browser.get(f"/pelatih/modul/{SLUG}/pratinjau/pengantar")
    assert preview.status_code == 200, preview.get_data(as_text=True)[:2000]
    _assert_page_harmless(preview.get_data(as_text=True))
    submit(browser)
    assert publish_as(kurator[0]).status_code == 302
    db.session.expire_all()
    for stored in db.session.scalars(select(Lesson.html)):
        assert_harmless(stored)  # what the sync stored, exactly as the renderer's own corpus test demands
    learner, _ = login_as("peserta")
    for lesson in ("pengantar", "inti"):
        page = learner.get(f"/modul/{SLUG}/pelajaran/{lesson}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        _assert_page_harmless(html)
        assert "<script>alert(1)</script>" not in html
    review = kurator[0].get(f"/pelatih/modul/{SLUG}/riwayat?dari=1&ke=1").get_data(as_text=True)
    assert "<script>alert" not in review


def test_the_diff_shows_payloads_as_text(db, trainer, kurator):
    browser, _ = trainer
    upload(browser, module_files(first='<img src=x onerror="alert(1)"> <script>alert(2)</script>'))
    review = kurator[0].get(f"/pelatih/modul/{SLUG}/tinjau").get_data(as_text=True)
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in review
    assert "<script>alert(2)" not in review and "<img src=x" not in review

"""Every route, as every role, with bad numbers in the path and the query string: never a 5xx.

The crawl walks `app.url_map`. Each route argument is filled with a value that exists (a module, a
lesson, a certificate, a person, an OPD, an attempt, a media file, a year), then, one at a time, with
`0`, `-1`, `99999`, twenty digits and `abc`. A page the role can open is asked again with each of
those in each query-string key views read, and with unknown keys (`endpoint`, `_external`, `foo`).
Every POST is sent with a valid CSRF token and bad form values, and with bad `next` targets. An answer
of 500 or more, or a redirect that leaves the site, is a failure. The crawl runs as the anonymous
visitor, a peserta, a pelatih, a city-wide and an OPD-scoped HR and an admin; pages a peserta opens are
query-crawled once, as her. A route whose arguments the crawl cannot fill fails the first test, so
that the guard keeps covering every route.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import select

from lms.accounts.models import HrScope, OneTimeCode
from lms.accounts.password_reset import hash_link_token
from lms.assignments.services import AssignmentRequest, create_assignment
from lms.authoring.models import ModuleOwner, ModuleSource
from lms.authoring.services import sync_from_disk
from lms.certificates.models import Certificate
from lms.content.models import Lesson, MediaBlob
from lms.content.parse import check_tree
from lms.database import utcnow
from lms.dates import today
from lms.learning.services import record_completion
from lms.mail.services import queue_mail
from tests.certificates.factories import make_asn, make_opd
from tests.conftest import Browser, create_user, extract_csrf
from tests.external.factories import make_training
from tests.learning.helpers import DEFAULT_LESSONS, lesson_file, start_quiz, sync_folder, write_module

BAD_VALUES = ("0", "-1", "99999", "9" * 20, "abc")
# Each key alone, so that one refused value never hides another key's failure.
QUERY_KEYS = ("page", "tahun", "opd", "modul", "seed", "dari", "sampai", "status")
EXTRA_QUERIES = (
    "endpoint=x",
    "opd_id=1&foo=bar&_external=1&_scheme=javascript&_anchor=x&_method=POST",
    "format=csv&tahun=99999",
    "format=xlsx&tahun=0",
    "format=csv&tabel=proses&tahun=-1",
    f"format=xlsx&page={'9' * 20}",
    "next=%0d%0aSet-Cookie:%20x=1",
)
# Redirect targets a form may carry: control characters, plain and percent-encoded, and other sites.
BAD_NEXT = ("/\r\nSet-Cookie: x=1", "/%0d%0aSet-Cookie:%20x=1", "/\x00", "/\t/evil.example", "https://evil.example/")
FORM_NUMBERS = (
    "user_id",
    "opd_id",
    "seed",
    "page",
    "tahun",
    "id",
    "active",
    # the assignment forms: a module, OPD checkboxes, days and dates
    "module",
    "opd_ids",
    "late_join_days",
    "start_on",
    "due_on",
)
# The route arguments the crawl knows how to fill (see `world`).
ARGUMENT_NAMES = {
    "user_id",
    "opd_id",
    "certificate_id",
    "attempt_id",
    "year",
    "slug",
    "lesson_slug",
    "sha256",
    "name",
    "code",
    "filename",
    "message_id",
    "token",
    "number",
    "assignment_id",
    "training_id",
}
# The compliance dashboard (lms/hr/dashboard_views.py); the city page takes an OPD-scoped HR to her OPD.
DASHBOARD = ("hr.dashboard_opd", "hr.dashboard_below", "hr.dashboard_opd_pdf")
ROLES = ("anonymous", "peserta", "pelatih", "hr", "hr_opd", "admin")
# A few pages each role must open with the valid values, so the crawl is known to get past the guards.
MUST_REACH = {
    "anonymous": {
        "core.index",
        "auth.login",
        "certificates.verify",
        "content.media",
        "auth.forgot_password",
        "auth.reset_with_link",
    },
    "peserta": {
        "learning.module",
        "learning.lesson",
        "quizzes.attempt",
        "certificates.download",
        "learning.history",
        "external.history",
        "external.certificate",
    },
    "pelatih": {"learning.preview_lesson", "quizzes.preview", "content.modules", "authoring.draft", "authoring.edit"},
    "hr": {
        "hr.person",
        "hr.jp_recap",
        "hr.detail",
        "hr.opds",
        *DASHBOARD,
        "hr.dashboard",
        "assignments.detail",
        "assignments.extend",
        "hr.external_queue",
        "hr.external_detail",
    },
    "hr_opd": {"hr.person", "hr.jp_recap", "hr.detail", "hr.opd", *DASHBOARD, "assignments.detail", "assignments.edit"},
    "admin": {"admin.edit_user", "admin.edit_opd", "admin.users", "admin.audit", "admin.outbox", "authoring.history"},
}
SESSION_ENDING = {"auth.logout"}  # crawled last, so that every other route is crawled logged in
REDIRECTS = (301, 302, 303, 307, 308)
ARGUMENT = re.compile(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([a-z_][a-z_0-9]*)>")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2b5cd5e0000000049454e44ae426082"
)


@pytest.fixture
def world(app, db, tmp_path: Path) -> dict:
    """One of everything a route can name, and a logged-in client per role."""
    lessons = (
        lesson_file(1, "pengantar", "Pengantar", "Gambar berikut.\n\n![Bagan](media/bagan.png)\n"),
        *DEFAULT_LESSONS[1:],
    )
    folder = write_module(tmp_path / "content", "uji-masukan", lessons=lessons)
    (folder / "media").mkdir()
    (folder / "media" / "bagan.png").write_bytes(PNG)
    sync_folder(folder)
    sync_from_disk(check_tree(folder)[0], whole_tree=False, force=False)  # version 1 of the module's files
    lesson = db.session.scalar(select(Lesson).order_by(Lesson.id))
    module = lesson.module
    blob = db.session.scalar(select(MediaBlob))

    opd = make_opd("Dinas Uji Masukan")
    learner = make_asn(opd, name="Peserta Uji Masukan")
    users = {
        "peserta": learner,
        "pelatih": create_user(roles=("pelatih",)),
        "hr": create_user(roles=("hr",), opd=opd),
        "hr_opd": create_user(roles=("hr",), opd=opd),
        "admin": create_user(roles=("admin",)),
    }
    db.session.add(HrScope(user_id=users["hr_opd"].id, opd_id=opd.id))
    source = db.session.scalar(select(ModuleSource))
    db.session.add(ModuleOwner(source_id=source.id, user_id=users["pelatih"].id))
    db.session.commit()

    clients = {"anonymous": Browser(app.test_client())}
    for role, user in users.items():
        clients[role] = Browser(app.test_client())
        assert clients[role].login(user.nip).status_code == 302
    attempt_url = start_quiz(clients["peserta"], module.slug)
    completion = record_completion(learner.id, module, score=90, started_at=datetime.now(UTC) - timedelta(days=3))
    db.session.commit()
    certificate = db.session.scalar(select(Certificate).where(Certificate.completion_id == completion.id))
    assert certificate is not None, "the completion must issue a certificate for the crawl to open it"
    # Made by the OPD's own HR, so that both HR accounts may open its edit and extension pages.
    assignment = create_assignment(
        AssignmentRequest(module_id=module.id, target_kind="all", start_on=today(), due_on=today()),
        actor=users["hr_opd"],
        scope=opd,
    )
    db.session.commit()
    training = make_training(learner)  # approved, with its PDF: she cannot withdraw it, so it stays for HR

    # An e-mail in the outbox (failed, so the admin may send it again), and a reset link of the learner.
    message = queue_mail(to="uji@semarangkota.go.id", template="test", context={"moment": utcnow()}, event_key="uji")
    message.status = "failed"
    token = "tautan-uji-masukan-0123456789"
    db.session.add(
        OneTimeCode(
            user_id=learner.id,
            purpose="reset_link",
            code_hash=hash_link_token(token),
            expires_at=utcnow() + timedelta(days=1),
        )
    )
    db.session.commit()

    valid = {
        "user_id": str(learner.id),
        "opd_id": str(opd.id),
        "certificate_id": str(certificate.id),
        "attempt_id": urlsplit(attempt_url).path.rsplit("/", 1)[-1],
        "year": str(certificate.completed_on.year),
        "slug": module.slug,
        "lesson_slug": lesson.slug,
        "sha256": blob.sha256,
        "name": "module.md",  # a file of the module (the media route serves by hash, any name)
        "code": certificate.verification_code,
        "filename": "css/lentera.css",
        "message_id": str(message.id),
        "token": token,
        "number": "1",
        "assignment_id": str(assignment.id),
        "training_id": str(training.id),
    }
    assert set(valid) == ARGUMENT_NAMES
    return {"clients": clients, "valid": valid}


def fill(rule: str, values: dict[str, str]) -> str:
    return ARGUMENT.sub(lambda m: quote(values[m.group(1)], safe="/"), rule)


def variants(rule, valid: dict[str, str]) -> list[tuple[bool, str]]:
    """(all valid?, url): every argument valid, then each argument in turn with each bad value."""
    urls = [(True, fill(rule.rule, valid))]
    for name in sorted(rule.arguments):
        urls += [(False, fill(rule.rule, {**valid, name: bad})) for bad in BAD_VALUES]
    return urls


def bad_queries() -> list[str]:
    return [f"{key}={quote(bad)}" for key in QUERY_KEYS for bad in BAD_VALUES] + list(EXTRA_QUERIES)


def post_bodies(token: str) -> list[dict[str, str]]:
    """A valid CSRF token with each bad number in every numeric field, and a bad `next` target."""
    return [
        {"csrf_token": token, "next": target, **dict.fromkeys(FORM_NUMBERS, bad)}
        for bad, target in zip(BAD_VALUES, BAD_NEXT, strict=True)
    ]


def is_reachable(response) -> bool:
    """The role got past the guards: neither refused nor sent to the login page."""
    if response.status_code in (401, 403):
        return False
    return not (response.status_code in REDIRECTS and "/login" in response.headers.get("Location", ""))


def leaves_the_site(response) -> bool:
    if response.status_code not in REDIRECTS:
        return False
    location = urlsplit(response.headers.get("Location", ""))
    return location.scheme not in ("", "http") or location.netloc not in ("", "localhost")


class Crawl:
    def __init__(self, app, world) -> None:
        self.rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint in SESSION_ENDING, r.rule))
        self.valid = world["valid"]
        self.clients = world["clients"]
        self.failures: list[str] = []
        self.requests = 0

    def send(self, role: str, method: str, url: str, data: dict | None = None):
        client = self.clients[role].client
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        response.get_data()  # a streamed body (a ZIP) runs to its end, then lets go of its request
        response.close()
        self.requests += 1
        shown = f"{role}: {method} {url!r}" + (f" page={data['page']!r} next={data['next']!r}" if data else "")
        if response.status_code >= 500:
            self.failures.append(f"{shown} → {response.status_code}")
        elif leaves_the_site(response):
            self.failures.append(f"{shown} → redirect off the site: {response.headers['Location']!r}")
        return response

    def run(self, role: str, *, query_crawled: set[str]) -> set[str]:
        """Crawl as `role`; returns the endpoints it opened (200) with valid values."""
        browser = self.clients[role]
        token = extract_csrf(browser.get("/login" if role == "anonymous" else "/akun").get_data(as_text=True))
        opened: set[str] = set()
        for rule in self.rules:
            if rule.endpoint in SESSION_ENDING and role != "anonymous":
                assert browser.get("/akun").status_code == 200, f"the crawl lost the session of {role}"
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                for all_valid, url in variants(rule, self.valid):
                    if method != "GET":
                        for body in post_bodies(token)[: None if all_valid else 1]:
                            self.send(role, method, url, body)
                        continue
                    response = self.send(role, method, url)
                    if all_valid and role == "anonymous" and not is_reachable(response):
                        break  # sent to the login page before any view code runs: bad values change nothing
                    if not all_valid or not is_reachable(response):
                        continue
                    if response.status_code == 200:
                        opened.add(rule.endpoint)
                    if rule.endpoint not in query_crawled:
                        for query in bad_queries():
                            self.send(role, method, f"{url}?{query}")
        return opened


def test_the_crawl_can_fill_every_route(app):
    """A route with an argument the crawl has no value for would go unguarded: give it one in `world`."""
    unfilled = sorted(
        f"{rule.rule} ({name})"
        for rule in app.url_map.iter_rules()
        for name in rule.arguments
        if name not in ARGUMENT_NAMES
    )
    assert not unfilled, f"the crawl cannot fill these arguments; add a value to `world`: {unfilled}"


def test_no_route_answers_5xx_to_bad_numbers_bad_next_or_unknown_keys(app, world):
    crawl = Crawl(app, world)
    learner_pages: set[str] = set()
    for role in ROLES:
        opened = crawl.run(role, query_crawled=learner_pages if role not in ("anonymous", "peserta") else set())
        if role == "peserta":
            learner_pages = opened
        missing = MUST_REACH[role] - opened
        assert not missing, f"the crawl never opened {sorted(missing)} as {role}: its values no longer fit the routes"
    assert not crawl.failures, f"{len(crawl.failures)} of {crawl.requests} requests failed:\n" + "\n".join(
        crawl.failures[:80]
    )

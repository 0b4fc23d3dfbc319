"""Every page a learner, a trainer, HR and an admin can reach, and the public verification page, on a
360×800 phone: nothing scrolls sideways, no `id` is used twice, every form control has a name, and
axe-core finds nothing serious.

Each role logs in and follows every same-origin link from its pages (downloads aside), plus the pages
behind forms it can reach (a quiz attempt and its result, a trainer's preview result, the admin's
one-time code and import pages). The content is the shipped `content/` folder and one extra module
written to stress a phone: a long URL (also as inline code), a very long word and a six-column table.
"""

from __future__ import annotations

import os
from collections import deque
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms import dates
from lms.accounts.models import ADMIN, HR, KURATOR, PELATIH, PESERTA, OneTimeCode
from lms.accounts.password_reset import hash_link_token
from lms.assignments.services import AssignmentRequest, create_assignment
from lms.authoring import services as authoring
from lms.authoring.models import ModuleOwner, ModuleSource
from lms.authoring.services import sync_from_disk
from lms.certificates import services as certificate_services
from lms.certificates.models import Certificate
from lms.content.models import Lesson, Module, Question
from lms.content.parse import check_tree
from lms.database import utcnow
from lms.extensions import db as _db
from lms.learning.services import complete_lesson
from lms.mail.services import queue_mail
from lms.quizzes.services import save_answers, start_attempt, submit_attempt
from tests.browser.conftest import PHONE_WIDTH, log_in, page_problems, screenshot
from tests.certificates.factories import make_asn, make_opd
from tests.conftest import create_user, make_nip
from tests.external.factories import make_training
from tests.learning.helpers import lesson_file, write_module

pytestmark = pytest.mark.browser

CONTENT = Path(__file__).resolve().parents[2] / "content"
WIDE = "uji-layar-sempit"
RESET_TOKEN = "tautan-uji-layar-sempit-0123456789"
LONG_URL = (
    "https://layanan.semarangkota.go.id/panduan/keamanan-informasi/lampiran/"
    "formulir-pelaporan-insiden-siber-perangkat-daerah-tahun-2026.pdf?versi=terbaru&bahasa=id"
)
LONG_WORD = "Penyelenggaraanpemerintahanberbasiselektronikterintegrasikotasemarang"
WIDE_TABLE = (
    "| No | Jenis gangguan informasi | Contoh di lingkungan kerja | Dampak bagi layanan publik "
    "| Cara memeriksa | Tindak lanjut yang dianjurkan |\n"
    "|---|---|---|---|---|---|\n"
    "| 1 | Misinformasi | Pesan berantai tentang jadwal pencairan tunjangan | Warga datang ke kantor yang salah "
    "| Cocokkan dengan situs resmi | Luruskan di grup dengan tautan sumber |\n"
    "| 2 | Disinformasi | Surat edaran palsu berkop Pemerintah Kota Semarang | Kepercayaan warga turun "
    "| Periksa nomor surat ke Bagian Umum | Laporkan ke Diskominfo |\n"
    "| 3 | Malinformasi | Data pribadi pemohon dibagikan ke grup | Pelanggaran UU PDP "
    "| Telusuri siapa yang membagikan | Hapus, catat, dan laporkan insiden |\n"
)
STRESS_BODY = f"""Pelajaran ini sengaja memuat isi yang lebar.

Formulir dapat diunduh di {LONG_URL} atau lewat tautan <{LONG_URL}>.

Alamat yang sama sebagai kode: `{LONG_URL}`.

Kata yang sangat panjang: {LONG_WORD}.

{WIDE_TABLE}
```
curl --fail --silent {LONG_URL}
```
"""
STRESS_QUIZ = f"""---
title: Kuis Layar Sempit
passing_score: 70
max_attempts: 0
retry_after_minutes: 0
shuffle: false
---
Kuis ini memuat tautan `{LONG_URL}`.

## Ke mana tautan `{LONG_URL}` mengarah?
- [x] Ke situs `layanan.semarangkota.go.id`
- [ ] Ke `{LONG_URL}.verifikasi-akun.com`
> Bacalah domain dari kanan: `{LONG_URL}`.

## Apa arti {LONG_WORD} dalam tabel ini?

{WIDE_TABLE}
- [x] Sebuah kata panjang
- [ ] Sebuah tautan
> {LONG_WORD} hanyalah kata panjang.

## Satuan waktu pelatihan ASN disingkat apa?
= JP
> JP berarti jam pelajaran.
"""


def correct_answers(module: Module) -> dict[str, list[str]]:
    """Form values answering every current question of the module's quiz rightly."""
    answers = {}
    for question in _db.session.scalars(
        select(Question).where(Question.quiz_id == module.quiz.id, Question.is_archived.is_(False))
    ):
        if question.kind == "short":
            answers[question.key] = [question.accepted[0]]
        else:
            answers[question.key] = [o.key for o in question.options if o.is_correct]
    return answers


def lessons_of(module: Module) -> list[Lesson]:
    return list(
        _db.session.scalars(
            select(Lesson).where(Lesson.module_id == module.id, Lesson.is_archived.is_(False)).order_by(Lesson.position)
        )
    )


def finish(user_id: int, module: Module, *, fail_first: bool = False) -> None:
    """Every lesson done and the quiz passed (after a failed attempt when asked): the certificate is issued."""
    for lesson in lessons_of(module):
        complete_lesson(user_id, module, lesson)
    if fail_first:
        submit_attempt(start_attempt(user_id, module), {})
    submit_attempt(start_attempt(user_id, module), correct_answers(module))


@pytest.fixture
def world(app, tmp_path):
    """The shipped modules and the stress module; a learner with every state; trainer, HR and admin;
    certificates valid, expired (past the `valid_until` a module's certificate_valid_months sets),
    revoked and reissued."""
    with app.app_context():
        sync_from_disk(check_tree(CONTENT)[0], whole_tree=False, force=False)  # each module's version 1
        stress_lessons = (
            lesson_file(1, "pembuka", "Pembuka"),
            lesson_file(2, "isi-lebar", f"Isi Lebar {LONG_WORD}", STRESS_BODY),
            lesson_file(3, "penutup", "Penutup"),
        )
        wide_folder = write_module(
            tmp_path / "content",
            WIDE,
            title=f"Uji Layar Sempit {LONG_WORD}",
            summary=f"Modul uji untuk layar sempit, dengan kata {LONG_WORD}",
            lessons=stress_lessons,
            quiz=STRESS_QUIZ,
        )
        sync_from_disk(check_tree(wide_folder)[0], whole_tree=False, force=False)
        modules = {m.slug: m for m in _db.session.scalars(select(Module))}

        opd = make_opd()
        learner = make_asn(opd, name="Siti Nurhaliza Kusumawardhani Wulandari, S.Kom., M.Kom.")
        other = make_asn(opd, name="Bambang Sutrisno Hadiwijaya, S.E.")
        trainer = create_user(roles=(PELATIH,), name="Widyaiswara Pelatih Uji")
        hr = create_user(roles=(HR,), name="Petugas BKPP Uji")
        admin = create_user(roles=(ADMIN,), name="Admin Diskominfo Uji")
        kurator = create_user(roles=(KURATOR,), name="Kurator BKPP Uji")
        # The trainer owns the stress module and has a submitted draft of it: one changed lesson, one
        # new lesson (the review and history pages show their diffs), both long-lined.
        source = _db.session.scalar(select(ModuleSource).where(ModuleSource.slug == WIDE))
        source.owners.append(ModuleOwner(user_id=trainer.id))
        _db.session.flush()
        draft = authoring.draft_for_editing(source, trainer)
        files = draft.file_map()
        files["02-isi-lebar.md"] = files["02-isi-lebar.md"].replace(b"sengaja", f"sengaja {LONG_WORD}".encode())
        files["04-tambahan.md"] = files["01-pembuka.md"]
        authoring._set_files(draft, files)
        draft.revision = 2  # a save happened: the stale-save page below posts revision 1
        draft.state = "submitted"

        # The learner: one module finished after a failed attempt, one finished then revoked, one in the
        # middle with an open attempt, the others not started.
        finish(learner.id, modules[WIDE], fail_first=True)
        finish(learner.id, modules["literasi-digital-asn"])
        siber = modules["keamanan-siber-pdp"]
        for lesson in lessons_of(siber)[:2]:
            complete_lesson(learner.id, siber, lesson)
        attempt = start_attempt(learner.id, siber)
        save_answers(attempt, dict(list(correct_answers(siber).items())[:3]))
        # Another ASN: one certificate expired, one reissued (the old one revoked and linked).
        finish(other.id, siber)
        finish(other.id, modules["pelayanan-publik-digital"])
        _db.session.commit()

        certificates = {
            (c.user_id, c.module_id): c for c in _db.session.scalars(select(Certificate).order_by(Certificate.id))
        }
        revoked = certificates[(learner.id, modules["literasi-digital-asn"].id)]
        certificate_services.revoke_certificate(
            revoked, actor=hr, category="tidak_sah", reason="Penyelesaian dilakukan oleh orang lain."
        )
        expired = certificates[(other.id, siber.id)]
        expired.valid_until = expired.issued_on - timedelta(days=1)
        old = certificates[(other.id, modules["pelayanan-publik-digital"].id)]
        certificate_services.reissue_certificate(old, actor=hr, reason="Nama diperbaiki.")
        _db.session.commit()
        # A mandatory module for the learner's OPD: her Beranda lists it first; HR's pages show its progress.
        create_assignment(
            AssignmentRequest(
                module_id=siber.id,
                target_kind="opd",
                opd_ids=(opd.id,),
                start_on=dates.today(),
                due_on=dates.today() + timedelta(days=30),
                note=f"Wajib bagi seluruh pegawai. {LONG_WORD}",
            ),
            actor=hr,
            scope=None,
        )
        _db.session.commit()
        valid = certificates[(learner.id, modules[WIDE].id)]
        # Kotak keluar with a message in each state (a long error among them), and a reset link of the learner.
        for index, status in enumerate(("pending", "failed", "sent", "sending")):
            message = queue_mail(
                to=f"siti.nurhaliza.kusumawardhani.{index}@semarangkota.go.id",
                template="password_reset",
                context={"name": learner.name, "nip": learner.nip, "link": LONG_URL, "minutes": 30},
                event_key=f"layar-sempit:{index}",
            )
            message.status = status
            if status == "failed":
                message.last_error = "server SMTP tidak dapat dihubungi: ConnectionRefusedError(111, 'Connection')"
        _db.session.add(
            OneTimeCode(
                user_id=learner.id,
                purpose="reset_link",
                code_hash=hash_link_token(RESET_TOKEN),
                expires_at=utcnow() + timedelta(days=1),
            )
        )
        _db.session.commit()
        # Training outside Lentera in each state, so her page and HR's queue, detail and forms are crawled.
        make_training(learner, status="pending", name=f"Webinar {LONG_WORD}", organiser=LONG_WORD)
        make_training(learner, status="rejected", name="Bimtek Arsip Dinamis")
        make_training(learner, status="approved", name="Diklat Kepemimpinan Pengawas", with_pdf=False)
        return {
            "valid_id": valid.id,
            PESERTA: learner.nip,
            PELATIH: trainer.nip,
            HR: hr.nip,
            ADMIN: admin.nip,
            KURATOR: kurator.nip,
            "verify": {
                "sah": valid.verification_code,
                "kedaluwarsa": expired.verification_code,
                "dicabut": revoked.verification_code,
                "diganti": old.verification_code,
            },
        }


DOWNLOADS = (".pdf", ".zip", ".csv", ".json", ".xlsx", ".png", ".jpg", ".svg", ".webp")


def page_key(url: str) -> tuple[str, tuple[str, ...]] | None:
    """A page is its path and the names of its query parameters (a second page of a list, or the same
    filter with another value, shows the same layout); None for downloads and files."""
    parts = urlsplit(url)
    keys = tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    if parts.path.startswith(("/static/", "/media/")) or parts.path.endswith(DOWNLOADS) or "format" in keys:
        return None
    return parts.path, keys


class Crawler:
    """Follows the same-origin links of a role's part of the site (`follow`: path prefixes) and checks
    each page once; `check` checks the page as it is (after a form was sent, say)."""

    def __init__(self, page, base: str, role: str, follow: tuple[str, ...] = ("/",)) -> None:
        self.page, self.base, self.role, self.follow = page, base, role, follow
        self.seen: set = set()
        self.problems: list[str] = []
        self.shots = os.environ.get("LMS_CRAWL_SHOTS") == "1"

    def check(self, label: str | None = None) -> None:
        url = self.page.url
        found = page_problems(self.page, PHONE_WIDTH)
        self.problems += [f"[{self.role}] {label or url}: {problem}" for problem in found]
        if self.shots:
            name = label or urlsplit(url).path.strip("/").replace("/", "_") or "root"
            screenshot(self.page, "crawl", f"{self.role}-{name}"[:120])

    def crawl(self, *starts: str) -> int:
        """Visit `starts`, then every link found under `follow`; returns how many pages were checked."""
        queue = deque(self.base + start for start in starts)
        visited = 0
        while queue:
            url = queue.popleft()
            key = page_key(url)
            if key is None or key in self.seen:
                continue
            self.seen.add(key)
            response = self.page.goto(url)
            final = page_key(self.page.url)
            if final is not None:
                self.seen.add(final)
            if response is None or response.status >= 400:
                self.problems.append(f"[{self.role}] {url}: answered {response and response.status}")
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            visited += 1
            self.check()
            for href in self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
                href = href.split("#", 1)[0]
                if href.startswith(self.base + "/") and urlsplit(href).path.startswith(self.follow):
                    queue.append(href)
        return visited


def report(crawler: Crawler, visited: int, least: int) -> None:
    assert visited >= least, f"[{crawler.role}] only {visited} pages reached; the crawl lost its way"
    assert not crawler.problems, f"{len(crawler.problems)} problems:\n" + "\n".join(crawler.problems)


def test_every_page_a_learner_reaches_fits_a_phone(live_server, new_page, world):
    page = new_page("phone")
    log_in(page, live_server, world[PESERTA])
    # Everything a learner sees: the Beranda, the catalogue (its search is a GET form), every module,
    # lesson, quiz, attempt and result, the completion page, Riwayat and her account.
    crawler = Crawler(page, live_server, PESERTA)
    visited = crawler.crawl("/beranda", "/katalog?q=digital&kategori=&tingkat=", "/riwayat", "/akun")
    report(crawler, visited, least=40)


def test_every_page_a_trainer_reaches_fits_a_phone(live_server, new_page, world):
    page = new_page("phone")
    log_in(page, live_server, world[PELATIH])
    # The learner's pages are the learner's crawl; here the trainer's own: module list and previews.
    crawler = Crawler(page, live_server, PELATIH, follow=("/pelatih/",))
    visited = crawler.crawl("/beranda", "/akun", "/pelatih/modul")
    # The preview quiz is graded on the page (a POST): its result; the draft's preview quiz too.
    page.goto(f"{live_server}/pelatih/pratinjau/{WIDE}/kuis")
    page.get_by_role("button", name="Periksa jawaban (pratinjau)").click()
    page.wait_for_load_state()
    crawler.check("preview-quiz-result")
    page.goto(f"{live_server}/pelatih/modul/{WIDE}/pratinjau/kuis")
    page.get_by_role("button", name="Periksa jawaban (pratinjau)").click()
    page.wait_for_load_state()
    crawler.check("draft-preview-quiz-result")
    # The authoring pages behind forms: two versions compared, a stale save with both texts.
    page.goto(f"{live_server}/pelatih/modul/{WIDE}/riwayat?dari=1&ke=1")
    crawler.check("history-compare")
    page.goto(f"{live_server}/pelatih/modul/{WIDE}/sunting/02-isi-lebar.md?baris=3")
    page.evaluate("document.querySelector('input[name=revision]').value = '1'")
    page.get_by_role("button", name="Simpan dan periksa").click()
    page.wait_for_load_state()
    crawler.check("stale-save")
    assert (f"/pelatih/modul/{WIDE}/naskah", ()) in crawler.seen, "the crawl must reach the authoring pages"
    report(crawler, visited, least=30)


def test_every_page_a_kurator_reaches_fits_a_phone(live_server, new_page, world):
    page = new_page("phone")
    log_in(page, live_server, world[KURATOR])
    crawler = Crawler(page, live_server, KURATOR, follow=("/pelatih/modul/naskah", f"/pelatih/modul/{WIDE}/"))
    visited = crawler.crawl("/beranda", "/pelatih/modul", "/pelatih/modul/naskah", f"/pelatih/modul/{WIDE}/tinjau")
    report(crawler, visited, least=10)


def test_every_page_hr_reaches_fits_a_phone(live_server, new_page, world):
    page = new_page("phone")
    log_in(page, live_server, world[HR])
    crawler = Crawler(page, live_server, HR, follow=("/hr/",))
    visited = crawler.crawl(
        "/beranda",
        "/akun",
        "/hr",
        f"/hr/sertifikat?q={world[PESERTA]}",
        f"/hr/asn?q={world[PESERTA]}",
        f"/hr/dasbor/belum-target?q={world[PESERTA]}",
    )
    report(crawler, visited, least=22)

    # The page behind the assignment form: its preview.
    page.goto(f"{live_server}/hr/penugasan/baru")
    page.locator("#module").select_option(index=1)
    page.get_by_label("Semua ASN").check()
    page.get_by_label("Tenggat", exact=True).fill(dates.today().isoformat())
    page.get_by_role("button", name="Pratinjau").click()
    expect(page.get_by_role("heading", name="Pratinjau")).to_be_visible()
    crawler.check("assignment-preview")
    assert not crawler.problems, "\n".join(crawler.problems)

    # Each reason box is found by its own label: revoking by label works (it filled the reissue box).
    page.goto(f"{live_server}/hr/sertifikat/{world['valid_id']}")
    page.get_by_label("Kategori alasan").select_option("lainnya")
    page.get_by_label("Alasan pencabutan").fill("Diuji lewat labelnya.")
    page.get_by_role("button", name="Cabut sertifikat").click()
    expect(page.get_by_text("telah dicabut")).to_be_visible()


def test_every_page_an_admin_reaches_fits_a_phone(live_server, new_page, world, tmp_path):
    page = new_page("phone")
    log_in(page, live_server, world[ADMIN])
    # The module list is the trainer's page too; its previews are the trainer's crawl.
    crawler = Crawler(page, live_server, ADMIN, follow=("/admin/",))
    visited = crawler.crawl(
        "/beranda", "/akun", "/pelatih/modul", "/admin/pengguna", f"/admin/pengguna?q={world[PESERTA]}"
    )

    # The pages behind forms: the one-time code after a reset, and the activation codes of an import.
    page.goto(f"{live_server}/admin/pengguna?q={world[PESERTA]}")
    page.get_by_role("link", name=world[PESERTA]).click()
    page.get_by_role("button", name="Reset kata sandi").click()
    page.wait_for_load_state()
    crawler.check("code-issued")
    rows = ["nip;nama;email;opd;jabatan;peran"] + [
        f"{make_nip()};{name};;Dinas Komunikasi, Informatika, Statistik dan Persandian;Pranata Komputer;peserta"
        for name in ("Raden Ajeng Kusumaningrum Prawirodirjo, S.Sos., M.Si.", "Agus Salim", "Dewi Lestari")
    ]
    upload = tmp_path / "asn.csv"
    upload.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page.goto(f"{live_server}/admin/impor")
    page.get_by_label("Berkas CSV").set_input_files(str(upload))
    page.get_by_role("button", name="Periksa berkas").click()
    page.wait_for_load_state()
    crawler.check("import-checked")
    page.get_by_role("button", name="Terapkan: 3 baru, 0 diperbarui, 0 dinonaktifkan").click()
    page.wait_for_load_state()
    crawler.check("import-done")
    # Each activation code is readable on the phone as it is: not in a column scrolled out of sight.
    for code in page.eval_on_selector_all('input[name="kode"]', "fields => fields.map(f => f.value)"):
        box = page.get_by_text(code, exact=True).bounding_box()
        assert box and 0 <= box["x"] and box["x"] + box["width"] <= PHONE_WIDTH, f"code {code} is off screen: {box}"
    report(crawler, visited, least=15)


def test_the_verification_page_fits_a_phone(live_server, new_page, world):
    """Valid, expired, revoked and replaced, as anyone who scanned the QR code sees it."""
    page = new_page("phone")
    crawler = Crawler(page, live_server, "publik", follow=())
    for state, code in world["verify"].items():
        page.goto(f"{live_server}/verifikasi/{code}")
        crawler.check(f"verifikasi-{state}")
    # The password reset pages: asking for a link, the answer, choosing a password, a link that no longer works.
    page.goto(f"{live_server}/atur-ulang-kata-sandi/tautan-yang-sudah-tidak-berlaku-0123")
    crawler.check("tautan-ditolak")
    visited = crawler.crawl(
        "/",
        "/login",
        "/kebijakan-privasi",
        "/lupa-kata-sandi",
        "/lupa-kata-sandi/terkirim",
        f"/atur-ulang-kata-sandi/{RESET_TOKEN}",
    )
    report(crawler, visited, least=6)

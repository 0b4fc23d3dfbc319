"""The learner's pages — Beranda, Katalog, module, lesson, completion, Riwayat — and the trainers' preview."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from lms.accounts.models import ADMIN, KURATOR, PELATIH
from lms.authoring.services import draft_as_published
from lms.content.models import Module
from lms.errors import NotFound
from lms.extensions import db
from lms.external import queries as external_queries
from lms.external.models import APPROVED
from lms.learning import queries, services
from lms.learning.home_sections import home_sections, module_notices
from lms.learning.jp import EXCLUSION_LABELS
from lms.learning.links import completion_links
from lms.learning.requirements import completion_rule, next_step_url, requirement_statuses
from lms.params import page_arg
from lms.security import role_required

learning = Blueprint("learning", __name__)


def _check_hidden(module: Module) -> None:
    """A hidden (unpublished or archived) module stays open to learners who started it; others get 404."""
    if not module.is_visible and not queries.can_view_module(module, current_user.id):
        raise NotFound("Modul tidak ditemukan.")


LEVEL_LABELS = {"dasar": _l("Dasar"), "menengah": _l("Menengah"), "lanjut": _l("Lanjutan")}


@learning.app_template_global()
def level_label(level: str | None) -> str:
    return str(LEVEL_LABELS.get(level or "", level or ""))


@learning.app_template_global()
def jp_exclusion_label(exclusion: str | None) -> str:
    """Why a completion earns no JP, in words ("Tidak dihitung: …"); "" when it counts."""
    return _(EXCLUSION_LABELS[exclusion]) if exclusion in EXCLUSION_LABELS else ""


@learning.app_template_filter("minutes")
def minutes_filter(value: int | None) -> str:
    """45 → "45 menit"; 90 → "1 jam 30 menit"."""
    total = int(value or 0)
    hours, minutes = divmod(total, 60)
    if hours and minutes:
        return _("%(h)s jam %(m)s menit", h=hours, m=minutes)
    if hours:
        return _("%(h)s jam", h=hours)
    return _("%(m)s menit", m=minutes)


@learning.route("/beranda")
@login_required
def home():
    """Lanjutkan belajar, modules in progress and completed, JP this year against her target."""
    user_id = current_user.id
    enrolments = queries.enrolments_with_modules(user_id)
    completions = queries.completions_with_modules(user_id)
    in_progress = queries.in_progress(enrolments, completions)
    progress = queries.progress_by_module(user_id, [e.module_id for e in in_progress])
    resume = None
    if in_progress:
        current = in_progress[0]
        target = None
        # All done (as her progress already says): no lesson to resume, so no need to read them.
        if not progress[current.module_id].is_all_done:
            lessons = queries.lessons_with_progress(current.module_id, user_id)
            target = queries.next_lesson(lessons, current.last_lesson_id)
        if target is not None:
            resume = {
                "module": current.module,
                "url": url_for("learning.lesson", slug=current.module.slug, lesson_slug=target.slug),
                "title": target.title,
            }
        else:
            step = next_step_url(requirement_statuses(user_id, current.module))
            resume = {
                "module": current.module,
                "url": step[0] if step else url_for("learning.module", slug=current.module.slug),
                "title": step[1] if step else current.module.title,
            }
    return render_template(
        "learning/home.html",
        resume=resume,
        in_progress=in_progress,
        progress=progress,
        completions=completions,
        links=completion_links(completions),
        jp=queries.jp_summary(current_user, completions),
        sections=home_sections(current_user),
    )


@learning.route("/katalog")
@login_required
def catalogue():
    q = " ".join(request.args.get("q", "").split())[:100]
    category = request.args.get("kategori", "").strip()[:100]
    level = request.args.get("tingkat", "").strip()
    if level not in queries.LEVELS:
        level = ""
    page = queries.catalogue(current_user.id, q, category, level, page_arg())
    return render_template(
        "learning/catalogue.html",
        page=page,
        q=q,
        category=category,
        level=level,
        categories=queries.catalogue_categories(),
        levels=queries.LEVELS,
    )


def _module_page(page: queries.ModulePage, user_id: int | None, *, preview: bool | str):
    module, lessons, enrolment, latest = page.module, page.lessons, page.enrolment, page.completion
    # Taking it again (recertification): her latest completion is history, this cycle has none yet.
    previous = latest if queries.is_in_new_cycle(enrolment, latest) else None
    completion = None if previous else latest
    progress = queries.progress_of(lessons)
    statuses = requirement_statuses(user_id, module)
    resume = queries.next_lesson(lessons, enrolment.last_lesson_id if enrolment else None)
    return render_template(
        "learning/module.html",
        module=module,
        lessons=lessons,
        progress=progress,
        statuses=statuses,
        rule=completion_rule(len(lessons), statuses),
        time_share=_time_share_percent() if lessons else 0,
        enrolment=enrolment,
        completion=completion,
        previous=previous,
        renewable=not preview and completion is not None and queries.is_renewable(completion),
        links=completion_links([latest]) if latest else {},
        resume=resume,
        next_step=None if preview else next_step_url(statuses),
        can_finish=not preview
        and completion is None
        and progress.is_all_done
        and all(status.is_met for status in statuses),
        preview=preview,
        notices=[] if preview or user_id is None else module_notices(user_id, module),
    )


@learning.route("/modul/<slug>")
@login_required
def module(slug: str):
    """Overview, lessons done or not, progress, the quiz state and the completion rule in plain words.
    Opening it ends the reading time of the lesson she had open."""
    page = queries.module_page(slug, current_user.id)
    if not page.is_open_to_her:
        raise NotFound("Modul tidak ditemukan.")
    html = _module_page(page, current_user.id, preview=False)
    # Coming from a lesson: its reading time ends here (a short write after the page was read).
    if services.leave_lesson(current_user.id, page.visit):
        db.session.commit()
    return html


@learning.route("/modul/<slug>/ikuti-lagi", methods=["POST"])
@login_required
def start_again(slug: str):
    """Take the module again once her certificate expired (or her completion was voided): a new cycle."""
    module = queries.module_for_learner(slug, current_user.id)
    services.start_new_cycle(current_user.id, module)
    db.session.commit()
    flash(_("Anda mulai mengikuti modul ini lagi. Selesaikan pelajaran dan kuisnya untuk sertifikat baru."), "success")
    return redirect(url_for("learning.module", slug=slug))


@learning.route("/modul/<slug>/pelajaran/<lesson_slug>")
@login_required
def lesson(slug: str, lesson_slug: str):
    """A lesson as rendered at sync. Opening it enrols her and remembers it for "Lanjutkan belajar"."""
    page = queries.lesson_page(slug, lesson_slug, current_user.id)
    _check_hidden(page.module)
    html = _render_lesson(page, preview=False)
    # Read and render first; the visit (when it must be recorded) is then a short write of its own.
    if services.open_lesson(current_user.id, page.module, page.lesson, page.enrolment, page.visit):
        db.session.commit()
    return html


def _time_share_percent() -> int:
    """LMS_MIN_TIME_SHARE as a percentage for the pages that state the rule (0: no time rule)."""
    return round(services.time_rule().min_share * 100)


def _render_lesson(page: queries.LessonPage, *, preview: bool | str) -> str:
    return render_template(
        "learning/lesson.html",
        module=page.module,
        lesson=page.lesson,
        lesson_html=page.html,
        lessons=page.lessons,
        number=page.index + 1,
        previous=page.previous,
        following=page.following,
        progress=queries.progress_of(page.lessons),
        required_minutes=services.time_rule().required_seconds(page.lesson.duration_minutes) // 60,
        preview=preview,
    )


@learning.route("/modul/<slug>/pelajaran/<lesson_slug>/selesai", methods=["POST"])
@login_required
def complete_lesson(slug: str, lesson_slug: str):
    """ "Tandai selesai": saved at once; then on to the next unfinished lesson, the quiz, or the completion.
    Too early (her reading time is short of the rule): back to the lesson with how long she has read and
    how long is needed; the time she read is kept."""
    lesson, module = queries.lesson_in_module(slug, lesson_slug)
    _check_hidden(module)
    try:
        completion = services.complete_lesson(current_user.id, module, lesson)
    except services.NotEnoughTime as refused:
        db.session.commit()
        flash(refused.message, "error")
        return redirect(url_for("learning.lesson", slug=slug, lesson_slug=lesson_slug))
    lessons = queries.lessons_with_progress(module.id, current_user.id)
    target = queries.next_lesson(lessons, lesson.id)
    step = None if target or completion else next_step_url(requirement_statuses(current_user.id, module))
    db.session.commit()
    if completion is not None:
        flash(_("Selamat! Anda telah menyelesaikan modul ini."), "success")
        return redirect(url_for("learning.completed", slug=slug))
    flash(_("Pelajaran ditandai selesai."), "success")
    if target is not None:
        return redirect(url_for("learning.lesson", slug=slug, lesson_slug=target.slug))
    return redirect(step[0] if step else url_for("learning.module", slug=slug))


@learning.route("/modul/<slug>/selesai", methods=["POST"])
@login_required
def finish(slug: str):
    """Record the completion when everything is done but nothing triggered it (a lesson she had not done
    was removed from the module after she passed the quiz): the module page offers this button then."""
    module = queries.module_for_learner(slug, current_user.id)
    completion = services.try_complete(current_user.id, module)
    db.session.commit()
    if completion is not None:
        flash(_("Selamat! Anda telah menyelesaikan modul ini."), "success")
        return redirect(url_for("learning.completed", slug=slug))
    latest = queries.completion_of(current_user.id, module.id)
    if latest is not None and not queries.is_in_new_cycle(queries.enrolment_of(current_user.id, module.id), latest):
        return redirect(url_for("learning.completed", slug=slug))
    flash(_("Modul ini belum selesai. Periksa syarat selesai di bawah."), "error")
    return redirect(url_for("learning.module", slug=slug))


@learning.route("/modul/<slug>/selesai")
@login_required
def completed(slug: str):
    module = queries.module_for_learner(slug, current_user.id)
    completion = queries.completion_of(current_user.id, module.id)
    if completion is None:
        return redirect(url_for("learning.module", slug=slug))
    jp = queries.jp_summary(current_user, queries.completions_with_modules(current_user.id))
    return render_template(
        "learning/completed.html",
        module=module,
        completion=completion,
        jp=jp,
        links=completion_links([completion]),
    )


@learning.route("/riwayat")
@login_required
def history():
    """Completed modules with dates, scores and JP, by year; approved training outside Lentera apart."""
    completions = queries.completions_with_modules(current_user.id)
    return render_template(
        "learning/history.html",
        years=queries.completions_by_year(completions),
        links=completion_links(completions),
        jp=queries.jp_summary(current_user, completions),
        external=[t for t in external_queries.trainings_of(current_user.id) if t.status == APPROVED],
    )


# --- trainers' preview: any module, exactly as a learner sees it, recording nothing ---------------


@learning.route("/pelatih/pratinjau/<slug>")
@role_required(PELATIH, ADMIN)
def preview_module(slug: str):
    return _module_page(queries.module_page(slug, None), None, preview=True)


@learning.route("/pelatih/pratinjau/<slug>/pelajaran/<lesson_slug>")
@role_required(PELATIH, ADMIN)
def preview_lesson(slug: str, lesson_slug: str):
    return _render_lesson(queries.lesson_page(slug, lesson_slug, None), preview=True)


@learning.route("/pelatih/modul/<slug>/pratinjau")
@role_required(PELATIH, KURATOR, ADMIN)
def preview_draft_module(slug: str):
    """The draft's module page exactly as a learner will see it once published; nothing is stored."""
    with draft_as_published(slug, current_user):
        html = _module_page(queries.module_page(slug, None), None, preview="draft")
    db.session.commit()  # the draft's media bytes, so its images load
    return html


@learning.route("/pelatih/modul/<slug>/pratinjau/<lesson_slug>")
@role_required(PELATIH, KURATOR, ADMIN)
def preview_draft_lesson(slug: str, lesson_slug: str):
    with draft_as_published(slug, current_user):
        html = _render_lesson(queries.lesson_page(slug, lesson_slug, None), preview="draft")
    db.session.commit()
    return html

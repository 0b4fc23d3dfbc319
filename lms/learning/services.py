"""Operations on the learner's path: opening and finishing lessons, and recording a completion.

Each function adds/flushes in the caller's transaction and raises; the view commits once.
`record_completion` is the one place a completion is written and `module_completed` is sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from lms import dates
from lms.accounts.personal_data import register_personal_data
from lms.content.models import Lesson, Module
from lms.database import mark_request_writes, utcnow
from lms.errors import Conflict, ValidationError
from lms.extensions import db
from lms.learning import queries
from lms.learning.jp import JpEntry, jp_exclusions
from lms.learning.models import Completion, Enrolment, LessonProgress, LessonTime, LessonVisit
from lms.learning.requirements import requirement_statuses
from lms.learning.signals import module_completed
from lms.learning.timing import TimeRule, whole_minutes


def _insert(model):
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL both do)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def _enrolment_upsert(user_id: int, module_id: int, lesson_id: int | None, now: datetime):
    """INSERT … ON CONFLICT UPDATE of the (user, module) enrolment: her latest activity and lesson."""
    changes: dict = {"last_activity_at": now}
    if lesson_id is not None:
        changes["last_lesson_id"] = lesson_id
    stmt = _insert(Enrolment).values(
        user_id=user_id, module_id=module_id, enrolled_at=now, last_lesson_id=lesson_id, last_activity_at=now
    )
    return stmt.on_conflict_do_update(index_elements=[Enrolment.user_id, Enrolment.module_id], set_=changes)


def touch_enrolment(
    user_id: int, module: Module, lesson: Lesson | queries.LessonRow | None = None, *, now: datetime | None = None
) -> None:
    """Enrol her on first touch and remember her latest activity (and the lesson she opened last, for
    "Lanjutkan belajar").

    One statement, an upsert on the unique (user, module) key: two tabs at the same moment never make
    two enrolments, and nothing is read first.
    """
    now = now or utcnow()
    db.session.execute(_enrolment_upsert(user_id, module.id, lesson.id if lesson is not None else None, now))


#: A lesson reopened within this time, and already the one remembered, is not written again.
VISIT_REFRESH = timedelta(minutes=5)


def visit_is_recorded(
    enrolment: Enrolment | None, lesson: Lesson | queries.LessonRow, now: datetime | None = None
) -> bool:
    """True when her enrolment already remembers this lesson, recently: opening it again writes nothing."""
    now = now or utcnow()
    return (
        enrolment is not None
        and enrolment.last_lesson_id == lesson.id
        and now - enrolment.last_activity_at < VISIT_REFRESH
    )


def time_rule() -> TimeRule:
    """The time-on-task rule with this installation's settings."""
    return TimeRule.from_config(current_app.config)


class NotEnoughTime(ValidationError):
    """ "Tandai selesai" before her reading time reaches the share of the lesson's expected minutes."""

    def __init__(self, seconds: int, expected_minutes: int, required_seconds: int) -> None:
        super().__init__(
            _(
                "Anda baru membaca %(read)s menit dari perkiraan %(expected)s menit; tombol ini dapat dipakai "
                "setelah %(required)s menit. Silakan lanjutkan membaca.",
                read=whole_minutes(seconds),
                expected=expected_minutes,
                required=required_seconds // 60,
            )
        )
        self.seconds = seconds
        self.required_seconds = required_seconds


def _visit_is_current(visit: queries.OpenVisit | None, lesson_id: int, now: datetime) -> bool:
    """She reopens the lesson she opened less than VISIT_REFRESH ago: its interval simply runs on."""
    return visit is not None and visit.lesson_id == lesson_id and now - visit.opened_at < VISIT_REFRESH


def _credit(user_id: int, lesson_id: int, seconds: int, now: datetime) -> None:
    """Add seconds to her reading time on the lesson: one upsert, `seconds = seconds + n` in the database."""
    stmt = _insert(LessonTime).values(user_id=user_id, lesson_id=lesson_id, seconds=seconds, updated_at=now)
    db.session.execute(
        stmt.on_conflict_do_update(
            index_elements=[LessonTime.user_id, LessonTime.lesson_id],
            set_={"seconds": LessonTime.seconds + stmt.excluded.seconds, "updated_at": now},
        )
    )


def move_visit(user_id: int, visit: queries.OpenVisit | None, lesson_id: int | None, now: datetime) -> int:
    """End the visit she had open, crediting its interval to its lesson, and open `lesson_id` (None:
    she left the lesson, e.g. "Tandai selesai"). Returns the seconds credited.

    The interval is claimed with a compare-and-set on her one visit row (the lesson and the time read
    before): when two tabs or devices end the same interval at once, one claims it and the other
    credits nothing, so the same minutes never count twice. 1–2 short statements.
    """
    if visit is None:
        if lesson_id is not None:
            stmt = _insert(LessonVisit).values(user_id=user_id, lesson_id=lesson_id, opened_at=now)
            db.session.execute(
                stmt.on_conflict_do_update(
                    index_elements=[LessonVisit.user_id], set_={"lesson_id": lesson_id, "opened_at": now}
                )
            )
        return 0
    claimed = (
        LessonVisit.user_id == user_id,
        LessonVisit.lesson_id == visit.lesson_id,
        LessonVisit.opened_at == visit.opened_at,
    )
    if lesson_id is None:
        result = db.session.execute(delete(LessonVisit).where(*claimed))
    else:
        result = db.session.execute(update(LessonVisit).where(*claimed).values(lesson_id=lesson_id, opened_at=now))
    if result.rowcount != 1:
        return 0
    seconds = time_rule().credit(visit.opened_at, now, visit.expected_minutes)
    if seconds:
        _credit(user_id, visit.lesson_id, seconds, now)
    return seconds


def open_lesson(
    user_id: int,
    module: Module,
    lesson: Lesson | queries.LessonRow,
    enrolment: Enrolment | None = None,
    visit: queries.OpenVisit | None = None,
) -> bool:
    """Opening a lesson enrols her (the first time), is remembered for "Lanjutkan belajar", ends the
    interval of the lesson she had open (crediting it) and starts this one's.

    The lesson page is the hottest page there is: reopening, within VISIT_REFRESH, the lesson her
    enrolment and her visit already hold writes nothing (its interval runs on); otherwise the read
    transaction ends and the writes (the visit, the credit, the enrolment; each one short statement)
    run in a short write transaction (see `mark_request_writes`). Returns whether it wrote.
    """
    now = utcnow()
    is_current = _visit_is_current(visit, lesson.id, now)
    is_recorded = visit_is_recorded(enrolment, lesson, now)
    if is_current and is_recorded:
        return False
    mark_request_writes()
    if not is_current:
        move_visit(user_id, visit, lesson.id, now)
    if not is_recorded:
        touch_enrolment(user_id, module, lesson, now=now)
    return True


def leave_lesson(user_id: int, visit: queries.OpenVisit | None) -> bool:
    """She left the lesson she had open for another learning page (the module page): its interval ends
    and is credited. Nothing open, nothing written. Returns whether it wrote (the view then commits)."""
    if visit is None:
        return False
    mark_request_writes()
    move_visit(user_id, visit, None, utcnow())
    return True


def end_open_lesson(user_id: int) -> bool:
    """She went from a lesson to a page that is not a lesson (the quiz): the lesson's interval ends there,
    so the time she spends on the quiz is never credited to the lesson she had open. One read by primary
    key; a write only when a lesson was open. Returns whether it wrote (the view then commits)."""
    return leave_lesson(user_id, queries.open_visit(user_id))


def start_new_cycle(user_id: int, module: Module) -> None:
    """Begin the module again after her latest completion expired (its certificate_valid_months have
    passed) or was voided: recertification.

    The new cycle starts from scratch: her lessons of the module are no longer marked done, her reading
    time on them starts again from zero, and quiz attempts from before no longer count (the quiz domain
    reads `Enrolment.cycle_started_at`), so a new completion needs the lessons, their reading time and
    the quiz again. Completions and certificates of earlier cycles stay as history (each completion keeps
    its own engaged_seconds); the new completion gets a certificate of its own and counts JP in its own
    year (by the rule of lms.learning.jp). Raises Conflict when there is nothing to renew: never
    completed, still valid, or already begun again.
    """
    latest = queries.completion_of(user_id, module.id)
    if latest is None or not queries.is_renewable(latest):
        raise Conflict("Modul ini belum dapat diikuti lagi: penyelesaian Anda masih berlaku.")
    enrolment = queries.enrolment_of(user_id, module.id)
    if queries.is_in_new_cycle(enrolment, latest):
        raise Conflict("Anda sudah mulai mengikuti modul ini lagi.")
    now = utcnow()
    touch_enrolment(user_id, module, now=now)
    db.session.flush()
    db.session.execute(
        update(Enrolment)
        .where(Enrolment.user_id == user_id, Enrolment.module_id == module.id)
        .values(cycle_started_at=now, last_lesson_id=None)
        .execution_options(synchronize_session=False)
    )
    module_lessons = select(Lesson.id).where(Lesson.module_id == module.id)
    # Lessons done and reading time both start from zero: the time of the earlier cycle is kept on its
    # completion (engaged_seconds) and must not let the new cycle's lessons be marked done unread.
    for model in (LessonProgress, LessonTime, LessonVisit):
        db.session.execute(
            delete(model)
            .where(model.user_id == user_id, model.lesson_id.in_(module_lessons))
            .execution_options(synchronize_session=False)
        )
    db.session.expire_all()


def complete_lesson(user_id: int, module: Module, lesson: Lesson) -> Completion | None:
    """Mark the lesson done (once; doing it again changes nothing) and complete the module when this was
    the last thing missing. Returns the new Completion, or None when the module is not (newly) complete.

    Pressing the button ends her visit (its interval is credited first). A lesson not yet done is
    accepted only once her reading time reaches the rule's share of its expected minutes; before that
    it raises NotEnoughTime, after the credit was written, which the caller commits: nothing is lost.
    """
    now = utcnow()
    move_visit(user_id, queries.open_visit(user_id), None, now)
    seconds, is_done = queries.lesson_time_state(user_id, lesson.id)
    rule = time_rule()
    if not is_done and not rule.is_enough(seconds, lesson.duration_minutes):
        raise NotEnoughTime(seconds, lesson.duration_minutes, rule.required_seconds(lesson.duration_minutes))
    db.session.execute(
        _insert(LessonProgress)
        .values(user_id=user_id, lesson_id=lesson.id, completed_at=now)
        .on_conflict_do_nothing(index_elements=[LessonProgress.user_id, LessonProgress.lesson_id])
    )
    touch_enrolment(user_id, module, lesson, now=now)
    return try_complete(user_id, module)


def try_complete(user_id: int, module: Module) -> Completion | None:
    """Record the completion if the module is complete now: every current lesson done and every
    registered requirement (e.g. the quiz passed) met. Returns the Completion when this call recorded
    it; None when the module is not complete, or completed in her current cycle already (the first
    record stands; a new cycle is begun only by `start_new_cycle`)."""
    enrolment = queries.enrolment_of(user_id, module.id)
    latest = queries.completion_of(user_id, module.id)
    if latest is not None and not queries.is_in_new_cycle(enrolment, latest):
        return None
    progress = queries.progress_of(queries.lessons_with_progress(module.id, user_id))
    if not progress.is_all_done:
        return None
    statuses = requirement_statuses(user_id, module)
    if not all(status.is_met for status in statuses):
        return None
    score = next((status.score for status in statuses if status.score is not None), None)
    started_at = None
    if enrolment is not None:
        started_at = enrolment.cycle_started_at or enrolment.enrolled_at
    return record_completion(user_id, module, score=score, started_at=started_at)


def record_completion(
    user_id: int, module: Module, *, score: int | None, started_at: datetime | None = None
) -> Completion | None:
    """Write the Completion of (user, module) for her next cycle — when, score, JP, module version, until
    when it is valid (the module's certificate_valid_months), and her reading time on its lessons beside
    their expected minutes — count its JP by the one rule (`recount_jp`) and send `module_completed` with it.

    The only function that records a completion. Cycle 1 the first time, the next one only after an
    expired or voided completion; while her latest completion stands, nothing is written and None is
    returned. The row is inserted in a savepoint: when another request recorded this cycle first, the
    unique (user, module, cycle) key refuses the second, nothing is sent and None is returned. The
    signal fires inside the caller's transaction, after the flush and before the commit, so what a
    receiver (the certificate) writes commits atomically with the completion; a receiver that raises
    rolls the completion back with it.
    """
    now = utcnow()
    latest = queries.completion_of(user_id, module.id)
    if latest is not None and not queries.is_renewable(latest):
        return None  # her completion stands (not expired, not voided): never a second record of it
    months = module.certificate_valid_months
    engaged_seconds, expected_minutes = queries.module_time(user_id, module.id)
    completion = Completion(
        user_id=user_id,
        module_id=module.id,
        cycle=latest.cycle + 1 if latest is not None else 1,
        started_at=started_at or now,
        completed_at=now,
        score=score,
        jp=module.jp,
        module_version=module.version,
        valid_until=dates.add_months(dates.local_date(now), months) if months else None,
        engaged_seconds=engaged_seconds,
        expected_minutes=expected_minutes,
    )
    try:
        with db.session.begin_nested():
            db.session.add(completion)
            db.session.flush()
    except IntegrityError:
        return None
    completion.module = module
    recount_jp(user_id, module, recorded=completion.id)
    module_completed.send(completion)
    return completion


def recount_jp(user_id: int, module: Module, *, recorded: int | None = None) -> None:
    """Apply the JP rule (lms.learning.jp) to all her completions of the module and store the outcome
    on each (`jp_exclusion`). Runs when a completion is recorded or voided; every total then sums the
    completions that count. The module's `jp_repeatable` is read as it is now.

    A completion that counts keeps counting unless it is voided itself: JP already reported (Beranda,
    the HR desk, SIASN) never drops because a later sync made the module not repeatable. Only the new
    completion, or a void, changes what counts."""
    completions = list(
        db.session.scalars(select(Completion).where(Completion.user_id == user_id, Completion.module_id == module.id))
    )
    # Those that counted before this recount (`recorded`, just written, has no outcome yet).
    counted_before = {c.id for c in completions if c.jp_exclusion is None and c.id != recorded}
    outcome = jp_exclusions(
        (JpEntry(c.id, c.completed_at, c.is_void) for c in completions), repeatable=module.jp_repeatable
    )
    for completion in completions:
        exclusion = outcome[completion.id]
        if completion.id in counted_before and exclusion is not None and not completion.is_void:
            continue  # it counted when it was recorded: a later setting does not take it back
        if completion.jp_exclusion != exclusion:
            completion.jp_exclusion = exclusion
    db.session.flush()


def void_completion(completion: Completion, *, at: datetime | None = None) -> bool:
    """Declare a completion invalid (its certificate was revoked as *tidak sah*): it stops counting
    toward JP everywhere, and a later completion of the module in its year may count instead. The
    record stays, with when it was voided. Returns False when it was void already (nothing changes)."""
    if completion.voided_at is not None:
        return False
    completion.voided_at = at or utcnow()
    db.session.flush()
    recount_jp(completion.user_id, completion.module)
    return True


def personal_data(user) -> dict:
    """What learning holds about a person, for the PDP export: enrolments, lessons done, completions,
    reading time per lesson."""
    enrolments = queries.enrolments_with_modules(user.id)
    done = db.session.execute(
        select(Module.slug, Lesson.slug, Lesson.title, LessonProgress.completed_at)
        .join(Lesson, LessonProgress.lesson_id == Lesson.id)
        .join(Module, Lesson.module_id == Module.id)
        .where(LessonProgress.user_id == user.id)
        .order_by(LessonProgress.completed_at)
    ).all()
    reading = db.session.execute(
        select(Module.slug, Lesson.slug, LessonTime.seconds, LessonTime.updated_at)
        .join(Lesson, LessonTime.lesson_id == Lesson.id)
        .join(Module, Lesson.module_id == Module.id)
        .where(LessonTime.user_id == user.id)
        .order_by(Module.slug, Lesson.position)
    ).all()
    return {
        "modul_diikuti": [
            {
                "modul": e.module.slug,
                "judul": e.module.title,
                "mulai": dates.local_iso(e.enrolled_at),
                "aktivitas_terakhir": dates.local_iso(e.last_activity_at),
            }
            for e in enrolments
        ],
        "pelajaran_selesai": [
            {"modul": m, "pelajaran": slug, "judul": title, "selesai": dates.local_iso(at)}
            for m, slug, title, at in done
        ],
        "modul_selesai": [
            {
                "modul": c.module.slug,
                "judul": c.module.title,
                "mulai": dates.local_iso(c.started_at),
                "selesai": dates.local_iso(c.completed_at),
                "nilai": c.score,
                "jp": c.jp,
                "jp_dihitung": c.counted_jp,
                "versi_modul": c.module_version,
                "waktu_baca_detik": c.engaged_seconds,
                "perkiraan_menit": c.expected_minutes,
            }
            for c in queries.completions_with_modules(user.id)
        ],
        "waktu_baca": [
            {"modul": m, "pelajaran": slug, "detik": seconds, "diperbarui": dates.local_iso(at)}
            for m, slug, seconds, at in reading
        ],
    }


register_personal_data("pembelajaran", personal_data)

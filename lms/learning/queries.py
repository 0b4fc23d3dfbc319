"""Reads for the learner's path: lessons with her progress, the catalogue, Beranda, Riwayat, JP per year.

Every function here runs a fixed number of queries, whatever the number of modules, lessons or
learners: pages built from them stay bounded (tests assert it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, String, and_, bindparam, case, cast, exists, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, load_only, undefer

from lms import dates
from lms.accounts.models import User
from lms.content.models import Lesson, Module
from lms.errors import NotFound
from lms.extensions import db
from lms.external.queries import external_jp
from lms.learning.models import Completion, Enrolment, LessonProgress, LessonTime, LessonVisit

CATALOGUE_PAGE_SIZE = 20
LEVELS = ("dasar", "menengah", "lanjut")


@dataclass(frozen=True)
class LessonRow:
    """A current lesson of a module with whether this learner has done it (never the HTML)."""

    id: int
    slug: str
    title: str
    position: int
    duration_minutes: int | None
    is_done: bool


@dataclass(frozen=True)
class Progress:
    """Done lessons out of the module's current lessons; the percentage never exceeds 100."""

    done: int
    total: int

    @property
    def percent(self) -> int:
        if self.total <= 0:
            return 0
        return min(100, self.done * 100 // self.total)

    @property
    def is_all_done(self) -> bool:
        return self.done >= self.total


@dataclass(frozen=True)
class JpSummary:
    """A year's JP against the target: from Lentera's modules and from approved training outside
    Lentera (lms.external), shown apart; `earned` is the sum, what the target is measured against."""

    year: int
    lentera: int
    target: int
    external: int = 0

    @property
    def earned(self) -> int:
        return self.lentera + self.external

    @property
    def percent(self) -> int:
        if self.target <= 0:
            return 100
        return min(100, self.earned * 100 // self.target)

    @property
    def remaining(self) -> int:
        return max(0, self.target - self.earned)


def progress_of(lessons: list[LessonRow]) -> Progress:
    return Progress(done=sum(1 for row in lessons if row.is_done), total=len(lessons))


def next_lesson(lessons: list[LessonRow], last_lesson_id: int | None) -> LessonRow | None:
    """Where to resume: the lesson she opened last if not done, else the next undone one after it,
    else the first undone one; None when every lesson is done."""
    start = 0
    for index, row in enumerate(lessons):
        if row.id == last_lesson_id:
            if not row.is_done:
                return row
            start = index + 1
            break
    for row in lessons[start:] + lessons[:start]:
        if not row.is_done:
            return row
    return None


# --- modules and lessons ---------------------------------------------------------------------


def module_by_slug(slug: str) -> Module:
    """Any module by slug, published or not (callers decide who may see a hidden one). Raises NotFound."""
    module = db.session.scalar(select(Module).where(Module.slug == slug))
    if module is None:
        raise NotFound("Modul tidak ditemukan.")
    return module


def lesson_in_module(module_slug: str, lesson_slug: str) -> tuple[Module, Lesson]:
    """The current lesson (with its HTML) and its module in one query. Raises NotFound."""
    row = db.session.execute(
        select(Lesson, Module)
        .join(Module, Lesson.module_id == Module.id)
        .options(undefer(Lesson.html))
        .where(Module.slug == module_slug, Lesson.slug == lesson_slug, Lesson.is_archived.is_(False))
    ).first()
    if row is None:
        raise NotFound("Pelajaran tidak ditemukan. Mungkin pelajaran ini sudah dipindahkan atau dihapus dari modul.")
    return row[0], row[1]


@dataclass(frozen=True)
class OpenVisit:
    """The lesson she has open (any module, any device) since when, with its expected minutes."""

    lesson_id: int
    opened_at: datetime
    expected_minutes: int | None


@dataclass(frozen=True)
class LessonPage:
    """What the lesson page shows: the module, her enrolment, the module's current lessons with her
    progress, which of them is open, and its HTML (rendered at sync); and the lesson she had open
    before this request (time on task)."""

    module: Module
    enrolment: Enrolment | None
    lessons: list[LessonRow]
    index: int
    html: str
    visit: OpenVisit | None = None

    @property
    def lesson(self) -> LessonRow:
        return self.lessons[self.index]

    @property
    def previous(self) -> LessonRow | None:
        return self.lessons[self.index - 1] if self.index > 0 else None

    @property
    def following(self) -> LessonRow | None:
        return self.lessons[self.index + 1] if self.index + 1 < len(self.lessons) else None


_VisitedLesson = aliased(Lesson)

# The hottest page there is, so its one statement is built once (no per-request construction or cache
# key): the module and her enrolment with every current lesson, done or not, the open lesson's HTML,
# and (on every row, a one-row join by primary key) the lesson she had open before, with its minutes.
_LESSON_PAGE = (
    select(
        Module,
        Enrolment,
        Lesson.id,
        Lesson.slug,
        Lesson.title,
        Lesson.position,
        Lesson.duration_minutes,
        LessonProgress.id.is_not(None),
        case((Lesson.slug == bindparam("lesson_slug"), Lesson.html), else_=None),
        LessonVisit.lesson_id,
        LessonVisit.opened_at,
        _VisitedLesson.duration_minutes,
    )
    .join(Lesson, and_(Lesson.module_id == Module.id, Lesson.is_archived.is_(False)))
    .outerjoin(Enrolment, and_(Enrolment.module_id == Module.id, Enrolment.user_id == bindparam("user_id")))
    .outerjoin(
        LessonProgress, and_(LessonProgress.lesson_id == Lesson.id, LessonProgress.user_id == bindparam("user_id"))
    )
    .outerjoin(LessonVisit, LessonVisit.user_id == bindparam("user_id"))
    .outerjoin(_VisitedLesson, _VisitedLesson.id == LessonVisit.lesson_id)
    .where(Module.slug == bindparam("module_slug"))
    .order_by(Lesson.position)
    # The module comes with every lesson row: only the few columns the page uses (not its overview
    # HTML or tags), the rest load if something asks for them.
    .options(load_only(Module.slug, Module.title, Module.is_published, Module.is_archived))
)


def lesson_page(module_slug: str, lesson_slug: str, user_id: int | None) -> LessonPage:
    """The lesson page's data in one query; `user_id` None (a trainer's preview) shows nothing as done.
    Raises NotFound when the module has no current lesson by that slug."""
    rows = db.session.execute(
        _LESSON_PAGE, {"module_slug": module_slug, "lesson_slug": lesson_slug, "user_id": user_id}
    ).all()
    index = next((i for i, row in enumerate(rows) if row[3] == lesson_slug), None)
    if index is None:
        raise NotFound("Pelajaran tidak ditemukan. Mungkin pelajaran ini sudah dipindahkan atau dihapus dari modul.")
    first = rows[0]
    visit = OpenVisit(first[9], first[10], first[11]) if first[9] is not None else None
    return LessonPage(
        module=first[0],
        enrolment=first[1],
        lessons=_lesson_rows(rows, 2),
        index=index,
        html=rows[index][8],
        visit=visit,
    )


# --- time on task -------------------------------------------------------------------------------

_OPEN_VISIT = (
    select(LessonVisit.lesson_id, LessonVisit.opened_at, Lesson.duration_minutes)
    .join(Lesson, Lesson.id == LessonVisit.lesson_id)
    .where(LessonVisit.user_id == bindparam("user_id"))
)


def open_visit(user_id: int) -> OpenVisit | None:
    """The lesson she has open and since when (one query by primary key), or None."""
    row = db.session.execute(_OPEN_VISIT, {"user_id": user_id}).first()
    return OpenVisit(row[0], row[1], row[2]) if row is not None else None


_LESSON_TIME_STATE = (
    select(func.coalesce(LessonTime.seconds, 0), LessonProgress.id.is_not(None))
    .select_from(Lesson)
    .outerjoin(LessonTime, and_(LessonTime.lesson_id == Lesson.id, LessonTime.user_id == bindparam("user_id")))
    .outerjoin(
        LessonProgress, and_(LessonProgress.lesson_id == Lesson.id, LessonProgress.user_id == bindparam("user_id"))
    )
    .where(Lesson.id == bindparam("lesson_id"))
)


def lesson_time_state(user_id: int, lesson_id: int) -> tuple[int, bool]:
    """(her reading seconds on the lesson, whether she marked it done), one query."""
    row = db.session.execute(_LESSON_TIME_STATE, {"user_id": user_id, "lesson_id": lesson_id}).first()
    return (int(row[0]), bool(row[1])) if row is not None else (0, False)


_MODULE_TIME = (
    select(func.coalesce(func.sum(LessonTime.seconds), 0), func.coalesce(func.sum(Lesson.duration_minutes), 0))
    .select_from(Lesson)
    .outerjoin(LessonTime, and_(LessonTime.lesson_id == Lesson.id, LessonTime.user_id == bindparam("user_id")))
    .where(Lesson.module_id == bindparam("module_id"), Lesson.is_archived.is_(False))
)


def module_time(user_id: int, module_id: int) -> tuple[int, int]:
    """(her reading seconds, the expected minutes) over the module's current lessons, one query."""
    seconds, minutes = db.session.execute(_MODULE_TIME, {"user_id": user_id, "module_id": module_id}).one()
    return int(seconds), int(minutes)


@dataclass(frozen=True)
class ModulePage:
    """What the module page shows: the module, her enrolment and completion, its current lessons with
    her progress."""

    module: Module
    enrolment: Enrolment | None
    completion: Completion | None
    lessons: list[LessonRow]
    visit: OpenVisit | None = None

    @property
    def is_open_to_her(self) -> bool:
        """The rule of `can_view_module`: published, or hidden but started (or completed) by her."""
        return self.module.is_visible or self.enrolment is not None or self.completion is not None


_LATER = aliased(Completion)
# Her latest completion of the module (the newest cycle) as a join condition: no later one exists.
_IS_LATEST_COMPLETION = ~exists().where(
    _LATER.user_id == Completion.user_id, _LATER.module_id == Completion.module_id, _LATER.cycle > Completion.cycle
)

# The module page's one statement, built once: the module with her enrolment and latest completion,
# every current lesson (none: one row with no lesson), done or not, and the lesson she had open.
_MODULE_PAGE = (
    select(
        Module,
        Enrolment,
        Completion,
        Lesson.id,
        Lesson.slug,
        Lesson.title,
        Lesson.position,
        Lesson.duration_minutes,
        LessonProgress.id.is_not(None),
        LessonVisit.lesson_id,
        LessonVisit.opened_at,
        _VisitedLesson.duration_minutes,
    )
    .outerjoin(Lesson, and_(Lesson.module_id == Module.id, Lesson.is_archived.is_(False)))
    .outerjoin(Enrolment, and_(Enrolment.module_id == Module.id, Enrolment.user_id == bindparam("user_id")))
    .outerjoin(
        Completion,
        and_(Completion.module_id == Module.id, Completion.user_id == bindparam("user_id"), _IS_LATEST_COMPLETION),
    )
    .outerjoin(
        LessonProgress, and_(LessonProgress.lesson_id == Lesson.id, LessonProgress.user_id == bindparam("user_id"))
    )
    .outerjoin(LessonVisit, LessonVisit.user_id == bindparam("user_id"))
    .outerjoin(_VisitedLesson, _VisitedLesson.id == LessonVisit.lesson_id)
    .where(Module.slug == bindparam("module_slug"))
    .order_by(Lesson.position)
    # Only what the page shows (not the tags, hashes or counters), the rest loads if something asks.
    .options(
        load_only(
            Module.slug,
            Module.title,
            Module.summary,
            Module.jp,
            Module.category,
            Module.level,
            Module.estimated_minutes,
            Module.overview_html,
            Module.is_published,
            Module.is_archived,
        )
    )
)


def module_page(slug: str, user_id: int | None) -> ModulePage:
    """The module page's data in one query, for any module published or not (the caller decides who may
    see a hidden one); `user_id` None (a trainer's preview) shows nothing as done. Raises NotFound."""
    rows = db.session.execute(_MODULE_PAGE, {"module_slug": slug, "user_id": user_id}).all()
    if not rows:
        raise NotFound("Modul tidak ditemukan.")
    first = rows[0]
    lessons = _lesson_rows(rows, 3) if first[3] is not None else []
    visit = OpenVisit(first[9], first[10], first[11]) if first[9] is not None else None
    return ModulePage(module=first[0], enrolment=first[1], completion=first[2], lessons=lessons, visit=visit)


# Beranda's "Lanjutkan belajar", "Tandai selesai" and the completion check: built once. With `user_id`
# None the join finds nothing, so no lesson is done.
_LESSONS_WITH_PROGRESS = (
    select(
        Lesson.id,
        Lesson.slug,
        Lesson.title,
        Lesson.position,
        Lesson.duration_minutes,
        LessonProgress.id.is_not(None),
    )
    .outerjoin(
        LessonProgress, and_(LessonProgress.lesson_id == Lesson.id, LessonProgress.user_id == bindparam("user_id"))
    )
    .where(Lesson.module_id == bindparam("module_id"), Lesson.is_archived.is_(False))
    .order_by(Lesson.position)
)


def lessons_with_progress(module_id: int, user_id: int | None) -> list[LessonRow]:
    """The module's current lessons in order, each marked done or not for this learner (one query)."""
    rows = db.session.execute(_LESSONS_WITH_PROGRESS, {"module_id": module_id, "user_id": user_id})
    return _lesson_rows(rows, 0)


def _lesson_rows(rows, first: int) -> list[LessonRow]:
    """LessonRows from result rows holding id, slug, title, position, duration and done from column `first`."""
    i = first
    return [LessonRow(r[i], r[i + 1], r[i + 2], r[i + 3], r[i + 4], is_done=bool(r[i + 5])) for r in rows]


# Her progress on a module, as two columns correlated to Module.id (one definition for every page
# that shows it): its current lessons, and those of them she has done.
_CURRENT_LESSONS = (
    select(func.count(Lesson.id))
    .where(Lesson.module_id == Module.id, Lesson.is_archived.is_(False))
    .correlate(Module)
    .scalar_subquery()
)
_DONE_LESSONS = (
    select(func.count(LessonProgress.id))
    .join(Lesson, LessonProgress.lesson_id == Lesson.id)
    .where(
        Lesson.module_id == Module.id,
        Lesson.is_archived.is_(False),
        LessonProgress.user_id == bindparam("user_id"),
    )
    .correlate(Module)
    .scalar_subquery()
)
_PROGRESS_BY_MODULE = select(Module.id, _DONE_LESSONS, _CURRENT_LESSONS).where(
    Module.id.in_(bindparam("module_ids", expanding=True))
)


def progress_by_module(user_id: int, module_ids: list[int]) -> dict[int, Progress]:
    """Done/total current lessons for each of these modules, in one query."""
    if not module_ids:
        return {}
    rows = db.session.execute(_PROGRESS_BY_MODULE, {"user_id": user_id, "module_ids": module_ids})
    found = {module_id: Progress(done=done, total=total) for module_id, done, total in rows}
    return {module_id: found.get(module_id, Progress(0, 0)) for module_id in module_ids}


def module_for_learner(slug: str, user_id: int) -> Module:
    """The module if she may open it: published, or hidden but started by her. Raises NotFound."""
    module = module_by_slug(slug)
    if not can_view_module(module, user_id):
        raise NotFound("Modul tidak ditemukan.")
    return module


def can_view_module(module: Module, user_id: int) -> bool:
    """Published modules are open to every learner; a hidden one only to those who started it."""
    if module.is_visible:
        return True
    return enrolment_of(user_id, module.id) is not None or completion_of(user_id, module.id) is not None


# --- enrolments and completions ----------------------------------------------------------------


def enrolment_of(user_id: int, module_id: int) -> Enrolment | None:
    return db.session.scalar(select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.module_id == module_id))


def completion_of(user_id: int, module_id: int) -> Completion | None:
    """Her latest completion of the module (its newest cycle), or None."""
    return db.session.scalar(
        select(Completion)
        .where(Completion.user_id == user_id, Completion.module_id == module_id)
        .order_by(Completion.cycle.desc())
        .limit(1)
    )


def is_renewable(completion: Completion, today: date | None = None) -> bool:
    """Whether she may take the module again after this completion: it was voided (declared invalid),
    or its validity ended (`valid_until` has passed, at the office's date). A completion without an end
    of validity never expires."""
    if completion.is_void:
        return True
    return completion.valid_until is not None and (today or dates.today()) > completion.valid_until


def is_in_new_cycle(enrolment: Enrolment | None, latest: Completion | None) -> bool:
    """Whether she is taking the module again: she began a new cycle after her latest completion."""
    if latest is None:
        return False
    return (
        enrolment is not None
        and enrolment.cycle_started_at is not None
        and enrolment.cycle_started_at > latest.completed_at
    )


def latest_completions(completions: list[Completion]) -> dict[int, Completion]:
    """{module id: her latest completion of it} from a list of her completions."""
    latest: dict[int, Completion] = {}
    for completion in completions:
        current = latest.get(completion.module_id)
        if current is None or completion.cycle > current.cycle:
            latest[completion.module_id] = completion
    return latest


def in_progress(enrolments: list[Enrolment], completions: list[Completion]) -> list[Enrolment]:
    """Her enrolments in modules she is taking now: never completed, or begun again in a new cycle."""
    latest = latest_completions(completions)
    return [e for e in enrolments if e.module_id not in latest or is_in_new_cycle(e, latest[e.module_id])]


# A module in a list of hers (Beranda, Riwayat, the HR desk, the PDP export) shows only these columns;
# anything else loads if something asks for it.
_LISTED_MODULE_COLUMNS = (Module.slug, Module.title, Module.jp, Module.is_published, Module.is_archived)

_ENROLMENTS_WITH_MODULES = (
    select(Enrolment)
    .join(Enrolment.module)
    .options(contains_eager(Enrolment.module).load_only(*_LISTED_MODULE_COLUMNS))
    .where(Enrolment.user_id == bindparam("user_id"))
    .order_by(Enrolment.last_activity_at.desc(), Enrolment.id.desc())
)
_COMPLETIONS_WITH_MODULES = (
    select(Completion)
    .join(Completion.module)
    .options(contains_eager(Completion.module).load_only(*_LISTED_MODULE_COLUMNS))
    .where(Completion.user_id == bindparam("user_id"))
    .order_by(Completion.completed_at.desc(), Completion.id.desc())
)


def enrolments_with_modules(user_id: int) -> list[Enrolment]:
    """Her enrolments, most recently touched first, each with its module (one query)."""
    return list(db.session.scalars(_ENROLMENTS_WITH_MODULES, {"user_id": user_id}))


def completions_with_modules(user_id: int) -> list[Completion]:
    """Her completions, newest first, each with its module (one query)."""
    return list(db.session.scalars(_COMPLETIONS_WITH_MODULES, {"user_id": user_id}))


def jp_target(user: User) -> int:
    """The yearly JP target for her employee type (JP_TARGET_PNS / JP_TARGET_PPPK)."""
    key = "JP_TARGET_PPPK" if user.employee_type == "PPPK" else "JP_TARGET_PNS"
    return int(current_app.config[key])


def jp_summary(user: User, completions: list[Completion], year: int | None = None) -> JpSummary:
    """JP earned in a calendar year (WIB; this year by default) from her completions that count (the
    rule of lms.learning.jp) and from her approved external training ending that year (one query),
    against her target."""
    year = year or dates.this_year()
    earned = sum(c.counted_jp for c in completions if dates.local_year(c.completed_at) == year)
    return JpSummary(year=year, lentera=earned, target=jp_target(user), external=external_jp(user.id, year))


def completions_by_year(completions: list[Completion]) -> list[tuple[int, list[Completion], int]]:
    """(year, completions of that year, JP total of those that count), newest year first."""
    years: dict[int, list[Completion]] = {}
    for completion in completions:
        years.setdefault(dates.local_year(completion.completed_at), []).append(completion)
    return [(year, items, sum(c.counted_jp for c in items)) for year, items in sorted(years.items(), reverse=True)]


# --- catalogue ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueEntry:
    """A module of the catalogue with her status: progress only when she started it."""

    module: Module
    progress: Progress | None
    is_completed: bool


class CataloguePage(Pagination):
    """A page of the catalogue from one statement: its rows carry her status on each module and the
    total number of matches (a window count), so no second query counts them. Only a page past the
    last one, which has no row to carry the total, asks again for the first row."""

    def _query_items(self) -> list[CatalogueEntry]:
        statement, params = self._query_args["statement"], self._query_args["params"]
        rows = db.session.execute(statement, {**params, "limit": self.per_page, "offset": self._query_offset}).all()
        if not rows and self._query_offset:
            first = db.session.execute(statement, {**params, "limit": 1, "offset": 0}).first()
            self._total = first[-1] if first else 0
        else:
            self._total = rows[0][-1] if rows else 0
        return [
            CatalogueEntry(module=r[0], progress=Progress(done=r[3], total=r[4]) if r[1] else None, is_completed=r[2])
            for r in rows
        ]

    def _query_count(self) -> int:
        return self._total


@cache
def _catalogue_statement(words: int, by_category: bool, by_level: bool) -> Select:
    """The catalogue's statement for a shape of search, built once per shape (at most 44 of them)."""
    stmt = (
        select(
            Module,
            Enrolment.id.is_not(None),
            exists().where(Completion.module_id == Module.id, Completion.user_id == bindparam("user_id")),
            _DONE_LESSONS,
            _CURRENT_LESSONS,
            func.count().over(),
        )
        .outerjoin(Enrolment, and_(Enrolment.module_id == Module.id, Enrolment.user_id == bindparam("user_id")))
        .where(Module.is_published.is_(True), Module.is_archived.is_(False))
        # Only what a catalogue card shows.
        .options(
            load_only(
                Module.slug,
                Module.title,
                Module.summary,
                Module.jp,
                Module.category,
                Module.level,
                Module.estimated_minutes,
            )
        )
    )
    for index in range(words):
        word = bindparam(f"word_{index}")
        stmt = stmt.where(
            or_(
                Module.title.icontains(word, escape="/"),
                Module.summary.icontains(word, escape="/"),
                Module.category.icontains(word, escape="/"),
                cast(Module.tags, String).icontains(word, escape="/"),
            )
        )
    if by_category:
        stmt = stmt.where(Module.category == bindparam("category"))
    if by_level:
        stmt = stmt.where(Module.level == bindparam("level"))
    return stmt.order_by(Module.title, Module.id).limit(bindparam("limit")).offset(bindparam("offset"))


def _like_escaped(word: str) -> str:
    """`word` matched literally by LIKE … ESCAPE '/' (what SQLAlchemy's autoescape does to a string)."""
    return word.replace("/", "//").replace("%", "/%").replace("_", "/_")


def catalogue(user_id: int, q: str = "", category: str = "", level: str = "", page: int = 1) -> CataloguePage:
    """Published modules matching every word of `q` (title, summary, category, tags) and the filters,
    each with her status on it, in one query."""
    words = q.split()[:10]
    params = {"user_id": user_id, "category": category, "level": level}
    params.update({f"word_{index}": _like_escaped(word) for index, word in enumerate(words)})
    return CataloguePage(
        page=page,
        per_page=CATALOGUE_PAGE_SIZE,
        error_out=False,
        statement=_catalogue_statement(len(words), bool(category), bool(level)),
        params=params,
    )


_CATALOGUE_CATEGORIES = (
    select(Module.category)
    .where(Module.is_published.is_(True), Module.is_archived.is_(False), Module.category.is_not(None))
    .distinct()
    .order_by(Module.category)
)


def catalogue_categories() -> list[str]:
    return list(db.session.scalars(_CATALOGUE_CATEGORIES))

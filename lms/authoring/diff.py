"""Line-by-line differences between two states of a module's files (difflib, on the server): pure."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class DiffLine:
    kind: str  # " " same, "+" added, "-" removed, "…" skipped unchanged lines
    old_no: int | None
    new_no: int | None
    text: str


@dataclass
class FileDiff:
    path: str
    status: str
    is_text: bool
    lines: list[DiffLine] = field(default_factory=list)
    old_size: int = 0
    new_size: int = 0


def _text(data: bytes | None) -> list[str] | None:
    if data is None:
        return []
    try:
        return data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
    except UnicodeDecodeError:
        return None


def file_diffs(old: dict[str, bytes], new: dict[str, bytes], *, context: int = 3) -> list[FileDiff]:
    """Each file that differs, in path order: Markdown line by line (with `context` unchanged lines around
    each change), media by size only."""
    diffs: list[FileDiff] = []
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        status = ADDED if before is None else REMOVED if after is None else CHANGED
        old_lines, new_lines = _text(before), _text(after)
        is_text = path.endswith(".md") and old_lines is not None and new_lines is not None
        diff = FileDiff(path, status, is_text, old_size=len(before or b""), new_size=len(after or b""))
        if is_text:
            diff.lines = _line_diff(old_lines, new_lines, context)
        diffs.append(diff)
    return diffs


def _line_diff(a: list[str], b: list[str], context: int) -> list[DiffLine]:
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if lines:
            lines.append(DiffLine("…", None, None, ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine(" ", i + 1, j1 + (i - i1) + 1, a[i]) for i in range(i1, i2)]
                continue
            if tag in ("replace", "delete"):
                lines += [DiffLine("-", i + 1, None, a[i]) for i in range(i1, i2)]
            if tag in ("replace", "insert"):
                lines += [DiffLine("+", None, j + 1, b[j]) for j in range(j1, j2)]
    return lines

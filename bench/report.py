"""Write one benchmark's section of docs/performance.md, between its own markers, and describe the machine."""

from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

PERFORMANCE_MD = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
HEADER = """# Performance

Figures written by the `make bench…` targets; each section is replaced by its own target. Numbers are
from the machine named in each section; compare ratios rather than absolute numbers across machines.
"""


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    cpu = cpu or platform.processor() or "unknown CPU"
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}"


def write_section(name: str, body: str, path: Path = PERFORMANCE_MD) -> None:
    """Replace the text between `<!-- name -->` and `<!-- /name -->` (appending it the first time)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = f"<!-- {name} -->\n{body.rstrip()}\n\n_Measured {stamp} on {machine()}._\n<!-- /{name} -->"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    pattern = re.compile(rf"<!-- {re.escape(name)} -->.*?<!-- /{re.escape(name)} -->", re.S)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")

"""Start Lentera (or the floor app) under gunicorn on a loopback port, wait for it, inspect and stop it.

Used by `make bench` and by the operations tests (scale-out, a killed worker), so both run the app the
way production does.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int:
    """Resident memory of one process, in KiB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory_kib(pid: int) -> dict[str, int]:
    """RSS, PSS (shared pages split between the processes sharing them) and USS (private) of one process."""
    values = {"rss": 0, "pss": 0, "uss": 0}
    try:
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            key, value = line.split(":", 1)
            fields[key] = int(value.split()[0])
        values = {
            "rss": fields["Rss"],
            "pss": fields["Pss"],
            "uss": fields["Private_Clean"] + fields["Private_Dirty"],
        }
    except (OSError, KeyError, ValueError):
        values["rss"] = rss_kib(pid)
    return values


def children(pid: int) -> list[int]:
    """The direct child processes of `pid` (gunicorn's workers, for its master)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            found.extend(int(p) for p in text)
    except OSError:
        pass
    return sorted(set(found))


class Gunicorn:
    """A gunicorn master on 127.0.0.1:`port`, in its own process group, with `env` on top of ours."""

    def __init__(
        self,
        app: str = "wsgi:app",
        *,
        port: int | None = None,
        workers: int = 2,
        worker_class: str = "sync",
        threads: int = 1,
        env: dict[str, str] | None = None,
        log: IO | None = None,
        extra_args: tuple[str, ...] = (),
        python: str | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.app = app
        self.python = python or sys.executable
        self.cwd = cwd or ROOT
        self.port = port or free_port()
        self.workers = workers
        self.worker_class = worker_class
        self.threads = threads
        self.env = {**os.environ, **(env or {})}
        self.log = log
        self.extra_args = extra_args
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def settings(self) -> str:
        threads = f" --threads {self.threads}" if self.worker_class == "gthread" else ""
        extra = "".join(f" {arg}" for arg in self.extra_args)
        return f"gunicorn -k {self.worker_class} -w {self.workers}{threads}{extra}"

    def command(self) -> list[str]:
        args = [self.python, "-m", "gunicorn", "-k", self.worker_class, "-w", str(self.workers)]
        if self.worker_class == "gthread":
            args += ["--threads", str(self.threads)]
        args += ["-b", f"127.0.0.1:{self.port}", "--graceful-timeout", "5", "--timeout", "60", *self.extra_args]
        return [*args, self.app]

    def start(self, ready_path: str = "/healthz", timeout: float = 60) -> Gunicorn:
        self.process = subprocess.Popen(
            self.command(),
            cwd=self.cwd,
            env=self.env,
            stdout=self.log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_ready(ready_path, timeout)
        return self

    def wait_ready(self, path: str, timeout: float) -> None:
        """Until the path answers 200 and every worker is up; raises with the reason otherwise."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode} ({' '.join(self.command())})")
            try:
                with urllib.request.urlopen(self.url + path, timeout=2) as response:
                    if response.status == 200 and len(self.worker_pids()) >= self.workers:
                        return
                    last = f"HTTP {response.status}"
            except (urllib.error.URLError, OSError) as exc:
                last = str(exc)
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn on {self.url} not ready after {timeout:.0f} s: {last}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def worker_pids(self) -> list[int]:
        return children(self.pid) if self.process else []

    def workers_rss_kib(self) -> int:
        return sum(rss_kib(pid) for pid in self.worker_pids())

    def workers_memory_kib(self) -> dict[str, int]:
        """RSS, PSS and USS summed over the workers (the master is not counted)."""
        total = {"rss": 0, "pss": 0, "uss": 0}
        for pid in self.worker_pids():
            for key, value in memory_kib(pid).items():
                total[key] += value
        return total

    def stop(self) -> None:
        if not self.process or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self) -> Gunicorn:
        return self.start() if self.process is None else self

    def __exit__(self, *exc) -> None:
        self.stop()

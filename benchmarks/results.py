"""``benchmarks/RESULTS.md``: one section per benchmark script, each rewritten only by its own script."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

__all__ = [
    "RESULTS",
    "hardware",
    "header_lines",
    "markdown_table",
    "package_version",
    "revision",
    "run_info",
    "write_section",
]

RESULTS = Path(__file__).with_name("RESULTS.md")
_HEADER = (
    "# Tolka benchmarks\n\n"
    "Latest measurements. Each section names the script that measured it; `--write-results` "
    "rewrites that section only.\n"
)


def write_section(text: str, path: Path = RESULTS) -> None:
    """Replace the section whose ``## `` heading starts ``text`` (or append it), keeping the others."""
    heading = text.splitlines()[0].strip()
    old = path.read_text(encoding="utf-8") if path.exists() else _HEADER
    lines = old.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == heading), None)
    if start is None:
        new = old.rstrip("\n") + "\n\n" + text.rstrip("\n")
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        before = "\n".join(lines[:start]).rstrip("\n")
        after = "\n".join(lines[end:]).strip("\n")
        new = (before + "\n\n" if before else "") + text.rstrip("\n") + ("\n\n" + after if after else "")
    path.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def hardware() -> tuple[int, str, str]:
    """Usable CPUs, the CPU model and the installed memory, for the record."""
    cpu = platform.processor() or "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = models[0] if models else cpu
    ram = "unknown"
    if Path("/proc/meminfo").exists():
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:", 1)[1].split()[0])
        ram = f"{kib / 1024 / 1024:.1f} GiB"
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0
    return cpus, cpu, ram


def revision(*paths: str) -> str:
    """The commit measured, and whether ``paths`` (relative to the repository) have uncommitted changes."""
    repo = RESULTS.parents[1]

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD")
    if not head:
        return "unknown (not a git checkout)"
    dirty = [p for p in paths if git("status", "--porcelain", "--", p)]
    return head + (f" with uncommitted changes in {', '.join(dirty)}" if dirty else "")


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    """A Markdown table; ``right`` says which columns are right-aligned."""
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---:" if r else "---" for r in right) + " |",
    ]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def package_version(package: str) -> str:
    """The installed version of ``package``, or ``not installed``."""
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def run_info(packages: Sequence[str], revision_paths: Sequence[str]) -> dict[str, str]:
    """Date, hardware, Python, the versions of ``packages`` and the revision of ``revision_paths``."""
    cpus, cpu, ram = hardware()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%a %b %d %H:%M:%S UTC %Y"),
        "machine": f"nproc {cpus}, {cpu}, {ram} RAM",
        "python": f"{platform.python_implementation()} {platform.python_version()} ({platform.system()})",
        "packages": ", ".join(f"{p} {package_version(p)}" for p in packages),
        "revision": revision(*revision_paths),
    }


def header_lines(info: dict[str, str], command: str) -> list[str]:
    """The record every section opens with: date, machine, Python and packages, commit, command."""
    return [
        f"- Date: {info['date']}",
        f"- Machine: {info['machine']}",
        f"- Python: {info['python']}; {info['packages']}",
        f"- Tolka: commit {info['revision']}",
        f"- Command: `{command}`",
    ]

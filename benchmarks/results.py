"""``benchmarks/RESULTS.md``: one section per benchmark script, each rewritten only by its own script."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path

__all__ = ["RESULTS", "hardware", "markdown_table", "revision", "write_section"]

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

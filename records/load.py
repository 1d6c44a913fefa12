"""Reading result files: JSON-lines files as a kill may have left them, and
result directories whose every record is checked against the schema."""
from __future__ import annotations

import json
from pathlib import Path

from .schema import ACCEPTED, problems

RUNS = "runs.jsonl"


class RecordError(ValueError):
    """A record that does not validate: names the file, the line and the problem."""


def read_jsonl(path: Path) -> list[dict]:
    """Every complete line of a JSON-lines file (a result directory: its runs.jsonl).

    A torn last line (a kill in mid-write) and a damaged line count as not
    written: the run they belonged to is simply not recorded (a resume redoes it).
    """
    return [obj for _, obj in _lines(path)]


def _lines(path: Path, on_damaged=None):
    path = Path(path)
    if path.is_dir():
        path = path / RUNS
    if not path.exists():
        return
    with open(path, "rb") as f:
        for number, line in enumerate(f, 1):
            if not line.endswith(b"\n"):
                break
            line = line.strip()
            if not line:
                continue
            try:
                yield number, json.loads(line)
            except ValueError as e:  # not JSON, or not UTF-8 (a line of NUL bytes): JSONDecodeError, UnicodeDecodeError
                if on_damaged is not None:
                    on_damaged(number, f"not a JSON line ({type(e).__name__})")
                continue


def load(path: Path, on_invalid=None) -> list[dict]:
    """The records of a result directory (or runs.jsonl), each validated against
    the schema.  Raises RecordError at the first that does not; with on_invalid,
    every line that is damaged (not JSON, not UTF-8), foreign (not an object of a
    known schema) or invalid is instead passed to on_invalid(message), the message
    naming the file and the line, and counts as not recorded."""
    path = Path(path)
    where = path / RUNS if path.is_dir() else path

    def damaged(number, why):
        on_invalid(f"{where}:{number}: {why}; counted as not recorded")

    out = []
    for number, record in _lines(path, damaged if on_invalid is not None else None):
        bad = problems(record)
        if bad:
            message = (f"{where}:{number}: not a valid {ACCEPTED[0]} record: " + "; ".join(bad[:3])
                       + (f" (and {len(bad) - 3} more)" if len(bad) > 3 else ""))
            if on_invalid is None:
                raise RecordError(message)
            on_invalid(message + "; counted as not recorded")
            continue
        out.append(record)
    return out

"""Result files, written so that a kill at any moment leaves them readable.

runs.jsonl is appended one record per line and fsynced; a torn last line (a
kill in mid-write) is ignored by the reader and overwritten on the next append.
Every other file is written whole to a temporary name and renamed into place.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import records

RUNS = records.RUNS


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; results are for everyone to read
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, obj) -> None:
    write_atomic(path, json.dumps(obj, indent=2, sort_keys=True) + "\n")


def read_json(path: Path) -> dict | None:
    """A JSON file the harness wrote (manifest, slurm.json, a task's status), or None
    when it is missing or unreadable (a file being written is replaced atomically)."""
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None


def warn(message: str) -> None:
    print(f"harness: warning: {message}", file=sys.stderr)


def read_records(path: Path) -> list[dict]:
    """Every complete record of a runs.jsonl (or of a result directory) that
    validates against the schema.  A damaged or foreign line (not UTF-8, not
    JSON, not a record, or one that does not validate) counts as not recorded:
    a warning names its line, and a resume runs that run again."""
    return records.load(path, on_invalid=warn)


class RunLog:
    """Append-only runs.jsonl."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._drop_torn_tail()

    def _drop_torn_tail(self) -> None:
        if not self.path.exists():
            return
        with open(self.path, "rb+") as f:
            data = f.read()
            if data and not data.endswith(b"\n"):
                f.truncate(data.rfind(b"\n") + 1)
                f.flush()
                os.fsync(f.fileno())

    def append(self, record: dict) -> None:
        data = (json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n").encode()
        # Unbuffered: on a full disk nothing is left in a buffer to be written again at close.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            end = os.fstat(fd).st_size
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            except OSError:  # a full disk mid-line: leave no torn line behind
                try:
                    os.ftruncate(fd, end)
                except OSError:
                    pass  # the reader ignores a torn last line anyway
                raise
        finally:
            os.close(fd)

"""Input files: STAMP-style names are generated on demand and cached.

`random-x512-y512-z7-n512` is generated with `labyrinth-gen 512 512 7 512 --seed 0`
(seed 0 reproduces STAMP's published files); a `-sN` suffix picks another seed.
`lee-tm/NAME` is a Lee-TM circuit board, NAME.txt in the boards' directory:
$LB_LEE_TM_DIR, else ../shared/inputs/lee-tm beside the repository (the
boards are not in the repository: labyrinth/BOARDS.md says where to get them).
Anything else is taken as a path to an existing file.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
from pathlib import Path

NAME = re.compile(r"^random-x(\d+)-y(\d+)-z(\d+)-n(\d+)(?:-s(\d+))?$")
BOARD = re.compile(r"^lee-tm/([A-Za-z0-9_-]+)$")
REPO = Path(__file__).resolve().parent.parent


def board_dir() -> Path:
    """Where the Lee-TM boards are read from."""
    return Path(os.environ.get("LB_LEE_TM_DIR") or REPO.parent / "shared" / "inputs" / "lee-tm")


class InputError(RuntimeError):
    pass


def resolve(name: str, cache_dir: Path, bin_dir: Path) -> Path:
    """Path of the input file for `name`, generating it into the cache if needed."""
    b = BOARD.match(name)
    if b:
        path = board_dir() / f"{b.group(1)}.txt"
        if not path.is_file():
            raise InputError(f"input {name!r}: no {path} (the Lee-TM boards are not in the repository; "
                             "labyrinth/BOARDS.md says where to get them; LB_LEE_TM_DIR names their directory)")
        return path
    m = NAME.match(name)
    if not m:
        p = Path(name)
        if not p.is_file():
            raise InputError(f"input {name!r} is neither a STAMP-style name nor a file")
        return p
    path = cache_dir / f"{name}.txt"
    if path.is_file():
        return path
    x, y, z, n, seed = m.groups()
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Host and pid: the array tasks of `harness slurm` may generate one input at once on
    # several nodes into a shared cache; each writes its own file, the renames agree.
    tmp = path.with_name(f"{path.name}.tmp-{socket.gethostname()}-{os.getpid()}")
    cmd = [str(bin_dir / "labyrinth-gen"), x, y, z, n, "--seed", seed or "0", "-o", str(tmp)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot generate {name}: {e}") from None
    except BaseException:  # Ctrl-C: leave no half-written file behind
        tmp.unlink(missing_ok=True)
        raise
    if proc.returncode != 0 or not tmp.is_file():
        tmp.unlink(missing_ok=True)
        raise InputError(f"labyrinth-gen failed for {name} (exit {proc.returncode}): "
                         f"{proc.stderr.strip()[:500]}")
    os.replace(tmp, path)  # never leave a half-written input where a run would read it
    return path

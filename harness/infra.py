"""What goes wrong with the machine rather than with a run: a full disk, a
harness killed with its child still running, per-run files a killed harness
left behind.  None of it is a run's result, so none of it is recorded as one.

- A full disk (ENOSPC, or a quota: EDQUOT) is an infrastructure error: the
  suite stops with its own exit status (EXIT_INFRASTRUCTURE) and message, the
  run it interrupted is not recorded (a resume runs it again), and no
  temporary file stays behind.
- Every run's process dies with the harness (Linux PR_SET_PDEATHSIG), even
  when the harness is killed with SIGKILL and cannot clean up itself.
- A resume first removes the per-run files a killed harness left in the
  result directory (it holds the directory's lock, so no other harness is
  using them).
"""
from __future__ import annotations

import ctypes
import errno
import os
import signal
from pathlib import Path

EXIT_INFRASTRUCTURE = 3
DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
_DISK_FULL_TEXTS = tuple(os.strerror(e) for e in DISK_FULL_ERRNOS)  # as a child's stderr says it
_PR_SET_PDEATHSIG = 1


class DiskFull(OSError):
    """The disk holding the results (or a run's record) is full."""

    def __init__(self, message: str):
        super().__init__(errno.ENOSPC, message)


def is_disk_full(e: BaseException) -> bool:
    return isinstance(e, OSError) and e.errno in DISK_FULL_ERRNOS


def disk_full_in(stderr: str) -> bool:
    """Did a run fail because it could not write (labyrinth names the errno's text)?"""
    return any(t in stderr for t in _DISK_FULL_TEXTS)


def no_space_left(directory: Path) -> bool:
    """Is the filesystem holding `directory` out of space for us (a run that left
    no record there may simply have had nowhere to write it)?"""
    try:
        st = os.statvfs(directory)
    except OSError:
        return False
    # f_files == 0: a filesystem without an inode limit (btrfs) reports no free inodes
    return st.f_bavail == 0 or (st.f_files > 0 and st.f_favail == 0)


def die_with_parent(parent_pid: int):
    """A Popen preexec_fn: the child gets SIGKILL when the harness dies.  If the
    harness died before the call took effect, the child ends at once."""
    libc = ctypes.CDLL(None, use_errno=True)

    def preexec():
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent_pid:
            os.kill(os.getpid(), signal.SIGKILL)

    return preexec


# The per-run record (runner: .run-PID.json), its temporary files (labyrinth's
# output_file: .NAME.XXXXXX.tmp) and store.write_atomic's (.NAME.XXXXXX.tmp).
_STALE = (".run-*.json", ".*.tmp")


def remove_stale_files(result_dir: Path) -> list[str]:
    """Removes what a killed harness left in result_dir; returns the names."""
    gone = []
    for pattern in _STALE:
        for p in Path(result_dir).glob(pattern):
            if p.is_file():
                p.unlink(missing_ok=True)
                gone.append(p.name)
    return sorted(gone)

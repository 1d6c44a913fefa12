"""machine.json: what the suite ran on, taken once per result directory.

The records carry the binary's own view of the machine; this adds what the
harness sees (load, Python, the source revision of the checkout).
"""
from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text()
    except OSError:
        return None


def cpu_model() -> str:
    for line in (_read("/proc/cpuinfo") or "").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def thp_mode() -> str | None:
    text = _read("/sys/kernel/mm/transparent_hugepage/enabled")
    if text and "[" in text:
        return text[text.index("[") + 1:text.index("]")]
    return None


def git_revision(repo: Path) -> str:
    try:
        rev = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short=12", "HEAD"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return (rev + ("-dirty" if dirty else "")) if rev else "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def node() -> dict:
    """Where one run ran: the node's name (Slurm's name for it, else the hostname),
    the facts that make two nodes' times comparable or not (CPU model, cores), the
    CPUs this process may use, and the Slurm job and array task, if any.  Kept per
    run because the runs of one result directory may come from several nodes."""
    env = os.environ
    facts = {"name": env.get("SLURMD_NODENAME") or platform.node(), "cpu": cpu_model(),
             "cores": os.cpu_count(), "cpus_allowed": len(os.sched_getaffinity(0))}
    if env.get("SLURM_JOB_ID"):
        facts["slurm_job"] = env["SLURM_JOB_ID"]
        if env.get("SLURM_ARRAY_JOB_ID"):
            facts["slurm_array"] = f"{env['SLURM_ARRAY_JOB_ID']}_{env.get('SLURM_ARRAY_TASK_ID', '?')}"
    return facts


def caches() -> list[dict]:
    """CPU 0's caches as Google Benchmark's context lists them (type, level, size in bytes,
    how many CPUs share it), from sysfs; [] where sysfs does not say."""
    out = []
    for d in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        level, kind, size = (_read(str(d / f)) for f in ("level", "type", "size"))
        shared = _read(str(d / "shared_cpu_list")) or ""
        if not (level and kind and size):
            continue
        size = size.strip()
        mult = {"K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}.get(size[-1:], 1)
        try:
            n_bytes = int(size.rstrip("KMG")) * mult
        except ValueError:
            continue
        sharing = sum(int(b) - int(a) + 1 if "-" in part else 1
                      for part in shared.strip().split(",") if part
                      for a, _, b in [part.partition("-")])
        out.append({"type": kind.strip(), "level": int(level), "size": n_bytes, "num_sharing": sharing})
    return out


def describe(repo: Path) -> dict:
    mem = next((l.split()[1] for l in (_read("/proc/meminfo") or "").splitlines()
                if l.startswith("MemTotal:")), None)
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_kb": int(mem) if mem else None,
        "kernel": platform.release(),
        "thp": thp_mode(),
        "hostname": platform.node(),
        "loadavg": list(os.getloadavg()),
        "caches": caches(),
        "python": platform.python_version(),
        "harness_revision": git_revision(repo),
    }

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
        "python": platform.python_version(),
        "harness_revision": git_revision(repo),
    }

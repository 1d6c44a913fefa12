"""Synthetic records for the statistics tests: chosen numbers, known answers."""
import itertools

_ids = itertools.count()
MACHINE = {"cpu": "Synthetic CPU", "cores": 2, "kernel": "6.1.0", "thp": "madvise", "compiler": "GCC 12.2.0",
           "hostname": "synthetic"}
IDLE = {"loadavg_before": 0.1, "loadavg_after": 0.2, "cores": 2, "steal_s": 0.0, "steal_fraction": 0.0,
        "above_cores": False}


def record(tm="stm", threads=1, elapsed=1.0, allocator="glibc", snapshot="raw", private="direct",
           input_name="in", status="ok", warmup=False, revision="rev1", aborts=0, read_set=10.0,
           reason="crash", machine=None, cpu=None, instructions=None, load=None):
    """One record; `cpu` (user+sys seconds) defaults to `elapsed`, `instructions` to none
    (the counters unavailable, as on a VM without a PMU), `load` to an idle machine."""
    cfg = {"input": input_name, "tm": tm, "tm_opts": {}, "threads": threads, "snapshot": snapshot,
           "private": private, "allocator": allocator, "private_memory": "malloc", "page_size": None}
    from harness.suite import Config
    key = Config.from_dict(cfg).key
    r = {"schema": "labyrinth-bench/run/1", "status": status, "git_revision": revision,
         "timestamp": f"2026-01-01T00:00:{next(_ids) % 60:02d}Z",
         "machine": dict(MACHINE, **(machine or {})),
         "harness": {"config": cfg, "config_key": key, "warmup": warmup, "run_id": f"{key}#{next(_ids)}",
                     "load": dict(IDLE, **(load or {}))},
         "tm_stats": {"aborts_validation": aborts, "aborts_locked": 0, "aborts_explicit": 0,
                      "aborts_other": 0, "read_set_mean": read_set}}
    if status == "ok":
        r["time"] = {"elapsed_s": elapsed, "user_s": elapsed if cpu is None else cpu, "sys_s": 0.0}
        r["failure"] = None
        r["counters"] = ({"available": True, "instructions": instructions, "cycles": 2 * instructions}
                         if instructions is not None else
                         {"available": False, "reason": "perf_event_open: no hardware PMU (synthetic)"})
    else:
        r["time"] = None
        r["failure"] = {"reason": reason, "message": "synthetic"}
    return r


def runs(times, **kw):
    return [record(elapsed=t, **kw) for t in times]

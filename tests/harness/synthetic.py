"""Synthetic records for the statistics tests: chosen numbers, known answers,
complete enough to validate against the schema (records.problems)."""
import itertools

import records

_ids = itertools.count()
MACHINE = {"cpu": "Synthetic CPU", "cores": 2, "kernel": "6.1.0", "arch": "x86_64", "thp": "madvise",
           "compiler": "GCC 12.2.0", "hostname": "synthetic"}
IDLE = {"loadavg_before": 0.1, "loadavg_after": 0.2, "cores": 2, "steal_s": 0.0, "steal_fraction": 0.0,
        "above_cores": False}


def record(tm="stm", threads=1, elapsed=1.0, allocator="glibc", snapshot="raw", private="direct",
           input_name="in", status="ok", warmup=False, revision="rev1", aborts=0, read_set=10.0,
           reason="crash", machine=None, cpu=None, instructions=None, load=None):
    """One record; `cpu` (user+sys seconds) defaults to `elapsed`, `instructions` to none
    (the counters unavailable, as on a VM without a PMU), `load` to an idle machine."""
    cfg = records.Config.from_dict({"input": input_name, "tm": tm, "threads": threads, "snapshot": snapshot,
                                    "private": private, "allocator": allocator})
    key = cfg.key
    r = {"schema": records.VERSION, "status": status, "git_revision": revision,
         "timestamp": f"2026-01-01T00:00:{next(_ids) % 60:02d}Z",
         "machine": dict(MACHINE, **(machine or {})),
         "harness": {"config": cfg.as_dict(), "config_key": key, "warmup": warmup, "run_id": f"{key}#{next(_ids)}",
                     "load": dict(IDLE, **(load or {}))}}
    r.update(records.record_fields(cfg))
    r["tm"]["config"] = {"name": tm}
    r["input"].update(path=f"{input_name}.txt", sha256="0" * 64, dims=[8, 8, 3], pairs=4, walls=0)
    r["allocator"].update(detected=allocator, library="/lib/libc.so.6", version=None)
    r["private_memory"].update(page_size=None, allocpage=None)
    r["repetition"] = 0
    if status == "ok":
        r["failure"] = None
        r["result"] = {"paths_to_route": 4, "paths_routed": 4, "total_points": 40, "path_hash": "0" * 16,
                       "verified": True}
        r["time"] = {"elapsed_s": elapsed, "user_s": elapsed if cpu is None else cpu, "sys_s": 0.0,
                     "copy_s": 0.0, "expand_s": elapsed}
        r["memory"] = {"peak_rss_kb": 1000, "minor_faults": 0, "major_faults": 0}
        r["tm_stats"] = {name: 0.0 if s["type"] == "number" else 0 for name, s in records.TM_STATS.items()}
        r["tm_stats"].update(aborts=aborts, aborts_validation=aborts, read_set_mean=read_set)
        r["syscalls"] = {"available": False, "reason": "tracefs not mounted (synthetic)"}
        r["counters"] = ({"available": True, "instructions": instructions, "cycles": 2 * instructions}
                         if instructions is not None else
                         {"available": False, "reason": "perf_event_open: no hardware PMU (synthetic)"})
    else:
        r["failure"] = {"reason": reason, "message": "synthetic"}
        r["result"] = r["time"] = r["memory"] = r["tm_stats"] = r["counters"] = r["syscalls"] = None
    return r


def runs(times, **kw):
    return [record(elapsed=t, **kw) for t in times]

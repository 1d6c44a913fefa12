"""End to end through the real binary: a tiny suite via the command line, every
figure its records allow, and the nightly path (history add, check, figure).

Needs LB_BIN_DIR (CTest passes the build's bin directory); without it the test
is skipped, but a LB_BIN_DIR without a labyrinth in it is a failure.
"""
import csv
import hashlib
import json
import os
import unittest
from pathlib import Path

from helpers import REPO, TempDirTest
import records

BIN = os.environ.get("LB_BIN_DIR")
REFERENCE = REPO.parent / "shared" / "reference" / "stamp-seq.tsv"
STAMP_INPUT = "random-x32-y32-z3-n64"   # seq on it has a published answer

SUITE = f"""
[suite]
name = "e2e"
repetitions = 2
warmup = 1
time_limit_s = 60

[[matrix]]
inputs = ["{STAMP_INPUT}"]
tm = ["seq"]

[[matrix]]
inputs = ["{STAMP_INPUT}"]
tm = ["lock"]
threads = [1, 2]
snapshot = ["raw", "tracked"]

[[matrix]]
inputs = ["{STAMP_INPUT}"]
tm = ["seq", "lock"]
threads = [1, 2]
allocators = ["glibc", "jemalloc"]
"""


@unittest.skipUnless(BIN, "LB_BIN_DIR not set (CTest sets it to the build's bin directory)")
class EndToEnd(TempDirTest):
    def test_tiny_suite_through_the_real_binary(self):
        bin_dir = Path(BIN)
        self.assertTrue((bin_dir / "labyrinth").is_file(), f"no labyrinth in {bin_dir}")
        (self.tmp / "e2e.toml").write_text(SUITE)
        out = self.tmp / "out"
        r = self.harness_cli("run", "e2e.toml", "--bin-dir", bin_dir, "--out", out,
                             "--cache-dir", self.tmp / "cache", "--no-progress", timeout=300)
        self.assertIn(r.returncode, (0, 1), r.stdout + r.stderr)
        recs = records.load(out)  # every record validates against the schema
        self.assertEqual(len(recs), 8 * 3)  # 8 configurations, 1 warm-up + 2 runs each

        ok = [x for x in recs if x["status"] == "ok"]
        by_tm = {(x["tm"]["name"], x["threads"]) for x in ok}
        self.assertLessEqual({("seq", 1), ("lock", 1), ("lock", 2)}, by_tm)
        inp = self.tmp / "cache" / f"{STAMP_INPUT}.txt"
        sha = hashlib.sha256(inp.read_bytes()).hexdigest()
        for x in ok:  # what the harness and figures rely on, as the binary wrote it
            self.assertEqual(x["schema"], records.VERSION)
            self.assertTrue(x["result"]["verified"])
            self.assertGreater(x["time"]["elapsed_s"], 0)
            self.assertEqual(x["input"]["sha256"], sha)
            self.assertEqual(x["threads"], x["harness"]["config"]["threads"])
            c = x["counters"]  # hardware counters, or the reason why not: never a zero
            if c["available"]:
                self.assertGreater(c["instructions"], 0)
            else:
                self.assertIn("perf_event_open", c["reason"])
                self.assertNotIn("instructions", c)
            self.assertIsInstance(x["harness"]["load"]["loadavg_before"], float)
        for x in recs:
            if x["status"] != "ok":  # an option this build lacks: failed with a reason, no number
                self.assertIsNone(x["time"])
                self.assertTrue(x["failure"]["reason"])
        # A configuration fails or succeeds as a whole: a warm-up is the same run as the
        # measured ones (once every warm-up failed on its negative --repetition, unseen).
        status = {}
        for x in recs:
            status.setdefault(x["harness"]["config_key"], set()).add(x["status"])
        for key, seen in status.items():
            self.assertEqual(len(seen), 1, f"{key}: warm-up and measured runs differ: {seen}")
        self.assertTrue(any(x["harness"]["warmup"] and x["status"] == "ok" for x in recs))
        if REFERENCE.exists():  # seq on a STAMP input, through generator, harness and record: STAMP's answer
            with open(REFERENCE) as f:
                ref = next(row for row in csv.DictReader(f, delimiter="\t") if row["input"] == STAMP_INPUT)
            seq = [x for x in ok if x["tm"]["name"] == "seq"]
            self.assertTrue(seq)
            for x in seq:  # (the path hash is the labyrinth equivalence test's to check)
                self.assertEqual(x["result"]["paths_routed"], int(ref["paths_routed"]))
                self.assertEqual(x["result"]["total_points"], int(ref["total_points"]))

        with open(out / "summary.csv") as f:
            rows = list(csv.DictReader(f))
        lock2 = next(row for row in rows if row["tm"] == "lock" and row["threads"] == "2"
                     and row["snapshot"] == "raw" and row["allocator"] == "glibc")
        self.assertGreater(float(lock2["speedup_vs_seq"]), 0)

        figures = {p.name for p in (out / "figures").iterdir()}
        expected = {f"runtimes-{STAMP_INPUT}.png", f"early-release-lock-{STAMP_INPUT}.svg"}
        if any(x["allocator"]["requested"] == "jemalloc" for x in ok):
            expected.add(f"allocators-{STAMP_INPUT}.png")
        self.assertLessEqual(expected, figures)

        hist = self.tmp / "history.jsonl"
        for rev in ("before", "after"):
            r = self.harness_cli("history", "add", out, "--file", hist, "--revision", rev)
            self.assertEqual(r.returncode, 0, r.stderr)
        r = self.harness_cli("history", "check", "--file", hist)
        self.assertEqual(r.returncode, 0, r.stdout)  # the same samples twice: no regression
        r = self.harness_cli("figures", out, "--history", hist)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue((out / "figures" / "history.svg").is_file())
        json.loads((out / "machine.json").read_text())


if __name__ == "__main__":
    unittest.main()

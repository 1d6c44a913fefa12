"""export-gbench: Google Benchmark JSON that Debian's compare.py (libbenchmark-tools) reads."""
import json
import os
import re
import subprocess
import unittest
from pathlib import Path

from helpers import FAKE_BIN, PYTHON, TempDirTest, tiny_suite

COMPARE_PY = Path("/usr/share/benchmark/compare.py")  # Debian's libbenchmark-tools


class ExportTest(TempDirTest):
    def run_export(self, name, env=None, tms=("lock", "stm")):
        out = self.tmp / name
        old = {k: os.environ.get(k) for k in (env or {})}
        os.environ.update(env or {})
        try:
            self.run_quiet(tiny_suite(tms=tms, reps=5), out)
        finally:
            for k, v in old.items():
                os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
        r = self.harness_cli("export-gbench", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        return out / "gbench.json"

    def test_structure(self):
        doc = json.loads(self.run_export("a", tms=("stm", "crash")).read_text())
        ctx = doc["context"]
        for k in ("date", "host_name", "num_cpus", "caches", "load_avg", "library_build_type"):
            self.assertIn(k, ctx)
        self.assertEqual(ctx["labyrinth_bench"]["suite"], "tiny")
        its = [b for b in doc["benchmarks"] if b["run_type"] == "iteration"]
        aggs = [b for b in doc["benchmarks"] if b["run_type"] == "aggregate"]
        names = {b["name"] for b in its}
        self.assertEqual(len(names), 5)  # seq, stm x2, crash x2
        for n in names:
            self.assertEqual(sum(b["name"] == n for b in its), 5)  # one entry per measured repetition
        ok = [b for b in its if not b.get("error_occurred")]
        self.assertTrue(all(b["time_unit"] == "ms" and b["real_time"] > 0 and b["cpu_time"] >= 0 for b in ok))
        self.assertTrue(all("aborts" in b and b["peak_rss_kb"] == 1000 for b in ok))  # the fake's numbers
        self.assertFalse(any("instructions" in b for b in ok))  # unavailable: left out, never 0
        failed = [b for b in its if b.get("error_occurred")]
        self.assertEqual(len(failed), 10)
        self.assertTrue(all(b["error_message"].startswith("crash") for b in failed))
        self.assertEqual({b["aggregate_name"] for b in aggs}, {"mean", "median", "stddev", "cv"})
        self.assertFalse(any("crash" in b["name"] for b in aggs))

    def test_instructions_where_the_records_have_them(self):
        doc = json.loads(self.run_export("c", env={"FAKE_LB_COUNTERS": "1"}).read_text())
        its = [b for b in doc["benchmarks"] if b["run_type"] == "iteration"]
        self.assertTrue(all(b["instructions"] > 0 for b in its))

    @unittest.skipUnless(COMPARE_PY.is_file(), "Debian's libbenchmark-tools is not installed")
    def test_googles_compare_py_reads_two_exports(self):
        a = self.run_export("base")
        b = self.run_export("new", env={"FAKE_LB_FACTOR": "1.3", "FAKE_LB_SEED": "other"})
        r = subprocess.run([PYTHON, str(COMPARE_PY), "--no-color", "benchmarks", str(a), str(b)],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("random-x8-y8-z3-n4/stm/t2/raw/direct/glibc/malloc", r.stdout)
        self.assertIn("U Test, Repetitions: 5 vs 5", r.stdout)
        geomean = re.search(r"OVERALL_GEOMEAN\s+([+-]\d+\.\d+)\s+([+-]\d+\.\d+)", r.stdout)
        self.assertIsNotNone(geomean, r.stdout)
        self.assertAlmostEqual(float(geomean.group(1)), 0.30, delta=0.03)  # the fake's 1.3x, as Google's tool sees it

    def test_refuses_a_missing_directory(self):
        r = self.harness_cli("export-gbench", self.tmp / "nowhere")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no such result directory", r.stderr)

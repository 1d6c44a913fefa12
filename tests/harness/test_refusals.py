"""compare, summary and history refuse (exit 2, naming the problem) what they cannot
compare; load is recorded per run and listed; --metric chooses what is compared."""
from helpers import FAKE_BIN, TempDirTest, tiny_suite
from harness import store
from synthetic import runs


def noisy(median, n=7):
    return [median * (1 + 0.01 * ((i * 7) % 5 - 2)) for i in range(n)]


class ResultDirs(TempDirTest):
    def result_dir(self, name, records):
        d = self.tmp / name
        d.mkdir()
        log = store.RunLog(d / "runs.jsonl")
        for r in records:
            log.append(r)
        return d

    def refused(self, *args, says):
        r = self.harness_cli(*args)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn(says, r.stderr)
        return r

    def setUp(self):
        super().setUp()
        self.a = self.result_dir("a", runs(noisy(1.0)))


class RefusalTest(ResultDirs):
    def test_missing_directory(self):
        self.refused("compare", self.tmp / "nonexistent", self.a, says="nonexistent: no such result directory")
        self.refused("compare", self.a, self.tmp / "nonexistent", says="NEW")

    def test_empty_directory(self):
        (self.tmp / "empty").mkdir()
        self.refused("compare", self.a, self.tmp / "empty", says="empty: no runs.jsonl in it")

    def test_empty_runs_file(self):
        d = self.tmp / "blank"
        d.mkdir()
        (d / "runs.jsonl").write_text("")
        self.refused("compare", d, self.a, says="runs.jsonl holds no records")

    def test_unreadable_runs_file(self):
        d = self.tmp / "unreadable"
        (d / "runs.jsonl").mkdir(parents=True)  # unreadable even for root, who ignores chmod
        self.refused("compare", self.a, d, says="cannot read")

    def test_nothing_in_common(self):
        b = self.result_dir("b", runs(noisy(1.0), tm="lock"))
        self.refused("compare", self.a, b, says="no configuration in common")

    def test_different_machines(self):
        b = self.result_dir("b", runs(noisy(1.0), machine={"cpu": "Other CPU", "kernel": "6.9"}))
        r = self.refused("compare", self.a, b, says="different machines")
        self.assertIn("cpu: Synthetic CPU vs Other CPU", r.stderr)
        self.assertIn("kernel: 6.1.0 vs 6.9", r.stderr)
        r = self.harness_cli("compare", self.a, b, "--allow-machine-mismatch")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("WARNING: MACHINES DIFFER (cpu: Synthetic CPU vs Other CPU"),
                        r.stdout[:200])

    def test_each_machine_fact_counts(self):
        for field, value in (("cores", 64), ("compiler", "clang 14"), ("thp", "always")):
            b = self.result_dir(f"b-{field}", runs(noisy(1.0), machine={field: value}))
            self.refused("compare", self.a, b, says=f"{field}: ")

    def test_summary_and_history_add_refuse_a_missing_directory(self):
        self.refused("summary", self.tmp / "nonexistent", says="no such result directory")
        self.refused("history", "add", self.tmp / "nonexistent", "--file", self.tmp / "h.jsonl",
                     says="no such result directory")
        self.assertFalse((self.tmp / "h.jsonl").exists())
        self.refused("history", "check", "--file", self.tmp / "h.jsonl", says="no such file")

    def test_history_check_refuses_different_machines(self):
        h = self.tmp / "h.jsonl"
        b = self.result_dir("b", runs(noisy(1.0), revision="r2", machine={"cpu": "Other CPU"}))
        for d in (self.a, b):
            self.assertEqual(self.harness_cli("history", "add", d, "--file", h).returncode, 0)
        self.refused("history", "check", "--file", h, says="cpu: Synthetic CPU vs Other CPU")
        r = self.harness_cli("history", "check", "--file", h, "--allow-machine-mismatch")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("MACHINES DIFFER", r.stdout)


class MetricTest(ResultDirs):
    def test_cpu_time_when_wall_time_suffered_from_load(self):
        # wall 40% slower (a busy machine), CPU time unchanged: a regression only on wall
        b = self.result_dir("b", runs(noisy(1.4), cpu=1.0))
        r = self.harness_cli("compare", self.a, b)
        self.assertEqual(r.returncode, 1)
        self.assertIn("metric: wall", r.stdout)
        r = self.harness_cli("compare", self.a, b, "--metric", "cpu")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn("metric: cpu", r.stdout)

    def test_instructions_unavailable_is_refused_with_the_reason(self):
        self.refused("compare", self.a, self.a, "--metric", "instructions", says="no hardware PMU (synthetic)")

    def test_instructions(self):
        a = self.result_dir("ia", [r for t in noisy(1.0) for r in runs([t], instructions=int(t * 1e9))])
        b = self.result_dir("ib", [r for t in noisy(1.2) for r in runs([t], instructions=int(t * 1e9))])
        r = self.harness_cli("compare", a, b, "--metric", "instructions")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("metric: instructions", r.stdout)


class LoadTest(ResultDirs):
    def test_every_run_records_load(self):
        out = self.tmp / "out"
        self.run_quiet(tiny_suite(reps=1), out)
        for r in store.read_records(out):
            ld = r["harness"]["load"]
            self.assertIsInstance(ld["loadavg_before"], float)
            self.assertIsInstance(ld["loadavg_after"], float)
            self.assertGreaterEqual(ld["steal_s"], 0.0)
            self.assertEqual(ld["above_cores"], ld["loadavg_before"] > ld["cores"])

    def test_runs_above_the_core_count_are_listed(self):
        busy = runs(noisy(1.0)[:2], load={"loadavg_before": 5.3, "above_cores": True, "steal_fraction": 0.25})
        b = self.result_dir("b", runs(noisy(1.0)[2:]) + busy)
        r = self.harness_cli("compare", self.a, b)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("load: BASE: 0 of 7 measured runs", r.stdout)
        self.assertIn("load: NEW: 2 of 7 measured runs started with the load average above the core count",
                      r.stdout)
        self.assertIn("in/stm/t1/raw/direct/glibc/malloc: 2 run(s), load 5.30 on 2 cores, steal up to 25%",
                      r.stdout)

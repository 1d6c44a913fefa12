"""compare and the nightly history on synthetic records."""
import contextlib
import io

import numpy as np

from helpers import FAKE_BIN, TempDirTest
from harness import compare, history, store
from harness.__main__ import main
from synthetic import record, runs


def quiet_main(argv):
    with contextlib.redirect_stdout(io.StringIO()):
        return main(argv)


def noisy(median, n, seed, spread=0.02):
    rng = np.random.default_rng(seed)
    return list(median * (1 + spread * rng.standard_normal(n)))


class CompareTest(TempDirTest):
    def verdicts(self, base, new, **kw):
        return {r["config"].split("/")[1]: r["verdict"] for r in compare.compare_records(base, new, **kw)}

    def test_no_change_is_not_a_regression(self):
        v = self.verdicts(runs(noisy(1.0, 7, 1)), runs(noisy(1.0, 7, 2)))
        self.assertEqual(v, {"stm": compare.SAME})

    def test_significant_slowdown_is_a_regression(self):
        v = self.verdicts(runs(noisy(1.0, 7, 1)), runs(noisy(1.2, 7, 2)))
        self.assertEqual(v, {"stm": compare.REGRESSION})

    def test_speedup_is_an_improvement(self):
        v = self.verdicts(runs(noisy(1.0, 7, 1)), runs(noisy(0.8, 7, 2)))
        self.assertEqual(v, {"stm": compare.IMPROVEMENT})

    def test_slowdown_below_threshold_does_not_gate(self):
        v = self.verdicts(runs(noisy(1.0, 7, 1, 0.001)), runs(noisy(1.03, 7, 2, 0.001)), threshold=0.05)
        self.assertEqual(v, {"stm": compare.SAME})

    def test_three_runs_cannot_be_significant(self):
        v = self.verdicts(runs([1.0, 1.01, 0.99]), runs([2.0, 2.01, 1.99]))
        self.assertEqual(v, {"stm": compare.SAME})  # p = 0.1 at best for 3 vs 3

    def test_new_failure_gates(self):
        base = runs([1.0, 1.1, 1.0])
        new = [record(status="failed", reason="verification") for _ in range(3)]
        self.assertEqual(self.verdicts(base, new), {"stm": compare.NEW_FAILURE})

    def test_failing_on_both_sides_does_not_gate(self):
        fail = [record(status="failed", reason="usage") for _ in range(3)]
        self.assertEqual(self.verdicts(fail, fail), {"stm": compare.BOTH_FAIL})

    def test_configurations_on_one_side(self):
        v = self.verdicts(runs([1.0, 1.0], tm="seq"), runs([1.0, 1.0], tm="lock"))
        self.assertEqual(v, {"seq": compare.ONLY_BASE, "lock": compare.ONLY_NEW})

    def test_cli_exit_status_and_table(self):
        a, b, c = self.tmp / "a", self.tmp / "b", self.tmp / "c"
        for d, recs in ((a, runs(noisy(1.0, 7, 1))), (b, runs(noisy(1.0, 7, 2))), (c, runs(noisy(1.3, 7, 3)))):
            for r in recs:
                store.RunLog(d / "runs.jsonl").append(r)
        self.assertEqual(self.harness_cli("compare", a, b).returncode, 0)
        r = self.harness_cli("compare", a, c)
        self.assertEqual(r.returncode, 1)
        self.assertIn("REGRESSION", r.stdout)
        self.assertRegex(r.stdout, r"\+[23]\d\.\d%")  # about +30% (the change column)


class HistoryTest(TempDirTest):
    def test_accumulates_and_checks_the_latest_revision(self):
        path = self.tmp / "history.jsonl"
        for rev, med, seed in (("r1", 1.0, 1), ("r2", 1.0, 2), ("r3", 1.3, 3)):
            history.append(path, history.entries_from_records(runs(noisy(med, 7, seed), revision=rev), "nightly"))
            if rev == "r1":
                self.assertIsNone(history.check_latest(history.load(path)))
        entries = history.load(path)
        self.assertEqual(history.revisions(entries), ["r1", "r2", "r3"])
        rows = history.check_latest(entries)
        self.assertEqual([r["verdict"] for r in rows], [compare.REGRESSION])
        # Each revision's entries carry their verdict against the one before (the figure marks these).
        marks = {e["revision"]: e.get("regressed") for e in entries}
        self.assertEqual(marks, {"r1": None, "r2": False, "r3": True})

    def test_cli_add_and_check(self):
        path = self.tmp / "h.jsonl"
        for rev, med, seed in (("r1", 1.0, 1), ("r2", 1.0, 2)):
            d = self.tmp / rev
            for r in runs(noisy(med, 7, seed), revision=rev):
                store.RunLog(d / "runs.jsonl").append(r)
            self.assertEqual(quiet_main(["history", "add", str(d), "--file", str(path)]), 0)
        self.assertEqual(quiet_main(["history", "check", "--file", str(path)]), 0)
        d = self.tmp / "r3"
        for r in runs(noisy(1.5, 7, 3), revision="r3"):
            store.RunLog(d / "runs.jsonl").append(r)
        quiet_main(["history", "add", str(d), "--file", str(path)])
        self.assertEqual(quiet_main(["history", "check", "--file", str(path)]), 1)

    def test_a_rerun_adds_and_the_same_session_counts_once(self):
        path = self.tmp / "h.jsonl"
        first, rerun = runs([1.0, 1.0], revision="r1"), runs([2.0, 2.0], revision="r1")
        history.append(path, history.entries_from_records(first, "s"))
        history.append(path, history.entries_from_records(rerun, "s"))
        history.append(path, history.entries_from_records(first, "s"))  # the same directory again
        (e,) = history.load(path)
        self.assertEqual(sorted(e["samples"]), [1.0, 1.0, 2.0, 2.0])
        self.assertEqual(e["sessions"], 2)

    def test_a_step_is_seen_against_the_window_not_only_the_last_pair(self):
        # r4 is 6% slower than r1-r3 but only 2% slower than the noisy r3 it follows:
        # the pooled window sees the step the last pair misses.
        path = self.tmp / "h.jsonl"
        for rev, med, seed in (("r1", 1.0, 1), ("r2", 1.0, 2), ("r3", 1.04, 3), ("r4", 1.06, 4)):
            history.append(path, history.entries_from_records(runs(noisy(med, 7, seed, 0.005), revision=rev), "n"))
        entries = history.load(path)
        self.assertEqual([r["verdict"] for r in history.check_latest(entries, window=1)], [compare.SAME])
        self.assertEqual([r["verdict"] for r in history.check_latest(entries, window=3)], [compare.REGRESSION])


class NightlyTest(TempDirTest):
    """The CI job end to end on the fake binary: a slower revision fails the gate."""

    def nightly(self, revision, factor):
        suite = self.tmp / "n.toml"
        suite.write_text('[suite]\nname = "n"\nrepetitions = 6\nwarmup = 1\n'
                         '[[matrix]]\ninputs = ["random-x8-y8-z3-n4"]\ntm = ["seq", "stm"]\n')
        return self.harness_cli("nightly", "--suite", suite, "--bin-dir", FAKE_BIN, "--runs-root",
                                self.tmp / "runs", "--cache-dir", self.tmp / "cache", "--history",
                                self.tmp / "history.jsonl", "--no-progress",
                                env={"FAKE_LB_REVISION": revision, "FAKE_LB_FACTOR": str(factor),
                                     "FAKE_LB_SEED": revision})

    def test_gate(self):
        r = self.nightly("r1", 1.0)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = self.nightly("r2", 1.0)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = self.nightly("r3", 1.25)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("REGRESSION", r.stdout)
        self.assertEqual(history.revisions(history.load(self.tmp / "history.jsonl")), ["r1", "r2", "r3"])
        self.assertEqual(len(list((self.tmp / "runs").iterdir())), 3)  # a complete run is never resumed
        figs = sorted((self.tmp / "runs").iterdir())[-1] / "figures"
        self.assertTrue((figs / "history.svg").is_file())

"""harness ab: paired, interleaved A/B runs of two builds; ratio, interval, verdict, gate."""
import math
import os
import random

import numpy as np
from scipy import stats as sps

from helpers import FAKE_BIN, TempDirTest, tiny_suite
from harness import ab, store
from synthetic import record

SUITE = '[suite]\nname = "abt"\nrepetitions = 7\nwarmup = 1\n' \
        '[[matrix]]\ninputs = ["random-x8-y8-z3-n4"]\ntm = ["seq", "stm"]\n'


class AbCliTest(TempDirTest):
    def build(self, name, factor=1.0):
        """A bin directory whose labyrinth is the fake one, `factor` times slower, own noise."""
        d = self.tmp / name
        d.mkdir()
        (d / "labyrinth").write_text(f'#!/bin/sh\nFAKE_LB_FACTOR={factor} FAKE_LB_SEED={name} '
                                     f'exec {FAKE_BIN / "labyrinth"} "$@"\n')
        (d / "labyrinth").chmod(0o755)
        os.symlink(FAKE_BIN / "labyrinth-gen", d / "labyrinth-gen")
        return d

    def ab(self, base, new, *extra):
        (self.tmp / "abt.toml").write_text(SUITE)
        return self.harness_cli("ab", self.tmp / "abt.toml", "--base", base, "--new", new, "--no-progress",
                                "--cache-dir", self.tmp / "cache", "--runs-root", self.tmp / "runs", *extra)

    def test_same_build_passes_and_slower_build_gates(self):
        r = self.ab(self.build("a"), self.build("b"), "--out", self.tmp / "same")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("2 configurations: 2 no change", r.stdout)
        base, slower = self.build("c"), self.build("d", 1.2)
        r = self.ab(base, slower, "--out", self.tmp / "slow")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("2 configurations: 2 regression", r.stdout)
        self.assertRegex(r.stdout, r"\+(19|20|21)\.\d%")
        self.assertIn("metric: cpu", r.stdout)  # ab's default
        self.assertTrue((self.tmp / "slow" / "ab-cpu.txt").is_file())
        r = self.ab(base, slower, "--out", self.tmp / "slow", "--metric", "wall")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)  # re-reported, not re-run
        self.assertIn("metric: wall", r.stdout)
        self.assertEqual(len(store.read_records(self.tmp / "slow")), 2 * 2 * 8)
        for side in ("base", "new"):  # each side is an ordinary result directory too
            self.assertTrue((self.tmp / "slow" / side / "summary.csv").is_file())

    def test_runs_are_interleaved_pairs_in_random_order(self):
        self.ab(self.build("a"), self.build("b"), "--out", self.tmp / "o")
        recs = [r for r in store.read_records(self.tmp / "o") if not r["harness"]["warmup"]]
        self.assertEqual(len(recs), 2 * 2 * 7)
        firsts = set()
        for x, y in zip(recs[::2], recs[1::2]):  # back to back: one configuration, one round, both sides
            self.assertEqual((x["harness"]["config_key"], x["harness"]["repetition"]),
                             (y["harness"]["config_key"], y["harness"]["repetition"]))
            self.assertEqual({x["harness"]["ab_side"], y["harness"]["ab_side"]}, {"base", "new"})
            firsts.add(x["harness"]["ab_side"])
        self.assertEqual(firsts, {"base", "new"})  # which side goes first is randomised
        order = [x["harness"]["config_key"] for x in recs[::2]]

    def test_refuses_a_missing_build(self):
        r = self.ab(self.tmp / "nowhere", self.build("b"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("no labyrinth in", r.stderr)


def ab_records(pairs, fail_new=0, tm="stm"):
    out = []
    for i, (b, n) in enumerate(pairs):
        for side, t in (("base", b), ("new", n)):
            failed = side == "new" and i < fail_new
            r = record(tm=tm, elapsed=t, status="failed" if failed else "ok")
            r["harness"].update(ab_side=side, repetition=i)
            out.append(r)
    return out


class AbStatisticsTest(TempDirTest):
    def pairs(self, ratio, n, noise, seed):
        rng = random.Random(seed)
        return [(b, b * ratio * math.exp(rng.gauss(0, noise))) for b in (1 + 0.1 * rng.random() for _ in range(n))]

    def test_verdicts(self):
        for ratio, want in ((1.20, ab.REGRESSION), (0.80, ab.IMPROVEMENT), (1.00, ab.NO_CHANGE)):
            (row,) = ab.analyse(ab_records(self.pairs(ratio, 7, 0.01, 1)))
            self.assertEqual(row["verdict"], want, row)
            self.assertLess(row["ci_low"], row["ratio"])
            self.assertLess(row["ratio"], row["ci_high"])

    def test_inconclusive_says_how_many_repetitions_decide(self):
        few = self.pairs(1.12, 4, 0.08, 2)
        (row,) = ab.analyse(ab_records(few))
        self.assertEqual(row["verdict"], ab.INCONCLUSIVE, row)
        need = row["reps_needed"]
        self.assertGreater(need, 4)
        (row,) = ab.analyse(ab_records(self.pairs(1.12, need, 0.08, 3)))
        self.assertEqual(row["verdict"], ab.REGRESSION, row)  # that many pairs do decide

    def test_failures_with_new_only_gate(self):
        (row,) = ab.analyse(ab_records(self.pairs(1.0, 7, 0.01, 4), fail_new=2))
        self.assertEqual(row["verdict"], ab.NEW_FAILURE)
        self.assertEqual(ab.gating([row]), [row])

    def test_interval_covers_the_true_ratio_about_95_percent_of_the_time(self):
        hits = 0
        for seed in range(200):
            r, lo, hi = ab.ratio_interval(self.pairs(1.1, 10, 0.05, seed), n_resamples=999, seed=seed)
            hits += lo <= 1.1 <= hi
        self.assertGreater(hits, 0.88 * 200)  # BCa on 10 pairs undercovers a little
        self.assertLess(hits, 0.99 * 200)


class AbFamilyTest(TempDirTest):
    def test_intervals_hold_over_the_whole_suite(self):
        """40 unchanged configurations with 10% noise, 7 pairs each, five sessions (seeded): plain
        per-configuration 95% intervals call many of them changed; the simultaneous ones a few."""
        rng = random.Random(5)
        false_simultaneous = false_per_config = 0
        for session in range(5):
            recs = []
            for t in range(1, 41):
                pairs = [(1.0, math.exp(rng.gauss(0, 0.10))) for _ in range(7)]
                recs += [r for r in ab_records(pairs) for r["harness"]["config"]["threads"] in [t]]
            rows = ab.analyse(recs, threshold=0.0)
            self.assertEqual(len(rows), 40)
            false_simultaneous += sum(r["verdict"] in (ab.REGRESSION, ab.IMPROVEMENT) for r in rows)
            for key, o in ab.pairs(recs).items():
                logs = np.log([n / b for b, n in o["pairs"]])
                lo, hi = sps.bootstrap((logs,), np.mean, n_resamples=999, method="percentile",
                                       random_state=np.random.default_rng(0)).confidence_interval
                false_per_config += lo > 0 or hi < 0
        # 200 unchanged configurations: a plain 95% bootstrap misses about 15% with 7 pairs
        self.assertGreater(false_per_config, 20)
        # A 95% family over 40 would allow about one false call in 20 sessions; 7 pairs cannot
        # quite give that (far out, the bootstrap's extremes are the pairs' own), but it cuts
        # the false calls several times (29 -> 7 with these seeds; threshold 0 on purpose: the
        # gate's 5% threshold removes more).
        self.assertLess(4 * false_simultaneous, false_per_config)

"""Effect sizes with bootstrap intervals, Holm's correction, the minimum detectable effect."""
import math
import unittest

import numpy as np
from scipy.stats import mannwhitneyu

import helpers  # noqa: F401  (puts the repository on sys.path)
from harness import compare, effects, stats
from synthetic import runs


class EffectsTest(unittest.TestCase):
    def test_holm_by_hand(self):
        # sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, then 0.04*1 held up to 0.06
        got = effects.holm([0.01, 0.04, 0.03, 0.005, None])
        for g, want in zip(got, [0.03, 0.06, 0.06, 0.02]):
            self.assertAlmostEqual(g, want)
        self.assertIsNone(got[4])

    def test_a_lone_small_p_among_many_configurations_does_not_gate(self):
        base, new = [1.00, 1.01, 1.02, 1.03, 1.04, 1.05, 1.06], [1.025, 1.045, 1.065, 1.07, 1.08, 1.09, 1.10]
        p = mannwhitneyu(base, new).pvalue
        self.assertLess(p, 0.05)  # alone it would be a regression
        recs_b, recs_n = runs(base, tm="stm"), runs(new, tm="stm")
        self.assertEqual(compare.compare_records(recs_b, recs_n, threshold=0.01)[0]["verdict"], compare.REGRESSION)
        for t in range(2, 12):  # ten more configurations that did not change
            same = [1.0 + 0.01 * ((i * 3 + t) % 7) for i in range(7)]
            recs_b += runs(same, tm="stm", threads=t)
            recs_n += runs(same[::-1], tm="stm", threads=t)
        rows = {r["config"]: r for r in compare.compare_records(recs_b, recs_n, threshold=0.01)}
        row = rows["in/stm/t1/raw/direct/glibc/malloc"]
        self.assertGreater(row["p_adjusted"], 0.05)
        self.assertEqual(row["verdict"], compare.SAME)

    def test_ratio_of_medians_interval(self):
        rng = np.random.default_rng(1)
        hits = 0
        for _ in range(100):
            a = list(np.exp(rng.normal(0, 0.05, 9)))
            b = list(1.2 * np.exp(rng.normal(0, 0.05, 9)))
            r, lo, hi = effects.ratio_of_medians(b, a, seed=int(rng.integers(1 << 30)))
            self.assertLess(lo, r)
            self.assertLess(r, hi)
            hits += lo <= 1.2 <= hi
        self.assertGreater(hits, 85)

    def test_allocator_spread_interval(self):
        rng = np.random.default_rng(2)
        samples = {"glibc": list(1.0 + 0.02 * rng.standard_normal(7)),
                   "jemalloc": list(1.1 + 0.02 * rng.standard_normal(7)),
                   "mimalloc": list(1.05 + 0.02 * rng.standard_normal(7))}
        est, lo, hi = effects.spread(samples)
        self.assertAlmostEqual(est, 0.1, delta=0.03)
        self.assertLess(lo, est)
        self.assertLess(est, hi)
        self.assertGreater(lo, 0.03)  # clearly not zero with these runs
        # two runs each: a bootstrap of two points says nothing; no interval, not a narrow one
        e2, lo2, hi2 = effects.spread({k: v[:2] for k, v in samples.items()})
        self.assertIsNotNone(e2)
        self.assertEqual((lo2, hi2), (None, None))

    def test_minimum_detectable_effect(self):
        self.assertEqual(effects.minimum_detectable_effect([1, 1.1, 1.2], [1, 1.1, 1.2], 0.05), math.inf)
        rng = np.random.default_rng(3)
        sd = 0.03
        small = effects.minimum_detectable_effect(list(np.exp(rng.normal(0, sd, 7))),
                                                  list(np.exp(rng.normal(0, sd, 7))), 0.05)
        large = effects.minimum_detectable_effect(list(np.exp(rng.normal(0, sd, 30))),
                                                  list(np.exp(rng.normal(0, sd, 30))), 0.05)
        self.assertLess(large, small)
        # A change of that size is detected about 80% of the time (the rank test, a little less).
        true_mde = math.exp((1.96 + 0.8416) * sd * math.sqrt(2 / 7)) - 1
        detected = sum(mannwhitneyu(np.exp(rng.normal(0, sd, 7)),
                                    (1 + true_mde) * np.exp(rng.normal(0, sd, 7))).pvalue < 0.05
                       for _ in range(300))
        self.assertGreater(detected, 0.6 * 300)
        self.assertLess(detected, 0.95 * 300)

    def test_summary_rows_carry_intervals(self):
        recs = runs([1.0, 1.02, 0.98, 1.01], tm="seq") + runs([0.5, 0.52, 0.49, 0.51], tm="stm", threads=2)
        row = next(r for r in stats.summary_rows(recs) if r["tm"] == "stm")
        self.assertAlmostEqual(row["speedup_vs_seq"], 2.0, delta=0.05)
        self.assertLess(row["speedup_vs_seq_ci_low"], row["speedup_vs_seq"])
        self.assertGreater(row["speedup_vs_seq_ci_high"], row["speedup_vs_seq"])


if __name__ == "__main__":
    unittest.main()

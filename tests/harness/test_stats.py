"""Statistics on synthetic records with known answers."""
import math
import unittest

from scipy import stats as sps

import helpers  # noqa: F401  (puts the repository on sys.path)
from harness import stats
from synthetic import record, runs


class DescribeTest(unittest.TestCase):
    def test_known_values(self):
        d = stats.describe([3.0, 1.0, 2.0, 5.0, 4.0])
        self.assertEqual((d["n"], d["median"], d["min"], d["max"], d["mean"]), (5, 3.0, 1.0, 5.0, 3.0))
        self.assertEqual((d["q1"], d["q3"], d["iqr"]), (2.0, 4.0, 2.0))
        # by hand, on logs: geometric mean 120^(1/5), t(0.975, 4) * sample sd / sqrt(5)
        logs = [math.log(x) for x in (1, 2, 3, 4, 5)]
        m = sum(logs) / 5
        sd = math.sqrt(sum((x - m) ** 2 for x in logs) / 4)
        half = sps.t.ppf(0.975, 4) * sd / math.sqrt(5)
        self.assertAlmostEqual(d["gmean"], 120 ** 0.2)
        self.assertAlmostEqual(d["ci95_low"], math.exp(m - half))
        self.assertAlmostEqual(d["ci95_high"], math.exp(m + half))

    def test_interval_never_below_zero(self):
        d = stats.describe([0.03, 0.09, 0.035])  # skewed, like a noisy machine's runs
        self.assertGreater(d["ci95_low"], 0)
        self.assertLess(d["ci95_low"], d["gmean"])
        self.assertGreater(d["ci95_high"], d["gmean"])

    def test_small_and_constant_samples(self):
        self.assertEqual(stats.describe([]), {"n": 0})
        d = stats.describe([2.0])
        self.assertIsNone(d["ci95_low"])
        d = stats.describe([2.0, 2.0, 2.0])
        self.assertEqual((d["ci95_low"], d["ci95_high"]), (2.0, 2.0))


class SummaryTest(unittest.TestCase):
    def setUp(self):
        self.records = (runs([2.0, 2.2, 1.8], tm="seq")
                        + runs([2.4, 2.5, 2.6], tm="stm", threads=1)
                        + runs([1.2, 1.3, 1.25], tm="stm", threads=2)
                        + runs([9.0], tm="stm", threads=2, warmup=True)          # dropped
                        + [record(tm="stm", threads=2, status="failed", reason="timeout")])
        self.rows = {(r["tm"], r["threads"]): r for r in stats.summary_rows(self.records)}

    def test_warmups_dropped_failures_counted(self):
        r = self.rows[("stm", 2)]
        self.assertEqual((r["runs_ok"], r["runs_failed"], r["failure_reasons"]), (3, 1, "timeout"))
        self.assertEqual(r["median_s"], 1.25)
        self.assertEqual(r["max_s"], 1.3)

    def test_speedups(self):
        self.assertAlmostEqual(self.rows[("stm", 2)]["speedup_vs_seq"], 2.0 / 1.25)
        self.assertAlmostEqual(self.rows[("stm", 2)]["speedup_vs_1thread"], 2.5 / 1.25)
        self.assertAlmostEqual(self.rows[("stm", 1)]["speedup_vs_seq"], 2.0 / 2.5)
        self.assertEqual(self.rows[("seq", 1)]["speedup_vs_seq"], 1.0)

    def test_seq_baseline_prefers_same_allocator(self):
        recs = self.records + runs([4.0], tm="seq", allocator="jemalloc") + runs([1.0], tm="stm", allocator="jemalloc")
        rows = {(r["tm"], r["allocator"]): r for r in stats.summary_rows(recs) if r["threads"] == 1}
        self.assertAlmostEqual(rows[("stm", "jemalloc")]["speedup_vs_seq"], 4.0)

    def test_spread_is_slowest_over_fastest(self):
        self.assertAlmostEqual(self.rows[("seq", 1)]["spread"], 2.2 / 1.8 - 1)
        self.assertAlmostEqual(self.rows[("stm", 2)]["spread"], 1.3 / 1.2 - 1)

    def test_markdown_table_of_chosen_columns(self):
        from harness import report
        rows = stats.summary_rows(self.records)
        text = report.markdown_table(rows, ["tm", "threads", "median_s", "runs_failed"])
        lines = text.splitlines()
        self.assertEqual(lines[:2], ["| tm | threads | median_s | runs_failed |", "|---|---|---|---|"])
        self.assertIn("| stm | 2 | 1.25 | 1 |", lines)
        self.assertEqual(len(lines), 2 + len(rows))
        with self.assertRaises(KeyError):
            report.markdown_table(rows, ["tm", "no_such_column"])

    def test_tm_stats_medians(self):
        recs = runs([1, 1, 1], tm="stm", threads=2) + [record(tm="stm", threads=2, aborts=a, read_set=r)
                                                      for a, r in ((4, 100.0), (6, 300.0))]
        (row,) = stats.summary_rows(recs)
        self.assertEqual(row["aborts_median"], 0.0)  # 0,0,0,4,6
        self.assertEqual(row["read_set_mean_median"], 10.0)

    def test_every_measure_of_the_schema_has_its_median(self):
        # A statistic declared in the schema is a summary.csv column without a list to keep in step.
        recs = [record(tm="stm", threads=2, instructions=n) for n in (100, 300, 200)]
        for i, r in enumerate(recs):
            r["tm_stats"]["validations"] = 10 * i
            r["time"]["copy_s"] = 0.5
        (row,) = stats.summary_rows(recs)
        for section, names in stats.MEASURES.items():
            for name in names:
                if (section, name) != ("time", stats.METRIC):
                    self.assertIn(f"{name}_median", row, f"{section}.{name}")
        self.assertEqual(row["validations_median"], 10.0)
        self.assertEqual(row["instructions_median"], 200.0)
        self.assertEqual(row["copy_s_median"], 0.5)
        self.assertEqual(row["peak_rss_kb_median"], 1000.0)
        self.assertNotIn("elapsed_s_median", row)  # the time is median_s


class AllocatorSpreadTest(unittest.TestCase):
    def test_slowest_over_fastest(self):
        recs = (runs([1.0, 1.0, 1.1], allocator="glibc") + runs([1.5, 1.5], allocator="jemalloc")
                + runs([0.8, 0.8], allocator="mimalloc") + runs([3.0], allocator="only", threads=2))
        (row,) = stats.allocator_spread(recs)
        self.assertEqual((row["fastest"], row["slowest"], row["allocators"]), ("mimalloc", "jemalloc", 3))
        self.assertAlmostEqual(row["spread"], 1.5 / 0.8 - 1)

    def test_failed_allocators_do_not_count(self):
        recs = runs([1.0], allocator="glibc") + [record(allocator="tcmalloc", status="failed")]
        self.assertEqual(stats.allocator_spread(recs), [])


class ConfigOfTest(unittest.TestCase):
    def test_from_a_bare_binary_record(self):
        rec = {"input": {"name": "x"}, "tm": {"name": "lock"}, "threads": 2,
               "mode": {"snapshot": "tracked", "private": "direct"}, "allocator": {"requested": "jemalloc"}}
        c = stats.config_of(rec)
        self.assertEqual((c.input, c.tm, c.threads, c.snapshot, c.allocator), ("x", "lock", 2, "tracked", "jemalloc"))


if __name__ == "__main__":
    unittest.main()


class HeadlineTest(unittest.TestCase):
    def test_numbers_come_from_the_records(self):
        from harness.headline import headline
        recs = (runs([2.0, 2.0, 2.0], tm="seq") + runs([1.0, 1.0, 1.0], tm="stm", threads=2)
                + runs([4.0, 0.5], tm="lock", threads=2)  # best-of-runs: 2.0 / 0.5
                + [record(tm="stm", threads=2, snapshot="tracked", elapsed=3.0, read_set=400.0, aborts=9)] * 3
                + [record(tm="stm", threads=2, snapshot="released", elapsed=1.5, read_set=40.0, aborts=3)] * 3
                + runs([2.2, 2.2], tm="seq", allocator="jemalloc"))
        text = headline(recs, "syn")
        self.assertIn("| in | stm | 2 | 2.000 | 1.000 | 2.00x (2.00-2.00) | 2.00x |", text)
        self.assertIn("| in | stm | 2 | direct | 0.50x (0.50-0.50) | 400 -> 40 | 9 -> 3 |", text)
        self.assertIn("| in | seq | 1 | glibc | jemalloc | 10.0% (too few runs for an interval) |", text)
        (lock,) = [l for l in text.splitlines() if l.startswith("| in | lock | 2 |")]
        self.assertTrue(lock.startswith("| in | lock | 2 | 2.000 | 2.250 | 0.89x"), lock)
        self.assertTrue(lock.endswith("| 4.00x |"), lock)

    def test_spread_rows_are_told_apart_by_every_axis_that_differs(self):
        # the lock-aliasing suite: the same allocators under two lock tables: two rows, told apart
        from harness.headline import headline
        recs = []
        for opts, t in (({}, 1.0), ({"locks_log2": "24"}, 3.0)):
            for alloc, f in (("glibc", 1.0), ("jemalloc", 1.2)):
                for r in runs([t * f] * 3, tm="stm", threads=2, allocator=alloc):
                    r["harness"]["config"]["tm_opts"] = opts
                    recs.append(r)
        rows = stats.allocator_spread(recs)
        self.assertEqual(len(rows), 2)
        self.assertEqual(stats.spread_columns(rows), ["input", "tm", "threads", "snapshot", "private", "tm_opts"])
        text = headline(recs, "syn")
        self.assertIn("| input | runtime | threads | tm_opts | fastest | slowest | spread |", text)
        self.assertIn("| in | stm | 2 | locks_log2=24 | glibc | jemalloc | 20.0%", text)
        self.assertIn("| in | stm | 2 |  | glibc | jemalloc | 20.0%", text)

    def test_rows_name_the_runtime_environment(self):
        # the runtimes suite runs libitm under two methods (ITM_DEFAULT_METHOD): two rows, told apart
        from harness.headline import headline
        recs = runs([2.0] * 3, tm="seq")
        for method, t in (("ml_wt", 1.0), ("gl_wt", 4.0)):
            for r in runs([t] * 3, tm="itm", threads=2):
                r["harness"]["config"]["env"] = {"ITM_DEFAULT_METHOD": method}
                recs.append(r)
        text = headline(recs, "syn")
        self.assertIn("| in | itm (ITM_DEFAULT_METHOD=ml_wt) | 2 | 2.000 | 1.000 | 2.00x", text)
        self.assertIn("| in | itm (ITM_DEFAULT_METHOD=gl_wt) | 2 | 2.000 | 4.000 | 0.50x", text)

    def test_early_release_rows_name_the_private_memory(self):
        # the early-release suite: instrumented private accesses on malloc and on allocpage pages
        from harness.headline import headline
        recs = []
        for memory, t in (("malloc", 1.0), ("allocpage", 2.0)):
            for snapshot, f in (("tracked", 2.0), ("released", 1.0)):
                for r in runs([t * f] * 3, tm="stm", threads=2, snapshot=snapshot, private="instrumented"):
                    r["harness"]["config"]["private_memory"] = memory
                    if memory == "allocpage":
                        r["harness"]["config"]["page_size"] = "4k"
                    recs.append(r)
        text = headline(recs, "syn")
        self.assertIn("| in | stm | 2 | instrumented | 0.50x", text)
        self.assertIn("| in | stm | 2 | instrumented (allocpage, 4k) | 0.50x", text)

    def test_says_what_was_not_measured(self):
        from harness.headline import headline
        text = headline(runs([1.0], tm="seq"), "syn")
        self.assertIn("Not measured: fewer than two allocators", text)
        self.assertIn("Not measured: no runtime ran both", text)

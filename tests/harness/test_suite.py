"""Suite files: expansion, interleaved order, sharding, the shipped suites."""
import tomllib
import unittest
from collections import Counter

from helpers import tiny_suite
from harness.suite import SUITES_DIR, SuiteError, load_suite, parse_shard, parse_suite


def parse(text):
    return parse_suite(tomllib.loads(text))


class Expansion(unittest.TestCase):
    def test_product_and_union_without_duplicates(self):
        s = parse("""
            [[matrix]]
            inputs = ["a"]
            tm = ["lock", "stm"]
            threads = [1, 2]
            snapshot = ["raw", "tracked"]
            [[matrix]]
            inputs = ["a"]
            tm = "stm"
            threads = 2
            snapshot = "raw"
        """)
        self.assertEqual(len(s.configs), 8)  # the second matrix repeats one point
        self.assertEqual(len({c.key for c in s.configs}), 8)

    def test_defaults_are_the_binarys(self):
        (c,) = parse('[[matrix]]\ninputs = ["a"]').configs
        self.assertEqual((c.tm, c.threads, c.snapshot, c.private, c.allocator, c.private_memory),
                         ("seq", 1, "raw", "direct", "glibc", "malloc"))

    def test_seq_only_at_one_thread(self):
        s = parse('[[matrix]]\ninputs = ["a"]\ntm = ["seq", "lock"]\nthreads = [1, 2, 4]')
        self.assertEqual(sorted((c.tm, c.threads) for c in s.configs),
                         [("lock", 1), ("lock", 2), ("lock", 4), ("seq", 1)])

    def test_tm_opts_are_part_of_the_key(self):
        s = parse('[[matrix]]\ninputs = ["a"]\ntm = "itm"\ntm_opts = [{method = "ml_wt"}, {method = "gl_wt"}]')
        self.assertEqual(len(s.configs), 2)
        self.assertIn("method=ml_wt", s.configs[0].key + s.configs[1].key)

    def test_env_is_an_axis(self):
        s = parse('[[matrix]]\ninputs = ["a"]\ntm = "itm"\nenv = [{ITM_DEFAULT_METHOD = "ml_wt"}, {ITM_DEFAULT_METHOD = "gl_wt"}]')
        self.assertEqual(sorted(dict(c.env)["ITM_DEFAULT_METHOD"] for c in s.configs), ["gl_wt", "ml_wt"])
        self.assertEqual(len({c.key for c in s.configs}), 2)
        (plain,) = parse('[[matrix]]\ninputs = ["a"]\ntm = "itm"').configs
        self.assertNotIn("env:", plain.key)  # suites without env keep their keys (and history)

    def test_errors(self):
        for bad in ('[[matrix]]\ntm = ["seq"]',                      # no input
                    '[[matrix]]\ninputs = ["a"]\ncolour = ["red"]',   # unknown axis
                    '[[matrix]]\ninputs = []',                        # empty axis
                    '[[matrix]]\ninputs = ["a"]\nenv = ["X=1"]',     # env entries are tables
                    '[suite]\nrepetitions = 0\n[[matrix]]\ninputs = ["a"]',
                    '[suite]\nname = "x"'):                           # no matrix
            with self.subTest(bad=bad), self.assertRaises(SuiteError):
                parse(bad)


class Order(unittest.TestCase):
    def test_interleaved_rounds_warmups_first(self):
        s = tiny_suite(reps=3)
        runs = s.runs()
        n = len(s.configs)
        self.assertEqual(len(runs), n * 4)
        self.assertTrue(all(r.warmup for r in runs[:n]))
        self.assertFalse(any(r.warmup for r in runs[n:]))
        for k in range(4):  # every round visits every configuration once
            self.assertEqual({r.config.key for r in runs[k * n:(k + 1) * n]}, {c.key for c in s.configs})
        self.assertEqual(len({r.run_id for r in runs}), len(runs))

    def test_order_is_deterministic_and_shuffled_per_round(self):
        a, b = tiny_suite(reps=4).runs(), tiny_suite(reps=4).runs()
        self.assertEqual([r.run_id for r in a], [r.run_id for r in b])
        n = len(tiny_suite().configs)
        rounds = {tuple(r.config.key for r in a[k * n:(k + 1) * n]) for k in range(5)}
        self.assertGreater(len(rounds), 1)


class Sharding(unittest.TestCase):
    def test_shards_partition_by_configuration(self):
        s = tiny_suite(reps=3)
        everything = Counter(r.run_id for r in s.runs())
        for n in (1, 2, 3, 5):
            shards = [s.runs((k, n)) for k in range(1, n + 1)]
            self.assertEqual(sum((Counter(r.run_id for r in sh) for sh in shards), Counter()), everything)
            keys = [{r.config.key for r in sh} for sh in shards]
            for i in range(n):
                for j in range(i + 1, n):
                    self.assertFalse(keys[i] & keys[j], "a configuration was split over shards")
            self.assertEqual([r.run_id for r in s.runs((1, n))], [r.run_id for r in tiny_suite().runs((1, n))])

    def test_parse_shard(self):
        self.assertEqual(parse_shard("2/3"), (2, 3))
        for bad in ("0/3", "4/3", "x", "1/0"):
            with self.subTest(bad=bad), self.assertRaises(SuiteError):
                parse_shard(bad)


class ShippedSuites(unittest.TestCase):
    def test_all_load_and_the_required_ones_exist(self):
        names = {p.stem for p in SUITES_DIR.glob("*.toml")}
        self.assertLessEqual({"quick", "allocators", "early-release", "runtimes", "nightly"}, names)
        for name in names:
            with self.subTest(suite=name):
                self.assertTrue(load_suite(name).configs)

    def test_quick_shows_every_axis(self):
        cs = load_suite("quick").configs
        self.assertEqual({c.tm for c in cs}, {"seq", "lock", "stm", "itm", "tbb"})
        self.assertEqual({c.snapshot for c in cs}, {"raw", "tracked", "released"})
        self.assertEqual({c.private for c in cs}, {"direct", "instrumented"})
        self.assertEqual({c.private_memory for c in cs}, {"malloc", "allocpage"})
        self.assertGreaterEqual(len({c.allocator for c in cs}), 5)
        self.assertGreater(len({c.threads for c in cs}), 1)

    def test_allocators_has_both_lifetimes_for_every_allocator(self):
        s = load_suite("allocators")
        stm = [c for c in s.configs if c.tm == "stm"]
        for lifetime in ("worker", "transaction"):
            mine = [c for c in stm if c.private_lifetime == lifetime]
            self.assertEqual({c.allocator for c in mine if c.private_memory == "malloc"},
                             {"glibc", "jemalloc", "mimalloc", "tbbmalloc", "tcmalloc"})
            self.assertIn("allocpage", {c.private_memory for c in mine})
            self.assertEqual({c.threads for c in mine}, {1, 2})
        # sized for about 15 minutes on 2 cores (allocators/README.md): keep it so
        self.assertLessEqual(len(s.runs()), 130)
        self.assertGreaterEqual(s.repetitions, 3)  # the spread's bootstrap interval needs 3 runs

    def test_nightly_can_reach_significance(self):
        self.assertGreaterEqual(load_suite("nightly").repetitions, 5)


if __name__ == "__main__":
    unittest.main()


class RelativeThreadsTest(unittest.TestCase):
    def test_counts_relative_to_the_machine(self):
        from harness.suite import SuiteError, relative_threads
        self.assertEqual(relative_threads(["powers of two to 2*cores"], "m", cores=2), [1, 2, 4])
        self.assertEqual(relative_threads(["powers of two to 2*cores"], "m", cores=6), [1, 2, 4, 8, 12])
        self.assertEqual(relative_threads([1, "cores", "4*cores"], "m", cores=3), [1, 3, 12])
        self.assertEqual(relative_threads(["powers of two to 8"], "m", cores=2), [1, 2, 4, 8])
        with self.assertRaises(SuiteError):
            relative_threads(["many"], "m", cores=2)

    def test_in_a_suite_file(self):
        import os
        import tomllib
        from harness.suite import parse_suite
        s = parse_suite(tomllib.loads('[[matrix]]\ninputs = ["x"]\ntm = "stm"\n'
                                      'threads = "powers of two to 2*cores"\n'))
        top = 2 * os.cpu_count()
        self.assertEqual(max(c.threads for c in s.configs), top)
        self.assertIn(1, {c.threads for c in s.configs})

"""The real binary against the schema: every record it writes in the cases the
tests exercise validates, its defaults are the axes' declared defaults, every
axis option is on its command line, and its exit statuses are the ones the
schema gives the failure reasons.

Needs LB_BIN_DIR (CTest passes the build's bin directory); without it the test
is skipped, but a LB_BIN_DIR without a labyrinth in it is a failure.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import records  # noqa: E402
from records.config import _get  # noqa: E402

BIN = os.environ.get("LB_BIN_DIR")
SMALL = "d 8 8 2\np 0 0 0 7 7 1\np 7 0 0 0 7 0\np 0 3 1 7 3 1\nw 4 4 0\n"


@unittest.skipUnless(BIN, "LB_BIN_DIR not set (CTest sets it to the build's bin directory)")
class BinaryRecordsTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="lb-schema-test-")
        self.tmp = Path(self._tmp.name)
        self.input = self.tmp / "small.txt"
        self.input.write_text(SMALL)
        self.labyrinth = Path(BIN) / "labyrinth"
        self.assertTrue(self.labyrinth.is_file(), f"no labyrinth in {BIN}")

    def tearDown(self):
        self._tmp.cleanup()

    def run_binary(self, *args, input_path=None, env=None):
        out = self.tmp / "record.json"
        out.unlink(missing_ok=True)
        p = subprocess.run([str(self.labyrinth), "-i", str(input_path or self.input), "--json", str(out), *args],
                           capture_output=True, text=True, timeout=120, env=dict(os.environ, **(env or {})))
        self.assertTrue(out.exists(), f"no record: {p.stderr}")
        record = json.loads(out.read_text())
        self.assertEqual(records.problems(record), [], f"{args}: {p.stderr}")
        self.assertEqual(record["schema"], records.VERSION)
        return p.returncode, record

    def test_defaults_are_the_declared_defaults(self):
        status, r = self.run_binary()
        self.assertEqual(status, 0)
        for a in records.AXES:
            if a["record"] is None or isinstance(a["default"], dict) or a["default"] is None:
                continue
            want = a.get("record_values", {}).get(a["default"], a["default"])
            self.assertEqual(_get(r, a["record"]), want, a["name"])

    def test_options_land_at_the_axes_record_paths(self):
        args = {"tm": "stm", "threads": 2, "snapshot": "tracked", "private": "instrumented",
                "private_filter": "off", "private_lifetime": "transaction", "bend_cost": 2, "x_cost": 1,
                "y_cost": 3, "z_cost": 4}
        cfg = records.Config.from_dict({"input": str(self.input), **args})
        status, r = self.run_binary(*cfg.command_options())
        self.assertEqual(status, 0)
        got = records.config_of(r)
        for name in args:
            self.assertEqual(getattr(got, name), getattr(cfg, name), name)

    def test_board_records(self):
        board = self.tmp / "board.txt"
        board.write_text("B 12 8\nP 2 2\nP 9 2\nP 5 2\nP 3 5\nJ 2 2 9 2\nJ 9 2 3 5\nE\n")
        for rules in ("lee-tm", "stamp"):
            cfg = records.Config.from_dict({"input": str(board), "tm": "stm", "threads": 2, "rules": rules,
                                            "snapshot": "released"})
            status, r = self.run_binary(*cfg.command_options(), input_path=board)
            self.assertEqual(status, 0, rules)
            self.assertEqual(records.config_of(r).rules, rules)
            self.assertEqual(r["input"]["format"], "lee")
            self.assertEqual(r["board"]["laid"] + r["board"]["failed"], 2)
        # Lee-TM's rules keep their temp grid across routes: the transaction lifetime is refused.
        status, r = self.run_binary("--rules", "lee-tm", "--private-lifetime", "transaction", input_path=board)
        self.assertEqual((status, r["failure"]["reason"]), (2, "usage"))
        self.assertIn("--private-lifetime worker only", r["failure"]["message"])

    def test_allocpage_record(self):
        status, r = self.run_binary("--tm", "stm", "--private-memory", "allocpage", "--page-size", "4k")
        self.assertEqual(status, 0)
        self.assertEqual(r["private_memory"]["page_size"], 4096)
        self.assertIsInstance(r["private_memory"]["allocpage"], dict)
        # What explains an allocator's cost: allocpage's counters and the routing phase's faults and sys time.
        self.assertGreater(r["private_memory"]["allocpage"]["reserve_hits"], 0)
        self.assertEqual(r["private_memory"]["allocpage"]["failed_atomic"], 0)
        self.assertGreaterEqual(r["memory"]["minor_faults"], 0)
        self.assertGreaterEqual(r["time"]["sys_s"], 0)

    def test_every_axis_option_is_on_the_command_line(self):
        help_text = subprocess.run([str(self.labyrinth), "--help"], capture_output=True, text=True).stdout
        for a in records.AXES:
            if a["option"]:
                self.assertRegex(help_text, rf"(^|[\s,]){a['option']}\b", a["name"])
            for v in a.get("values", []):
                if a["name"] not in ("page_size",):
                    self.assertIn(v, help_text, f"{a['name']}: {v}")

    def test_failed_records_validate_and_exit_as_declared(self):
        bad = self.tmp / "bad.txt"
        bad.write_text("d 8 8 2\np 0 0 0 9 9 9\n")
        for args, input_path, reason in ((("--tm", "nosuch"), None, "usage"),
                                         ((), bad, "input"),
                                         (("--page-size", "2m"), None, "usage")):
            status, r = self.run_binary(*args, input_path=input_path)
            self.assertEqual(r["status"], "failed")
            self.assertEqual(r["failure"]["reason"], reason, args)
            self.assertEqual(status, records.exit_status(reason), args)
            self.assertIsNone(r["time"])

    def test_what_a_runtime_cannot_honour_is_refused_up_front(self):
        """itm (libitm) has no early release, no private-memory predicate, and no
        restart under its serial methods (ItmRuntime::capabilities())."""
        serial = {"ITM_DEFAULT_METHOD": "serialirr"}
        for args, env in ((("--snapshot", "released"), None),
                          (("--private", "instrumented"), None),
                          (("-t", "2"), serial)):
            status, r = self.run_binary("--tm", "itm", *args, env=env)
            self.assertEqual((status, r["failure"]["reason"]), (2, "usage"), args)
        for args, env in ((("--private", "instrumented", "--private-filter", "off"), None),
                          (("-t", "1"), serial)):
            status, r = self.run_binary("--tm", "itm", *args, env=env)
            self.assertEqual(status, 0, args)


if __name__ == "__main__":
    unittest.main()

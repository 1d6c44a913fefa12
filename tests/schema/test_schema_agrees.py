"""The declared schema (schema/run.schema.json) and everything that must agree
with it: labyrinth/RECORD.md, the harness's axes and key, the plots' labels and
defaults, the committed reference results, and the package boundaries
(../shared/DESIGN.md: plots/ never imports harness/; no sys.path changes)."""
import ast
import re
import sys
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import records  # noqa: E402

RECORD_MD = (REPO / "labyrinth" / "RECORD.md").read_text()


def record_md_fields() -> list[str]:
    """The field paths in RECORD.md's field table (first column, backticked, comma-separated)."""
    out = []
    for line in RECORD_MD.splitlines():
        m = re.match(r"\|\s*(`[a-z0-9_.]+`(, `[a-z0-9_.]+`)*)\s*\|", line)
        if m:
            out += re.findall(r"`([a-z0-9_.]+)`", m.group(1))
    return out


def imports(py: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(py.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


class RecordMdTest(unittest.TestCase):
    def test_version(self):
        # RECORD.md names the schema's x-version rather than restating it.
        self.assertIn("(schema `labyrinth-bench/run/N`)", RECORD_MD.splitlines()[0])
        self.assertRegex(records.VERSION, r"^labyrinth-bench/run/\d+$")
        for v in records.ACCEPTED:
            self.assertLessEqual(records.schema.version_number(v), records.schema.version_number(records.VERSION))

    def test_every_documented_field_is_declared_and_every_declared_field_documented(self):
        documented = set(record_md_fields())
        declared = set(records.paths())
        self.assertTrue(documented)
        self.assertEqual(documented - declared, set(), "RECORD.md documents fields the schema lacks")
        # A field is documented by its own row, by a row of an object that holds
        # it, or (an object) by the rows of its fields.
        undocumented = {p for p in declared if not any(p == d or p.startswith(d + ".") or d.startswith(p + ".")
                                                        for d in documented)}
        self.assertEqual(undocumented, set(), "schema fields missing from RECORD.md")

    def test_failure_reasons_and_exit_statuses(self):
        binary = [r for r, d in records.FAILURE_REASONS.items() if d["by"] == "labyrinth"]
        line = next(l for l in RECORD_MD.splitlines() if l.startswith("| `failure` |"))
        self.assertEqual(re.findall(r"`([a-z-]+)`", line.split("R is one of", 1)[1]), binary)
        rows = [l for l in RECORD_MD.splitlines() if re.match(r"\| \d \|", l)]
        documented = [(int(c[0]), re.findall(r"`([a-z-]+)`", c[1]), c[2])
                      for c in ([x.strip() for x in l.strip("|").split("|")] for l in rows)]
        self.assertEqual(documented, [(e["status"], e["reasons"], e["meaning"]) for e in records.EXIT_STATUSES])
        harness = [r for r, d in records.FAILURE_REASONS.items() if d["by"] == "harness"]
        for r in harness:
            self.assertIn(f"`{r}`", RECORD_MD)

    def test_tm_statistics_are_each_declared_with_meaning_and_unit(self):
        for name, s in records.TM_STATS.items():
            self.assertTrue(s.get("description"), name)
            self.assertTrue(s.get("x-unit"), name)
            # Either a counter the runtimes keep (generated into lbtm::Stats) or derived from counters.
            self.assertTrue(("x-counter" in s) != ("x-derived" in s), name)

    def test_the_cpp_view_is_generated_from_the_schema(self):
        import subprocess
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            subprocess.run([sys.executable, str(REPO / "schema" / "gen_cpp.py"), str(records.SCHEMA_FILE), d],
                           check=True)
            text = (Path(d) / "schema" / "run_schema.hpp").read_text()
            axes = (Path(d) / "schema" / "run_axes.hpp").read_text()
        self.assertIn(f'#define LB_RECORD_SCHEMA "{records.VERSION}"', text)
        counters = [n for n, s in records.TM_STATS.items() if "x-counter" in s]
        self.assertEqual(re.findall(r'X\(\w+, (?:sum|max), "(\w+)"', text), counters)
        # The binary's axes (all but the harness's own), with option, default and record path.
        declared = [(a["name"], a["option"], a["record"] or "") for a in records.AXES if a["option"] is not None]
        self.assertEqual(re.findall(r'^    \{"(\w+)", "([-\w]+)", "[^"]*", "([\w.]*)"', axes, re.M), declared)
        # The binary's failure reasons with their exit statuses.
        reasons = [(r, records.exit_status(r)) for r, d in records.FAILURE_REASONS.items() if d["by"] == "labyrinth"]
        self.assertEqual([(r, int(s)) for r, s in re.findall(r'X\(k\w+, "([a-z-]+)", (\d)\)', axes)], reasons)
        self.assertNotIn("tm_opts", text)  # tm/ sees the counters only, nothing of Labyrinth's axes


class AxesTest(unittest.TestCase):
    def test_axes_are_complete(self):
        for a in records.AXES:
            self.assertTrue({"name", "option", "default", "record", "key", "meaning"} <= set(a), a)
            self.assertIn(a["key"], ("always", "unless-default", "items"), a["name"])
            if a["record"]:
                self.assertIn(a["record"], records.paths(), a["name"])
            if "values" in a and a["default"] is not None:
                self.assertIn(a["default"], a["values"], a["name"])
        for name in records.DEFAULT_SHAPE:
            self.assertIn(name, records.AXIS)

    def test_the_harness_takes_its_axes_and_key_from_the_schema(self):
        from harness import suite, runner
        self.assertEqual(list(suite.AXES), [a["name"] for a in records.AXES])
        self.assertEqual(suite.AXES, {a["name"]: a["default"] for a in records.AXES})
        self.assertIs(suite.Config, records.Config)
        # Keys of configurations at the defaults of the axes added later stay as they were
        # (the history and the reference results are kept under them).
        c = records.Config.from_dict({"input": "in", "tm": "stm", "threads": 2, "tm_opts": {"k": "v"},
                                      "page_size": "2m", "env": {"E": "1"}})
        self.assertEqual(c.key, "in/stm/k=v/t2/raw/direct/glibc/malloc/2m/env:E=1")
        off = records.Config.from_dict({"input": "in", "private_filter": "off", "bend_cost": 3})
        self.assertEqual(off.key, "in/seq/t1/raw/direct/glibc/malloc/filter-off/b3")
        cmd = runner.command(Path("/bin"), off, Path("in.txt"), 0, Path("o.json"))
        self.assertEqual(cmd[cmd.index("--private-filter") + 1], "off")
        self.assertEqual(cmd[cmd.index("-b") + 1], "3")
        self.assertNotIn("--tm", cmd)  # defaults are left to the binary

    def test_reasons_for_exit_statuses(self):
        for e in records.EXIT_STATUSES:
            for reason in e["reasons"]:
                self.assertIn(reason, records.FAILURE_REASONS)
                self.assertEqual(records.exit_status(reason), e["status"])
        self.assertEqual(records.exit_status(None), 0)


class ReferenceResultsTest(unittest.TestCase):
    def test_committed_records_validate_and_key_as_the_harness_did(self):
        dirs = sorted((REPO / "results" / "reference").glob("*/runs.jsonl"))
        self.assertTrue(dirs)
        for path in dirs:
            recs = records.load(path)
            self.assertTrue(recs, path)
            for r in recs:
                self.assertEqual(records.config_of(r).key, r["harness"]["config_key"])
                # Not recoverable from the binary's own fields: the page size asked ("4k", the record
                # has the 4096 obtained), the environment the harness set (env has no record path)
                # and the TM options asked (tm.config holds every option, asked or default).
                hc = r["harness"]["config"]
                if hc["page_size"] is None and not hc.get("env") and not hc.get("tm_opts"):
                    without_note = {k: v for k, v in r.items() if k != "harness"}
                    self.assertEqual(records.config_of(without_note).key, r["harness"]["config_key"])

    def test_a_field_added_later_is_required_only_from_its_version_on(self):
        import json
        # A record as the first schema wrote it (the quick reference of 2026-11-24, kept here
        # because the committed references are retaken with the current schema).
        old = records.load(Path(__file__).with_name("run1_record.jsonl"))[0]
        self.assertEqual(old["schema"], "labyrinth-bench/run/1")

        def later(node=records.SCHEMA, parent=()):
            """(parent path, name, version, declaration) of every field declared with x-since."""
            for name, child in records.schema.object_properties(node).items():
                if "x-since" in child:
                    yield parent, name, child["x-since"], child
                yield from later(child, parent + (name,))

        def holder(record, parent):  # the object that holds the field, None where the record has none
            for p in parent:
                record = record.get(p) if isinstance(record, dict) else None
            return record if isinstance(record, dict) else None

        def valid(decl):  # a value the declaration accepts
            if any(b.get("type") == "null" for b in decl.get("oneOf", [])):
                return None
            return decl["enum"][0] if "enum" in decl else {"integer": 0, "number": 0.0, "boolean": False}.get(
                decl.get("type"), "")

        fields = [f for f in later() if holder(old, f[0]) is not None]  # fields whose object the old record has
        self.assertTrue(any(f[1] == "syscalls" for f in fields))
        for parent, name, version, decl in fields:
            self.assertNotIn(name, holder(old, parent))
            self.assertEqual(records.problems(old), [])  # an older record without it is read
            new = json.loads(json.dumps(old))
            new["schema"] = f"labyrinth-bench/run/{version}"
            for p, n, v, d in fields:  # the other fields of that version or before are there
                if (p, n) != (parent, name) and v <= version:
                    holder(new, p)[n] = valid(d)
            self.assertEqual(records.problems(new), [f"{'.'.join(parent) or '(record)'}: '{name}' is a required property"])
            holder(new, parent)[name] = valid(decl)
            self.assertEqual(records.problems(new), [])

    def test_an_invalid_or_unknown_record_is_refused_with_file_and_line(self):
        import json
        import tempfile
        good = records.load(REPO / "results" / "reference" / "quick")[0]
        for change, needle in ((lambda r: r.update(schema="labyrinth-bench/run/0"), "labyrinth-bench/run/0"),
                               (lambda r: r["tm_stats"].pop("commits"), "tm_stats: 'commits'"),
                               (lambda r: r.update(status="failed"), "failure")):
            bad = json.loads(json.dumps(good))
            change(bad)
            with tempfile.TemporaryDirectory() as d:
                p = Path(d) / "runs.jsonl"
                p.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
                with self.assertRaises(records.RecordError) as e:
                    records.load(p)
                self.assertIn(f"{p}:2:", str(e.exception))
                self.assertIn(needle, str(e.exception))


class BoundariesTest(unittest.TestCase):
    def test_plots_never_import_the_harness(self):
        for py in sorted((REPO / "plots").glob("*.py")):
            self.assertNotIn("harness", imports(py), py)

    def test_records_import_neither_harness_nor_plots(self):
        for py in sorted((REPO / "records").glob("*.py")):
            self.assertFalse(imports(py) & {"harness", "plots"}, py)

    def test_no_sys_path_changes_in_harness_plots_records(self):
        for part in ("harness", "plots", "records"):
            for py in sorted((REPO / part).glob("*.py")):
                self.assertNotIn("sys.path", py.read_text(), py)

    def test_plot_labels_and_defaults_come_from_the_schema(self):
        from plots import early_release
        for name, label in early_release.PANELS[1:]:
            self.assertTrue(label.startswith(records.stat_label(name)), label)
        for py in sorted((REPO / "plots").glob("*.py")):
            text = py.read_text()
            self.assertNotRegex(text, r'"raw", "direct"', f"{py}: the default shape is retyped")
            self.assertNotRegex(text, r'== "glibc"', f"{py}: the default allocator is retyped")


if __name__ == "__main__":
    unittest.main()

"""harness slurm without a Slurm: the scripts it writes, the merge of shards with a
task missing, resubmission of only the unfinished tasks, and statistics per
machine.  (slurm_real.py runs the same against a real Slurm.)"""
import json
import os
import subprocess

import synthetic
from helpers import FAKE_BIN, PYTHON, REPO, TempDirTest, tiny_suite
from harness import report, slurm, store
from records import machines as per_machine


class ScriptTest(TempDirTest):
    def write_dir(self, *extra):
        suite = self.tmp / "tiny.toml"
        suite.write_text(tiny_suite().source)
        d = self.tmp / "slurm"
        r = self.harness_cli("slurm", suite, "--out", d, "--bin-dir", FAKE_BIN, "--cache-dir",
                             self.tmp / "cache", *extra)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return d, r.stdout

    def test_options_pass_through_to_sbatch(self):
        d, out = self.write_dir("--tasks", 3, "--partition", "big", "--time-per-task", "2:00:00",
                                "--at-once", 2, "--exclusive", "--cpu-bind", "cores", "--sbatch=--mem=4G")
        self.assertIn("submit with", out)
        array = (d / "array.sbatch").read_text()
        for line in ("#SBATCH --array=1-3%2", "#SBATCH --partition=big", "#SBATCH --time=2:00:00",
                     "#SBATCH --exclusive", "#SBATCH --mem=4G", "#SBATCH --cpus-per-task=2",
                     "srun --ntasks=1 --cpu-bind=cores "):
            self.assertIn(line, array)
        self.assertIn('--shard "$task"/3', array)
        self.assertIn("afterany", (d / "submit.sh").read_text())
        self.assertIn("#SBATCH --partition=big", (d / "merge.sbatch").read_text())
        for script in ("array.sbatch", "merge.sbatch", "submit.sh"):
            r = subprocess.run(["bash", "-n", str(d / script)], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, f"{script}: {r.stderr}")
        meta = json.loads((d / "slurm.json").read_text())
        self.assertEqual((meta["tasks"], meta["runs"]), (3, len(tiny_suite().runs())))

    def test_never_more_tasks_than_configurations(self):
        d, _ = self.write_dir("--tasks", 50)
        self.assertIn(f"#SBATCH --array=1-{len(tiny_suite().configs)}\n", (d / "array.sbatch").read_text())

    def test_refuses_a_bin_dir_without_labyrinth(self):
        r = self.harness_cli("slurm", "quick", "--out", self.tmp / "s", "--bin-dir", self.tmp)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no labyrinth", r.stderr)
        self.assertFalse((self.tmp / "s").exists())

    def test_array_spec(self):
        self.assertEqual(slurm.array_spec([1, 2, 3, 5, 7, 8], 4), "1-3,5,7-8%4")
        self.assertEqual(slurm.array_spec([2], None), "2")

    def test_refuses_a_directory_of_another_suite(self):
        d, _ = self.write_dir("--tasks", 3)
        other = self.tmp / "other.toml"
        other.write_text(tiny_suite(reps=5).source)
        r = self.harness_cli("slurm", other, "--out", d, "--bin-dir", FAKE_BIN)
        self.assertEqual(r.returncode, 2)
        self.assertIn("another suite", r.stderr)

    def test_merge_marks_what_a_task_did_not_record_and_resubmits_only_it(self):
        d, _ = self.write_dir("--tasks", 3)
        s = tiny_suite()
        for k in (1, 3):  # task 2 never ran (as if its node died)
            self.assertEqual(self.run_quiet(s, d / "shards" / str(k), shard=(k, 3)), 0)
        logged = []
        self.assertEqual(slurm.merge(d, log=logged.append), 1)
        recs = store.read_records(d / "merged")
        self.assertEqual(sorted(r["harness"]["run_id"] for r in recs), sorted(r.run_id for r in s.runs()))
        missing = [r for r in recs if r["status"] != "ok"]
        self.assertEqual(sorted(r["harness"]["run_id"] for r in missing),
                         sorted(r.run_id for r in s.runs((2, 3))))
        self.assertTrue(all(r["failure"]["reason"] == "missing" and "task 2 of 3" in r["failure"]["message"]
                            for r in missing))
        text = "\n".join(logged)
        self.assertIn("FAILED RUNS", text)
        r = self.harness_cli("summary", d / "merged")  # reads through the schema: the made-up records pass
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(f"missing x{len(s.runs((2, 3)))} runs", r.stdout)
        self.assertIn("resubmit", text)
        self.assertFalse(json.loads((d / "merged" / "manifest.json").read_text())["complete"])
        rows = report.summary_rows(recs)
        shard2 = {r.config.key for r in s.runs((2, 3))}
        self.assertTrue(all(int(row["runs_failed"]) == 3 and row["runs_ok"] == 0
                            for row in rows if row["config"] in shard2))
        # the same command again writes an array of task 2 only
        r = self.harness_cli("slurm", "--out", d)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("#SBATCH --array=2\n", (d / "array.sbatch").read_text())


    def test_merge_of_two_machines_splits_summary_and_figures(self):
        d, _ = self.write_dir("--tasks", 2)
        s = tiny_suite()
        for k in (1, 2):
            shard = d / "shards" / str(k)
            self.assertEqual(self.run_quiet(s, shard, shard=(k, 2)), 0)
            if k == 2:  # as if task 2 ran on another kind of node
                recs = store.read_records(shard)
                for r in recs:
                    r["harness"]["node"].update(name="big1", cpu="Big CPU", cores=64)
                store.write_atomic(shard / store.RUNS, "".join(json.dumps(r) + "\n" for r in recs))
        r = self.harness_cli("slurm-merge", d, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("MACHINES DIFFER", r.stdout)
        self.assertIn("Big CPU, 64 cores: nodes big1", r.stdout)
        subs = sorted((d / "merged" / "by-machine").iterdir())
        self.assertEqual(len(subs), 2)
        self.assertEqual(sum(len(store.read_records(x)) for x in subs), len(s.runs()))
        # task 1 has seq and the 1-thread runs: enough for a runtimes figure of its machine
        (task1,) = [x for x in subs if not x.name.startswith("Big-CPU")]
        self.assertTrue(list((task1 / "figures").glob("*.png")), r.stdout)
        self.assertFalse((d / "merged" / "figures").exists())  # no figure pools the two


class PerMachineTest(TempDirTest):
    @staticmethod
    def on(records, cpu, cores, name):
        for r in records:
            r["harness"]["node"] = {"name": name, "cpu": cpu, "cores": cores}
        return records

    def test_one_machine_keeps_the_plain_summary(self):
        recs = self.on(synthetic.runs([1.0, 1.1, 1.2]), "EPYC", 2, "n1") + \
            self.on(synthetic.runs([1.0, 1.3]), "EPYC", 2, "n2")  # two identical nodes pool
        rows = report.summary_rows(recs)
        self.assertEqual(len(rows), 1)
        self.assertNotIn("machine", rows[0])
        self.assertEqual(rows[0]["runs_ok"], 5)

    def test_two_machines_are_never_pooled(self):
        recs = self.on(synthetic.runs([1.0, 1.1, 1.2]), "EPYC", 2, "a1") + \
            self.on(synthetic.runs([2.0, 2.2]), "Xeon", 64, "b1")
        rows = report.summary_rows(recs)
        self.assertEqual([(r["machine"], r["runs_ok"], r["median_s"]) for r in rows],
                         [("EPYC, 2 cores", 3, 1.1), ("Xeon, 64 cores", 2, 2.1)])
        text = report.text_summary(recs)
        self.assertIn("MACHINES DIFFER", text)
        self.assertIn("Xeon, 64 cores: nodes b1", text)
        report.write_summaries(self.tmp, recs, "s")
        self.assertIn("machine,config", (self.tmp / "summary.csv").read_text().splitlines()[0])
        self.assertIn("s on Xeon, 64 cores", (self.tmp / "headline.md").read_text())

    def test_records_without_a_machine_join_the_only_one(self):
        plain = synthetic.runs([1.0])
        for r in plain:
            r.pop("machine", None)  # as records written before either said where they ran
        self.assertEqual(list(per_machine.split(plain + self.on(synthetic.runs([1.0]), "EPYC", 2, "n"))), [None])
        two = self.on(synthetic.runs([1.0]), "EPYC", 2, "n") + self.on(synthetic.runs([1.0]), "Xeon", 8, "m")
        self.assertIn("unknown machine", per_machine.split(two + plain))

    def test_figures_of_a_mixed_directory_are_drawn_per_machine(self):
        # not only slurm-merge: any directory whose runs come from two CPU models
        d = self.tmp / "mixed"
        d.mkdir()
        recs = []
        for cpu, cores, name, scale in (("EPYC", 2, "n", 1.0), ("Xeon", 64, "m", 2.0)):
            recs += self.on(synthetic.runs([scale] * 3, tm="seq") +
                            synthetic.runs([scale] * 3, tm="stm") +
                            synthetic.runs([scale / 2] * 3, tm="stm", threads=2), cpu, cores, name)
        store.write_atomic(d / store.RUNS, "".join(json.dumps(r) + "\n" for r in recs))
        p = subprocess.run([PYTHON, "-m", "plots", d], capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, PYTHONPATH=str(REPO)))
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("runs from 2 machines (EPYC, 2 cores; Xeon, 64 cores)", p.stderr)
        self.assertFalse((d / "figures").exists())
        r = self.harness_cli("figures", d, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        subs = sorted((d / "by-machine").iterdir())
        self.assertEqual([x.name for x in subs], ["EPYC-2-cores", "Xeon-64-cores"])
        for x in subs:
            self.assertEqual(len(store.read_records(x)), 9)
            self.assertTrue(list((x / "figures").glob("runtimes-*.svg")), r.stdout)
        self.assertFalse((d / "figures").exists())  # no figure pools the two

    def test_compare_refuses_a_side_that_mixes_machines(self):
        a, b = self.tmp / "a", self.tmp / "b"
        for d, recs in ((a, self.on(synthetic.runs([1.0, 1.1]), "EPYC", 2, "n") +
                         self.on(synthetic.runs([2.0, 2.1]), "Xeon", 8, "m")),
                        (b, self.on(synthetic.runs([1.0, 1.1]), "EPYC", 2, "n"))):
            d.mkdir()
            store.write_atomic(d / store.RUNS, "".join(json.dumps(r) + "\n" for r in recs))
        for flags in ([], ["--allow-machine-mismatch"]):  # never pooled, even when BASE and NEW may differ
            r = self.harness_cli("compare", a, b, *flags)
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertIn("runs from 2 machines", r.stderr)
        r = self.harness_cli("compare", b, b)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = self.harness_cli("history", "add", a, "--file", self.tmp / "h.jsonl")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("runs from 2 machines", r.stderr)
        self.assertFalse((self.tmp / "h.jsonl").exists())

"""/usr/bin/python3 -m plots RESULT_DIR... : (re)render the figures of result directories."""
import argparse
import sys
from pathlib import Path

from . import MixedMachines, render_dir


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="plots", description=__doc__)
    p.add_argument("dirs", type=Path, nargs="+", help="result directories (with runs.jsonl)")
    p.add_argument("--out", type=Path, help="output directory (default DIR/figures; one DIR only)")
    p.add_argument("--history", type=Path, help="a nightly history file to plot as well")
    a = p.parse_args(argv)
    if a.out and len(a.dirs) > 1:
        p.error("--out takes one result directory")
    for d in a.dirs:
        if not (d / "runs.jsonl").exists():
            print(f"plots: {d} has no runs.jsonl", file=sys.stderr)
            return 2
        try:
            for path in render_dir(d, a.out, a.history):
                print(path)
        except MixedMachines as e:
            print(f"plots: {e}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

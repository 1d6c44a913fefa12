"""/usr/bin/python3 -m records validate PATH... : check result files against the schema.
/usr/bin/python3 -m records stats : the TM statistics the schema declares (a Markdown table)."""
import argparse
import sys
from pathlib import Path

from . import TM_STATS, RecordError, load


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="records", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="validate result directories or JSON-lines files")
    v.add_argument("paths", type=Path, nargs="+")
    sub.add_parser("stats", help="print the declared TM statistics")
    a = p.parse_args(argv)
    if a.command == "stats":
        print("| statistic | unit | meaning |\n|---|---|---|")
        for name, s in TM_STATS.items():
            print(f"| `{name}` | {s['x-unit']} | {s['description']} |")
        return 0
    status = 0
    for path in a.paths:
        if not path.exists():
            print(f"records: {path}: no such file or directory", file=sys.stderr)
            status = 2
            continue
        try:
            n = len(load(path))
        except RecordError as e:
            print(f"records: {e}", file=sys.stderr)
            status = 1
            continue
        print(f"{path}: {n} records valid")
    return status


if __name__ == "__main__":
    sys.exit(main())

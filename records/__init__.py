"""labyrinth-bench records: reading result files against the declared schema.

The one place the harness and the plots learn what a record is
(schema/run.schema.json): its version, the run axes and their defaults, the
configuration key and grouping, the TM statistics with their meaning and unit,
failure reasons and exit statuses.  It reads files only; it imports neither
the harness nor the plots (../shared/DESIGN.md).

    /usr/bin/python3 -m records validate DIR_OR_FILE...
"""
from . import machines
from .config import Config, config_of, default_of, is_default_shape, record_fields
from .group import METRIC, Group, group, is_ok, is_warmup, median_of, tm_stat
from .load import RUNS, RecordError, load, read_jsonl
from .schema import (ACCEPTED, AXES, AXIS, DEFAULT_SHAPE, EXIT_STATUSES, FAILURE_REASONS, MEASURES, SCHEMA, SCHEMA_FILE,
                     TM_STATS, VERSION, exit_status, measure, paths, problems, reason_for_exit, stat_label)

__all__ = ["machines", "Config", "config_of", "default_of", "is_default_shape", "record_fields", "METRIC", "Group", "group",
           "is_ok", "is_warmup", "median_of", "tm_stat", "RUNS", "RecordError", "load", "read_jsonl", "ACCEPTED",
           "AXES", "AXIS", "DEFAULT_SHAPE", "EXIT_STATUSES", "FAILURE_REASONS", "MEASURES", "SCHEMA", "SCHEMA_FILE", "TM_STATS",
           "VERSION", "exit_status", "measure", "paths", "problems", "reason_for_exit", "stat_label"]

// The result record of one run (labyrinth/RECORD.md explains it; the schema
// is schema/run.schema.json): built from the configuration as given, the
// run's result and the environment gathered once.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "labyrinth/environment.hpp"
#include "labyrinth/run.hpp"
#include "labyrinth/run_config.hpp"
#include "schema/run_schema.hpp"  // generated from schema/run.schema.json

namespace lb {

inline constexpr const char* kRecordSchema = LB_RECORD_SCHEMA;  // schema/run.schema.json, x-version

nlohmann::json make_record(const RunConfig& config, const RunResult& result, const Environment& environment);

std::string sha256_file_hex(const std::string& path);

}  // namespace lb

// The one error path of a run: library code throws RunError, which carries a
// failure reason from the schema (x-failure-reasons): the reader's InputError
// is one (reason input), as are the refusals of the outputs (output_file.hpp),
// the footprint check and allocpage's private memory.  lb::run turns it, and
// the standard exceptions of the layers below, which know nothing of
// Labyrinth (tm/: std::invalid_argument for a configuration a runtime
// refuses, std::bad_alloc), into the RunResult's failure.  Only main (and the
// harness) turn reasons into exit statuses and messages
// (schema/run.schema.json, x-exit-statuses).
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

#include "schema/run_axes.hpp"  // generated: LB_FAILURE_REASONS

namespace lb {

enum class FailureReason {
#define LB_FAILURE_ENUM(id, name, status) id,
  LB_FAILURE_REASONS(LB_FAILURE_ENUM)
#undef LB_FAILURE_ENUM
};

// The reason's name in the record ("allocator-mismatch").
constexpr const char* to_string(FailureReason r) {
  switch (r) {
#define LB_FAILURE_NAME(id, name, status) \
  case FailureReason::id: return name;
    LB_FAILURE_REASONS(LB_FAILURE_NAME)
#undef LB_FAILURE_NAME
  }
  return "?";
}

// labyrinth's exit status for the reason.
constexpr int exit_status(FailureReason r) {
  switch (r) {
#define LB_FAILURE_STATUS(id, name, status) \
  case FailureReason::id: return status;
    LB_FAILURE_REASONS(LB_FAILURE_STATUS)
#undef LB_FAILURE_STATUS
  }
  return 1;
}

// Why a run failed: the reason, the message, and lines that say more
// (a verifier's problems), each printed on its own line by main.
struct RunFailure {
  FailureReason reason = FailureReason::kRuntime;
  std::string message;
  std::vector<std::string> details;
};

class RunError : public std::runtime_error {
 public:
  RunError(FailureReason reason, const std::string& message, std::vector<std::string> details = {})
      : std::runtime_error(message), reason_(reason), details_(std::move(details)) {}
  FailureReason reason() const { return reason_; }
  RunFailure failure() const { return {reason_, what(), details_}; }

 private:
  FailureReason reason_;
  std::vector<std::string> details_;
};

}  // namespace lb

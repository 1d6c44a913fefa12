// labyrinth's command line: STAMP's options (-b -i -p -t -x -y -z) plus long
// options for the TM runtime, the transactional shape, the memory and the
// outputs, turned into a RunConfig.  The axes' options come from the schema
// through for_each_axis (run_config.hpp); the rest are here.
#pragma once
#include <optional>

#include "labyrinth/run_config.hpp"

namespace lb {

struct CommandLine {
  RunConfig config;
  std::optional<int> exit_status;  // set: stop now with it (--help, --list-allocators, a usage error, said on stderr)
};

CommandLine parse_command_line(int argc, char** argv);

}  // namespace lb

// How labyrinth writes what --json and --paths name.  One place, because the
// way a file is written decides what a run can damage.
//
//  - A regular file or a new path: the text goes to a temporary file in the
//    same directory (.NAME.XXXXXX.tmp), is flushed to disk, and is renamed
//    over the path: readers see the old file or the new one, never half of
//    one; on any failure the temporary file is removed.
//  - A symbolic link is followed: what is written (as above) is the file it
//    points to, and the link stays a link.  A dangling link is refused.
//  - A character device (/dev/null, a terminal) or a FIFO is written in
//    place, never replaced; a FIFO with no reader is an error, not a hang.
//  - Anything else (a directory, a block device, a socket) is refused.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "labyrinth/run_error.hpp"

namespace lb {

// Writes `text` to `path` as above; throws RunError (reason runtime, the
// message naming the path and the problem) when it cannot.
void write_output(const std::string& path, const std::string& text);

// Checked before any routing: each output (option name, path; empty paths
// and "-" skipped) must be writable as above, must not be the input, and
// must not be another output (the same file through any name or link).
// Throws RunError (reason usage) naming the first problem.
void check_outputs(const std::string& input, const std::vector<std::pair<std::string, std::string>>& outputs);

}  // namespace lb

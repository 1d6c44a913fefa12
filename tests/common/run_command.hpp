// Runs a command through the shell for tests that drive a real binary:
// its standard output (redirect stderr in the command where wanted) and its
// exit status, 128 + the signal's number when a signal ended it.
#pragma once
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace lb_test {

struct CommandResult {
  int status = -1;
  std::string output;
};

inline CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return r;
}

}  // namespace lb_test

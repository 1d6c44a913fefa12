// The git revision the binary was built from (generated at build time).
#pragma once
namespace lb {
extern const char* const kGitRevision;
}

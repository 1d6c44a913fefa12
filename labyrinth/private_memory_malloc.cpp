// Private memory from malloc.  Its predicate checks the few live blocks of
// one worker (grid, queue, traceback buffer): a handful of comparisons.
#include <algorithm>
#include <cstdlib>
#include <new>
#include <vector>

#include "labyrinth/private_memory.hpp"

namespace lb {
namespace {

class MallocPrivateMemory final : public PrivateMemory {
 public:
  ~MallocPrivateMemory() override {
    for (const Block& b : blocks_) std::free(b.begin);  // what a failed run left
  }

 protected:
  void* do_allocate(size_t bytes) override {
    size_t rounded = (std::max<size_t>(bytes, 1) + 63) / 64 * 64;
    blocks_.reserve(blocks_.size() + 1);  // so that recording the block cannot throw and leak it
    void* p = std::aligned_alloc(64, rounded);
    if (p == nullptr) throw std::bad_alloc();
    blocks_.push_back({static_cast<char*>(p), static_cast<char*>(p) + bytes});
    return p;
  }
  bool do_deallocate(void* p, size_t, std::string* why) noexcept override {
    auto it = std::find_if(blocks_.begin(), blocks_.end(), [&](const Block& b) { return b.begin == p; });
    if (it == blocks_.end()) {  // not ours, or freed already: free() would corrupt the heap
      *why = "not a live block of this worker's memory";
      return false;
    }
    blocks_.erase(it);
    std::free(p);
    return true;
  }

 public:
  lbtm::PrivatePredicate predicate() const override { return {&contains, this}; }

 private:
  struct Block {
    char* begin;
    char* end;
  };
  static bool contains(const void* addr, const void* self) {
    const char* a = static_cast<const char*>(addr);
    for (const Block& b : static_cast<const MallocPrivateMemory*>(self)->blocks_)
      if (a >= b.begin && a < b.end) return true;
    return false;
  }
  std::vector<Block> blocks_;
};

}  // namespace

PrivateMemorySource malloc_private_memory() {
  PrivateMemorySource s;
  s.name = "malloc";
  s.make = [] { return std::make_unique<MallocPrivateMemory>(); };
  return s;
}

}  // namespace lb

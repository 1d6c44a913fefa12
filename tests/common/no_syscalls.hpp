// Proving that code makes no system call: a forked child sets itself up,
// installs a seccomp filter that kills it on any system call but exit_group,
// runs the code and exits with a raw exit_group(0).  Surviving means the code
// never entered the kernel (so it could not block or sleep there either).
// Callers run a control too: something that does make a call must die of
// SIGSYS under the same filter.  x86-64 only (the filter checks the arch).
#pragma once
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <new>

namespace lb_test {

// In the calling process, for good: any system call but exit_group kills it.
inline void forbid_system_calls() {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_exit_group, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
    _exit(90);
}

// Forks; the child runs setup() (system calls allowed; it may _exit with a
// status of its own when something is wrong), then body() under the filter,
// then exit_group(0) (raw: no atexit handlers, no sanitizer hooks).  Returns
// the child's wait status.  Results go back through memory shared before the fork.
template <class Setup, class Body>
int in_child_without_syscalls(Setup setup, Body body) {
  pid_t pid = fork();
  if (pid == 0) {
    setup();
    forbid_system_calls();
    body();
    syscall(SYS_exit_group, 0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

// One T that a forked child writes and its parent reads: a shared mapping
// made before the fork.
template <class T>
class SharedWithChild {
 public:
  SharedWithChild() {
    void* m = mmap(nullptr, sizeof(T), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) throw std::bad_alloc();
    p_ = new (m) T;
  }
  ~SharedWithChild() { munmap(p_, sizeof(T)); }
  SharedWithChild(const SharedWithChild&) = delete;
  SharedWithChild& operator=(const SharedWithChild&) = delete;
  T* get() const { return p_; }

 private:
  T* p_;
};

}  // namespace lb_test

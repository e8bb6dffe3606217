// EtModel::probe: an untrusted program is first loaded and run once in kdo_pte_probe, a child
// process, because ExecuTorch does not verify a delegate's payload and one flipped bit there
// can segfault XNNPACK. Only a program the child survived is loaded in process. posix_spawn,
// not fork: the caller may be a JVM or hold the runtime's thread pool.
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <string>
#include <thread>

#include "et_model.hpp"

extern char** environ;

namespace kdo {
namespace {

constexpr auto kProbeDeadline = std::chrono::seconds(60);

// kdo_pte_probe sits beside the executable or library this code was linked into.
std::string probe_path() {
  Dl_info info{};
  std::string self;
  if (dladdr(reinterpret_cast<void*>(&probe_path), &info) != 0 && info.dli_fname != nullptr &&
      std::string(info.dli_fname).find('/') != std::string::npos) {
    self = info.dli_fname;
  } else {
    char exe[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) throw std::runtime_error("cannot locate the load probe kdo_pte_probe");
    self.assign(exe, static_cast<size_t>(n));
  }
  return self.substr(0, self.find_last_of('/') + 1) + "kdo_pte_probe";
}

int wait_with_deadline(pid_t pid, const std::string& path) {
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + kProbeDeadline;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      throw ProgramRefused(path + ": not a loadable program (loading it did not finish in 60 s)");
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return status;
}

}  // namespace

void EtModel::probe(const std::string& pte_path) {
  const std::string exe = probe_path();
  if (access(exe.c_str(), X_OK) != 0) throw std::runtime_error(exe + ": the load probe is missing");
  char* argv[] = {const_cast<char*>(exe.c_str()), const_cast<char*>(pte_path.c_str()), nullptr};
  // The probe's own error lines would repeat what the in-process load reports.
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&quiet, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, exe.c_str(), &quiet, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&quiet);
  if (spawned != 0) throw std::runtime_error(exe + ": cannot start the load probe");
  const int status = wait_with_deadline(pid, pte_path);
  if (WIFSIGNALED(status)) {
    throw ProgramRefused(pte_path + ": not a loadable program (the runtime crashed on it: signal " +
                         std::to_string(WTERMSIG(status)) + ")");
  }
  // A clean refusal (exit 3) is reported by the in-process load, with the runtime's own message.
}

}  // namespace kdo

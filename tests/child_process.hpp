// The real mdgpu binary (or any program) as a child process: started in a folder with stdout and
// stderr to files, signalled, and waited for with a time limit, so that a test survives a hang.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace mdgpu::testing {

class ChildProcess {
public:
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
               const std::filesystem::path& out, const std::filesystem::path& err) {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {  // only async-signal-safe calls until exec
      const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (o < 0 || e < 0 || ::chdir(cwd.c_str()) != 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0) ::_exit(127);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ~ChildProcess() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  void signal(int signal_number) const { ::kill(pid_, signal_number); }
  bool running() const { return pid_ > 0 && !status_; }

  // The wait status (WIFEXITED, WEXITSTATUS, WIFSIGNALED, ...) once the process ended within
  // `limit`; nullopt when it is still running then.
  std::optional<int> wait(std::chrono::duration<double> limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!status_) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) status_ = status;
      else if (std::chrono::steady_clock::now() > end) break;
      else std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return status_;
  }

private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

}  // namespace mdgpu::testing

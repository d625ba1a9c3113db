// Typed exceptions. Library code throws; app/main.cpp maps them to one line and an exit code:
// InputError -> 2 (the user's input is wrong), anything else -> 1 (runtime failure).
#pragma once

#include <stdexcept>
#include <string>

namespace mdgpu {

// A failure during a run that is not the input's fault (numerical blow-up, I/O failure, ...).
class RuntimeFailure : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Bad input. `where` names the file, key, line or atom ("in.toml:12: stage[1].timestep_fs").
class InputError : public std::runtime_error {
public:
  InputError(const std::string& where, const std::string& what)
      : std::runtime_error(where.empty() ? what : where + ": " + what), where_(where) {}
  const std::string& where() const { return where_; }

private:
  std::string where_;
};

}  // namespace mdgpu

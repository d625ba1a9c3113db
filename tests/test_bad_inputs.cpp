// The bad-input corpus (tests/bad_inputs/README.md): every case through the real binary must end
// with exit code 2 and exactly one line on stderr naming what is wrong and where, within a time
// limit, without a crash, and without creating, changing or removing any file; `--dry-run` must
// refuse it with the very same line.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "tests/child_process.hpp"
#include "tests/temp_dir.hpp"

namespace mdgpu {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::slurp;

fs::path corpus() { return fs::path(MDGPU_SOURCE_DIR) / "tests/bad_inputs"; }

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(corpus()))
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Every file below `dir` with its content.
std::map<std::string, std::string> contents(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    out[fs::relative(entry.path(), dir).string()] = entry.is_regular_file() ? slurp(entry.path()) : "<dir>";
  return out;
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The case's "# expect: ..." fragments, "# args: ..." words, and the files that git cannot hold:
// "# mkfifo: NAME", "# symlink: LINK TARGET", from the head of its in.toml.
struct Header {
  std::vector<std::string> expect, args, fifos;
  std::vector<std::vector<std::string>> symlinks;
};

Header header(const std::string& toml) {
  Header h;
  std::istringstream in(toml);
  for (std::string line; std::getline(in, line) && line.rfind("# ", 0) == 0;) {
    if (line.rfind("# expect: ", 0) == 0) h.expect.push_back(line.substr(10));
    if (line.rfind("# args: ", 0) == 0) h.args = words(line.substr(8));
    if (line.rfind("# mkfifo: ", 0) == 0) h.fifos.push_back(line.substr(10));
    if (line.rfind("# symlink: ", 0) == 0) h.symlinks.push_back(words(line.substr(11)));
  }
  return h;
}

// "@REPEAT:N:TEXT@" stands for TEXT N times: cases with megabyte keys or 10^5-deep tables.
std::string expand_repeats(std::string toml) {
  for (std::size_t at; (at = toml.find("@REPEAT:")) != std::string::npos;) {
    const std::size_t colon = toml.find(':', at + 8), end = toml.find('@', colon);
    const std::size_t n = std::stoul(toml.substr(at + 8, colon - at - 8));
    std::string text;
    for (std::size_t k = 0; k < n; ++k) text += toml.substr(colon + 1, end - colon - 1);
    toml.replace(at, end + 1 - at, text);
  }
  return toml;
}

class BadInput : public ::testing::TestWithParam<std::string> {};

TEST_P(BadInput, ExitCode2AndOneLineNamingWhatAndWhereAndNoFileTouched) {
  testing::TempDir tmp;
  const fs::path dir = tmp / "case";
  fs::copy(corpus() / GetParam(), dir, fs::copy_options::recursive);
  // Cases that need a file shipped with mdgpu (a real model) name it through @SOURCE@.
  std::string toml = slurp(dir / "in.toml");
  for (std::size_t at; (at = toml.find("@SOURCE@")) != std::string::npos;)
    toml.replace(at, 8, MDGPU_SOURCE_DIR);
  toml = expand_repeats(toml);
  std::ofstream(dir / "in.toml", std::ios::binary) << toml;
  const Header h = header(toml);
  ASSERT_FALSE(h.expect.empty()) << "the case has no '# expect:' line";
  for (const std::string& fifo : h.fifos) ASSERT_EQ(::mkfifo((dir / fifo).c_str(), 0600), 0) << fifo;
  for (const auto& link : h.symlinks) {
    ASSERT_EQ(link.size(), 2u) << "# symlink: LINK TARGET";
    fs::create_symlink(link[1], dir / link[0]);
  }

  const auto before = contents(dir);
  // The dry run refuses what the run refuses, with the same message (both change nothing).
  std::string dry_run_error;
  for (const bool dry_run : {true, false}) {
    SCOPED_TRACE(dry_run ? "mdgpu run --dry-run" : "mdgpu run");
    std::vector<std::string> argv{MDGPU_BINARY, "run"};
    if (dry_run) argv.push_back("--dry-run");
    argv.insert(argv.end(), h.args.begin(), h.args.end());
    // A case whose words name in.toml themselves places it (`--restart in.toml`).
    if (std::find(h.args.begin(), h.args.end(), "in.toml") == h.args.end()) argv.push_back("in.toml");
    testing::ChildProcess p(argv, dir, tmp / "out.txt", tmp / "err.txt");
    const auto status = p.wait(120s);
    ASSERT_TRUE(status) << "no exit within 120 s (hang?)";
    ASSERT_TRUE(WIFEXITED(*status)) << "killed by signal " << WTERMSIG(*status) << "\n" << slurp(tmp / "err.txt");
    const std::string err = slurp(tmp / "err.txt");
    EXPECT_EQ(WEXITSTATUS(*status), 2) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_EQ(err.rfind("mdgpu: ", 0), 0u) << err;
    for (const std::string& fragment : h.expect)
      EXPECT_NE(err.find(fragment), std::string::npos) << "missing '" << fragment << "' in: " << err;
    EXPECT_EQ(contents(dir), before) << "a file was created, changed or removed";
    if (dry_run) dry_run_error = err;
    else EXPECT_EQ(err, dry_run_error) << "the dry run and the run refuse differently";
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInput, ::testing::ValuesIn(case_names()), [](const auto& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
});

}  // namespace
}  // namespace mdgpu

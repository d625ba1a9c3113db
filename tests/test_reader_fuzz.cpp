// Random mutations of valid files through the TOML, extxyz and POSCAR readers, in-process: each
// input is either read or refused with InputError (exit code 2 in mdgpu) — no other exception
// (exit 1), no crash, no hang; the sanitizer build runs the same inputs under ASan/UBSan. The
// generator is seeded, so a failure names an input that can be reproduced.
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <typeinfo>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/errors.hpp"
#include "io/config.hpp"
#include "io/extxyz.hpp"
#include "io/poscar.hpp"
#include "tests/temp_dir.hpp"

namespace mdgpu {
namespace {

constexpr int kInputsPerReader = 100000;

// Tokens that readers treat specially, spliced in whole so that mutations reach past the lexer.
const std::vector<std::string> kTokens = {
    "nan", "inf", "-inf", "1e308", "1e-320", "-0", "0", "-1", "9223372036854775807", "2147483648",
    "\n", "\r\n", " ", "\t", "=", "\"", "'", "[", "]", "{", "}", ",", ".", "#", ":", "T", "F",
    "Lattice=\"", "Properties=", "species:S:1", "pos:R:3", "velo:R:3", "pbc=\"T F T\"", "[[stage]]",
    "[analysis.msd]", "a.b.c", "Direct", "Cartesian", "Selective dynamics", "\xff\xfe", "\x00"};

class Mutator {
public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  std::string operator()(std::string text) {
    const int edits = 1 + static_cast<int>(pick(4));
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = text.empty() ? 0 : pick(text.size());
      switch (pick(6)) {
        case 0: if (!text.empty()) text[at] = static_cast<char>(pick(256)); break;  // flip a byte
        case 1: text.insert(at, kTokens[pick(kTokens.size())]); break;
        case 2: text.erase(at, 1 + pick(16)); break;
        case 3: text.insert(at, text.substr(at, 1 + pick(64))); break;  // repeat a stretch
        case 4: text.resize(at); break;                                  // truncate
        default: {                                                        // swap two lines
          const std::size_t a = text.find('\n', at), b = a == std::string::npos ? a : text.find('\n', a + 1);
          if (b != std::string::npos) std::swap(text[a + 1], text[b - 1 > a ? b - 1 : a + 1]);
        }
      }
    }
    return text;
  }

private:
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  std::mt19937_64 rng_;
};

// Feeds kInputsPerReader mutations of `seeds` to `read`; fails on anything but InputError.
template <class Read>
void fuzz(const std::vector<std::string>& seeds, std::uint64_t seed, Read read) {
  Mutator mutate(seed);
  const auto start = std::chrono::steady_clock::now();
  int refused = 0;
  for (int k = 0; k < kInputsPerReader; ++k) {
    const std::string input = mutate(seeds[static_cast<std::size_t>(k) % seeds.size()]);
    try {
      read(input);
    } catch (const InputError&) {
      ++refused;
    } catch (const std::exception& e) {
      FAIL() << "input " << k << " (seed " << seed << "): " << typeid(e).name() << ": " << e.what()
             << "\n----\n" << input << "\n----";
    }
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Both outcomes must occur, or the mutations missed the reader.
  EXPECT_GT(refused, 0);
  EXPECT_LT(refused, kInputsPerReader);
  std::printf("%d inputs in %.2f s (%.0f per second), %d refused\n", kInputsPerReader, s,
              kInputsPerReader / s, refused);
}

// A file in memory with a path (/proc/self/fd/N): rewriting a file on disk 10^5 times costs
// milliseconds each on some file systems, this costs microseconds.
class MemoryFile {
public:
  MemoryFile() : fd_(::memfd_create("mdgpu-fuzz", 0)) {
    if (fd_ < 0) throw std::runtime_error("memfd_create failed");
  }
  ~MemoryFile() { ::close(fd_); }
  std::filesystem::path path() const { return fmt::format("/proc/self/fd/{}", fd_); }
  void write(const std::string& text) const {
    if (::ftruncate(fd_, 0) != 0 ||
        ::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
      throw std::runtime_error("cannot write the memory file");
  }

private:
  int fd_;
};

const std::string kExtxyz =
    "3\nLattice=\"10 0 0 0 10 0 0 0 10\" Properties=species:S:1:pos:R:3:velo:R:3 pbc=\"T T T\" "
    "energy=-1.5\nAr 0 0 0 0.1 0 0\nAr 3.8 0 0 0 0.1 0\nAr 0 3.8 0 0 0 0.1\n"
    "3\nLattice=\"10 0 0 0 10 0 0 0 10\" Properties=species:S:1:pos:R:3:velo:R:3 pbc=\"T T T\"\n"
    "Ar 0.1 0 0 0.1 0 0\nAr 3.9 0 0 0 0.1 0\nAr 0 3.9 0 0 0 0.1\n";
const std::string kCluster =
    "2\nProperties=species:S:1:pos:R:3\nLi 0 0 0\nO 1.6 0 0\n";
const std::string kPoscar =
    "Li3PO4\n1.0\n5.0 0.0 0.0\n0.0 5.0 0.0\n0.0 0.0 5.0\nLi P O\n1 1 2\nDirect\n"
    "0.0 0.0 0.0\n0.5 0.5 0.5\n0.25 0.25 0.25\n0.75 0.75 0.75\n";
const std::string kPoscarSelective =
    "x\n-125.0\n5.0 0.0 0.0\n1.0 5.0 0.0\n0.0 0.0 5.0\nAr\n2\nSelective dynamics\nCartesian\n"
    "0 0 0 T T F\n2.5 2.5 2.5 T T T\n\n0.1 0 0\n0 0.1 0\n";

const std::string kInput = R"([system]
structure = "s.extxyz"
frame = -1
velocities = { temperature = 300.0, seed = 7 }
masses = { Ar = 40.0 }
[potential]
kind = "lj"
cutoff = 4.9
pairs = [ { species = ["Ar", "Ar"], epsilon = 0.0104, sigma = 3.40, cutoff = 4.5 } ]
[neighbor]
skin = 1.0
[[stage]]
name = "heat"
ensemble = "nvt"
temperature = { start = 100.0, stop = 300.0 }
timestep_fs = 1.0
duration_ps = 0.1
chain_length = 3
[[stage]]
name = "prod"
ensemble = "nvt"
thermostat = "langevin"
temperature = 300.0
timestep_ps = 0.001
steps = 200
[output]
directory = "out"
thermo = { every = 10 }
trajectory = [ { format = "netcdf", every = 20, velocities = true }, { path = "t.xyz" } ]
checkpoint = { every_ps = 0.05 }
[analysis.msd]
stages = ["prod"]
max_lag_ps = 0.05
blocks = 2
slabs = { edges_fractional = [0.0, 0.5, 1.0] }
[analysis.rdf]
r_max = 4.0
bins = 50
[guard]
max_force = 50.0
)";

TEST(ReaderFuzz, TomlInputsAreReadOrRefusedWithInputError) {
  testing::TempDir dir;
  std::ofstream(dir / "s.extxyz") << kExtxyz;
  fuzz({kInput}, 1, [&dir](const std::string& text) { parse_run_plan(text, dir / "in.toml"); });
}

TEST(ReaderFuzz, ExtxyzFilesAreReadOrRefusedWithInputError) {
  const MemoryFile file;
  fuzz({kExtxyz, kCluster}, 2, [&file](const std::string& text) {
    file.write(text);
    read_extxyz(file.path());
    read_extxyz_frame(file.path(), -1);
  });
}

TEST(ReaderFuzz, PoscarFilesAreReadOrRefusedWithInputError) {
  const MemoryFile file;
  fuzz({kPoscar, kPoscarSelective}, 3, [&file](const std::string& text) {
    file.write(text);
    read_poscar(file.path());
  });
}

}  // namespace
}  // namespace mdgpu

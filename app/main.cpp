// mdgpu command line: parses arguments, runs the requested command, and maps errors to one line
// and an exit code (2: bad input, 1: runtime failure).
#include <csignal>
#include <cstdio>
#include <exception>
#include <new>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/analyze_command.hpp"
#include "app/eval_command.hpp"
#include "app/omp_wait_policy.hpp"
#include "app/one_line.hpp"
#include "app/usage_error.hpp"
#include "core/errors.hpp"
#include "app/runner.hpp"
#include "engine/stop_request.hpp"
#include "io/analysis_kinds.hpp"
#include "io/config.hpp"
#include "io/input_files.hpp"

namespace {

constexpr const char* kUsage = R"(mdgpu — GPU molecular dynamics for equivariant machine-learned potentials

usage:
  mdgpu run [options] INPUT.toml    run every stage of the input file
  mdgpu eval --model M [options] FRAMES
                                    energies, forces and stress of a model on structure frames
  mdgpu analyze {analyses} TRAJECTORY [key=value ...] [options]
                                    analyse a saved trajectory (keys: [analysis.*]): extxyz,
                                    AMBER NetCDF or LAMMPS dump, plain or gzip-compressed
  mdgpu analyze arrhenius DIR|FILE ... [key=value ...]
                                    Arrhenius fit of MSD results at several temperatures
  mdgpu --version                   print the version
  mdgpu --help                      print this help

run options:
  --dry-run            check everything the run checks at start-up (input, structure, model,
                       checkpoint, outputs, memory) and print the plan; run and write nothing
  --backend NAME       override [run] backend: auto, cpu or cuda
  --overwrite          allow replacing existing output files
  --restart CHECKPOINT continue the run saved in CHECKPOINT (same input file), appending to its
                       outputs; the continuation is bitwise the same as an uninterrupted run
  -q, --quiet          no progress lines

SIGINT (Ctrl-C) or SIGTERM: the current step is finished, a checkpoint written, the outputs
closed, and mdgpu exits with 128 + the signal number (130, 143); a second signal kills at once.

{eval}
analyze options:
  --overwrite          allow replacing existing result files
  --frame-interval-ps DT   time between frames, for files whose frames carry no time
  --types A,B,...      species of LAMMPS atom types 1, 2, ... (dumps without an element column)

Units are LAMMPS "metal": Å, eV, ps, amu, K, bar. The input keys are documented in docs/input.md,
the analyses and their methods in docs/analysis.md.
Exit codes: 0 success, 1 runtime failure (including an unstable run), 2 bad input or usage,
130 / 143 stopped by SIGINT / SIGTERM with a checkpoint written.
)";

using mdgpu::app::UsageError;

// "msd|rdf|...": the analyses `mdgpu analyze` runs on a trajectory (io/analysis_kinds.hpp).
std::string trajectory_analyses() {
  std::vector<std::string_view> names;
  for (const mdgpu::AnalysisKind& kind : mdgpu::analysis_kinds()) names.push_back(kind.name);
  return fmt::format("{}", fmt::join(names, "|"));
}

// SIGINT / SIGTERM ask the run to stop after its step (engine/stop_request.hpp); SA_RESETHAND
// restores the default action, so a second signal ends mdgpu at once.
void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = [](int signal_number) { mdgpu::request_stop(signal_number); };
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  for (int signal_number : {SIGINT, SIGTERM}) sigaction(signal_number, &action, nullptr);
}

int run_command(const std::vector<std::string>& args) {
  bool dry_run = false, quiet = false, overwrite = false;
  std::string backend, input, restart;
  for (std::size_t k = 0; k < args.size(); ++k) {
    const std::string& a = args[k];
    if (a == "--dry-run") dry_run = true;
    else if (a == "--overwrite") overwrite = true;
    else if (a == "-q" || a == "--quiet") quiet = true;
    else if (a == "--backend") {
      if (k + 1 >= args.size() || args[k + 1].empty() || args[k + 1][0] == '-')
        throw UsageError("--backend needs a value (auto, cpu or cuda)");
      backend = args[++k];
    } else if (a == "--restart") {
      // `--restart in.toml` with the checkpoint forgotten would take the input for it.
      if (k + 1 >= args.size() || args[k + 1].empty() || args[k + 1][0] == '-' ||
          (k + 2 >= args.size() && input.empty()))
        throw UsageError("--restart needs a checkpoint file: mdgpu run --restart CHECKPOINT INPUT.toml");
      restart = args[++k];
    } else if (!a.empty() && a[0] == '-') throw UsageError("unknown option '" + a + "' for 'mdgpu run'");
    else if (input.empty()) input = a;
    else throw UsageError("'mdgpu run' takes one input file, got '" + input + "' and '" + a + "'");
  }
  if (input.empty()) throw UsageError("'mdgpu run' needs an input file: mdgpu run INPUT.toml");

  mdgpu::RunPlan plan = mdgpu::load_run_plan(input);
  if (!backend.empty()) plan.backend = backend;
  if (overwrite) plan.overwrite = true;
  if (!restart.empty()) {
    mdgpu::check_regular_file(restart, "--restart", "checkpoint file");
    plan.restart = restart;
  }
  if (dry_run) {
    mdgpu::PreparedRun(plan, [](const std::string&) {}, mdgpu::PreparedRun::Purpose::Check);
    fmt::print("{}", mdgpu::describe_plan(plan));
    fmt::print("input is valid (dry run: nothing was run)\n");
    return 0;
  }
  if (quiet) plan.progress_interval = 0.0;
  install_stop_handlers();
  const mdgpu::RunSummary summary = mdgpu::execute(plan, [quiet](const std::string& line) {
    if (!quiet) {
      fmt::print("{}\n", line);
      std::fflush(stdout);
    }
  });
  if (summary.outcome == mdgpu::RunOutcome::Completed) return 0;
  const int signal_number = mdgpu::stop_requested();
  fmt::print(stderr,
             "mdgpu: stopped by {} at step {}; checkpoint written to {}; continue with: mdgpu run "
             "{} --restart {}\n",
             signal_number == SIGINT ? "SIGINT" : "SIGTERM", summary.step,
             plan.checkpoint.path.string(), input, plan.checkpoint.path.string());
  return 128 + signal_number;
}

}  // namespace

int main(int argc, char** argv) {
  mdgpu::app::default_to_passive_omp_waiting(argv);
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
      fmt::print("{}", fmt::format(kUsage, fmt::arg("eval", mdgpu::app::kEvalUsage),
                                   fmt::arg("analyses", trajectory_analyses())));
      return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
      fmt::print("mdgpu {}\n", MDGPU_VERSION);
      return 0;
    }
    if (args[0] == "run") return run_command({args.begin() + 1, args.end()});
    if (args[0] == "eval") return mdgpu::app::eval_command({args.begin() + 1, args.end()});
    if (args[0] == "analyze") {
      mdgpu::analyze_command(
          {args.begin() + 1, args.end()}, [](const std::string& line) { fmt::print("{}\n", line); },
          [](const std::string& line) { fmt::print(stderr, "mdgpu: {}\n", line); });
      return 0;
    }
    throw UsageError("unknown command '" + args[0] + "' (try 'mdgpu --help')");
  } catch (const UsageError& e) {
    fmt::print(stderr, "mdgpu: {}\n", mdgpu::app::one_line(e.what()));
    return 2;
  } catch (const mdgpu::InputError& e) {
    fmt::print(stderr, "mdgpu: error: {}\n", mdgpu::app::one_line(e.what()));
    return 2;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "mdgpu: failed: out of memory (a larger system or run than this machine "
                       "holds)\n");
    return 1;
  } catch (const std::filesystem::filesystem_error& e) {
    fmt::print(stderr, "mdgpu: failed: {}: {}\n",
               mdgpu::app::one_line(e.path1().empty() ? std::string("filesystem") : e.path1().string()),
               e.code().message());
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "mdgpu: failed: {}\n", mdgpu::app::one_line(e.what()));
    return 1;
  }
}

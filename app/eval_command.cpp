#include "app/eval_command.hpp"

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/committee_calibration.hpp"
#include "app/evaluation.hpp"
#include "app/usage_error.hpp"
#include "core/errors.hpp"
#include "io/input_files.hpp"
#include "io/structure.hpp"
#include "model/nequip_model.hpp"

namespace mdgpu::app {

const char* const kEvalUsage = R"(eval options (mdgpu eval --model MODEL.h5 [options] FRAMES):
  --model FILE         mdgpu model file (convert nequip models with tools/export_nequip.py);
                       given several times, a committee: predictions are the members' mean,
                       with each atom's force deviation σ across members (docs/committee.md)
  --precision P        float32 (default) or float64 network precision
  --backend NAME       auto, cpu or cuda (default auto)
  -o, --output FILE    write predictions (and the frames' labels as ref_*) as extended XYZ
  --overwrite          allow replacing the output file
FRAMES is an extended XYZ file (every frame) or a POSCAR/CONTCAR. Frames with labels (energy,
forces, stress or virial) get MAE/RMSE tables; plot them with tools/plot_parity.py OUTPUT. With a
committee and force labels, a calibration table of σ against the true force error (plot:
tools/plot_committee.py OUTPUT).
)";

namespace {

std::vector<Frame> load_frames(const std::filesystem::path& path) {
  const auto ext = path.extension().string();
  if (ext == ".xyz" || ext == ".extxyz") return read_extxyz(path);
  Frame f;
  f.system = read_structure(path);
  f.where = path.string();
  return {std::move(f)};
}

std::vector<double> flat(const Vec3Array& v) {
  std::vector<double> out;
  for (std::size_t i = 0; i < v.size(); ++i) out.insert(out.end(), {v.x[i], v.y[i], v.z[i]});
  return out;
}

std::string matrix_text(const Mat3& m) {
  return fmt::format("{} {} {} {} {} {} {} {} {}", m[0][0], m[0][1], m[0][2], m[1][0], m[1][1], m[1][2],
                     m[2][0], m[2][1], m[2][2]);
}

}  // namespace

int eval_command(const std::vector<std::string>& args) {
  std::vector<std::string> model_files;
  std::string precision = "float32", backend_name = "auto", output, input;
  bool overwrite = false;
  for (std::size_t k = 0; k < args.size(); ++k) {
    const std::string& a = args[k];
    auto value = [&](const char* what) {
      if (k + 1 >= args.size()) throw UsageError(a + " needs " + what);
      return args[++k];
    };
    if (a == "--model") model_files.push_back(value("a model file"));
    else if (a == "--precision") precision = value("float32 or float64");
    else if (a == "--backend") backend_name = value("auto, cpu or cuda");
    else if (a == "-o" || a == "--output") output = value("a file name");
    else if (a == "--overwrite") overwrite = true;
    else if (!a.empty() && a[0] == '-') throw UsageError("unknown option '" + a + "' for 'mdgpu eval'");
    else if (input.empty()) input = a;
    else throw UsageError("'mdgpu eval' takes one frames file, got '" + input + "' and '" + a + "'");
  }
  if (model_files.empty() || input.empty())
    throw UsageError("usage: mdgpu eval --model MODEL.h5 [--precision float32|float64] FRAMES [-o OUT.extxyz]");
  if (precision != "float32" && precision != "float64")
    throw UsageError("--precision must be float32 or float64, not '" + precision + "'");
  if (!std::filesystem::exists(input)) throw InputError(input, "no such file");
  for (const auto& m : model_files)
    if (!std::filesystem::exists(m)) throw InputError(m, "no such file");
  check_regular_file(input, input, "frames file");  // FIFOs and devices would block or never end
  for (const auto& m : model_files) check_regular_file(m, m, "model file");
  if (!output.empty() && std::filesystem::exists(output) && !overwrite)
    throw InputError(output, "exists; pass --overwrite to replace it");

  const auto model = NequipModel::load(model_files[0]);  // checked first, and summarised below
  for (std::size_t k = 1; k < model_files.size(); ++k)  // a committee's members stand for one system
    if (NequipModel::load(model_files[k]).type_names != model.type_names)
      throw InputError(model_files[k], "a committee member's species differ from the first --model's");
  auto backend = make_backend(backend_name, 0);
  const auto frames = load_frames(input);
  NequipSpec spec;
  spec.precision = precision;
  if (model_files.size() == 1) spec.model = model_files[0];
  else spec.committee.assign(model_files.begin(), model_files.end());
  FrameEvaluator evaluator(spec, *backend);
  fmt::print("mdgpu eval: {} frame(s) from {}, {} {} ({}, {} species, r_max {} Å)\n", frames.size(), input,
             model_files.size() == 1 ? "model" : "committee (mean) of", fmt::join(model_files, ", "), precision,
             model.type_names.size(), model.r_max);

  std::unique_ptr<ExtxyzWriter> writer;
  if (!output.empty()) writer = std::make_unique<ExtxyzWriter>(output, ExtxyzWriter::Mode::Truncate);
  ErrorReport report;
  DeviationCalibration calibration;
  bool labelled = false;
  for (std::size_t k = 0; k < frames.size(); ++k) {
    const Frame& frame = frames[k];
    FramePrediction p;
    try {
      p = evaluator.evaluate(frame.system);
    } catch (const InputError& e) {
      throw InputError(frame.where, e.what());
    }
    const FrameLabels labels = frame_labels(frame);
    labelled = labelled || labels.energy || labels.forces || labels.stress;
    report.add(frame.system, p, labels);
    fmt::print("  frame {:>4}: {:>5} atoms  E = {:.6f} eV{}{}\n", k, frame.system.size(), p.energy,
               labels.energy ? fmt::format("  (label {:.6f}, {:+.2f} meV/atom)", *labels.energy,
                                           1e3 * (p.energy - *labels.energy) / frame.system.size())
                             : "",
               p.committee ? fmt::format("  σ_F max {:.1f} meV/Å (atom {}), mean {:.1f} meV/Å, σ_E {:.2f} meV/atom",
                                         1e3 * p.committee->max_force_dev, p.committee->max_atom + 1,
                                         1e3 * p.committee->mean_force_dev, 1e3 * p.committee->energy_dev_per_atom)
                           : "");
    if (p.committee && labels.forces) calibration.add(p.forces, *labels.forces, p.force_dev);
    if (!writer) continue;
    FrameExtras extras;
    extras.energy = p.energy;
    extras.forces = &p.forces;
    extras.atom_energies = &p.per_atom;
    extras.velocities = false;
    if (p.stress) extras.info.emplace_back("stress", matrix_text(*p.stress));
    if (labels.energy) extras.info.emplace_back("ref_energy", fmt::format("{}", *labels.energy));
    if (labels.stress) extras.info.emplace_back("ref_stress", matrix_text(*labels.stress));
    if (!labels.config_type.empty()) extras.info.emplace_back("config_type", labels.config_type);
    if (p.committee) {
      extras.info.emplace_back("max_force_dev", fmt::format("{}", p.committee->max_force_dev));
      extras.info.emplace_back("energy_dev_per_atom", fmt::format("{}", p.committee->energy_dev_per_atom));
      extras.columns.push_back({"force_dev", 1, &p.force_dev});
    }
    std::vector<double> ref_forces;
    if (labels.forces) {
      ref_forces = flat(*labels.forces);
      extras.columns.push_back({"ref_forces", 3, &ref_forces});
    }
    writer->write_frame(frame.system, extras);
  }
  if (labelled) fmt::print("errors against the frames' labels:\n{}", report.format());
  if (calibration.atoms() > 0)
    fmt::print("committee force deviation σ against the true per-atom force error |ΔF|:\n{}", calibration.format(8));
  if (writer)
    fmt::print("wrote {}{}{}\n", output, labelled ? fmt::format(" (parity plots: tools/plot_parity.py {})", output) : "",
               calibration.atoms() > 0 ? fmt::format(" (σ against error: tools/plot_committee.py {})", output) : "");
  return 0;
}

}  // namespace mdgpu::app

// NequIP test helpers: models exported from the reference HDF5 files with tools/export_nequip.py
// (once per test binary), the reference structures as systems, and one evaluation of a model on
// a structure through the engine's own neighbor list (an evaluator's, or a potential's on a backend).
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <numeric>
#include <random>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/system.hpp"
#include "engine/atoms.hpp"
#include "engine/neighbor_list.hpp"
#include "h5_reader.hpp"
#include "model/nequip_evaluator.hpp"
#include "model/nequip_potential.hpp"
#include "nequip_compare.hpp"

namespace mdgpu::test {

// The mdgpu model file converted from a reference (or other nequip) file; "" if it cannot be
// made. Conversions are cached per source for the whole test binary.
inline std::string exported_model(const std::string& source) {
  // The converted files live in one folder per test process, removed when the process ends.
  struct Folder {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / fmt::format("mdgpu-models-{}", getpid());
    ~Folder() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static Folder folder;
  static std::map<std::string, std::string> cache;
  if (auto it = cache.find(source); it != cache.end()) return it->second;
  const auto& dir = folder.path;
  std::filesystem::create_directories(dir);
  const auto out = dir / (std::filesystem::path(source).stem().string() + ".mdgpu.h5");
  const std::string cmd = fmt::format("/usr/bin/python3 {}/tools/export_nequip.py {} -o {} --force > {}.log 2>&1",
                                      MDGPU_SOURCE_DIR, source, out.string(), out.string());
  const bool ok = std::filesystem::exists(source) && std::system(cmd.c_str()) == 0;
  return cache[source] = ok ? out.string() : std::string();
}

struct Structure {
  int n = 0;
  std::vector<double> x, y, z;
  std::vector<int> type;
  Box box;
};

// The structures of a reference file that the reference tests use, smallest first.
inline std::vector<std::string> reference_structures(const H5File& f) {
  std::vector<std::string> names;
  for (const auto& n : {"li3n4", "cluster15", "li_bcc16", "triclinic24", "slab64", "lipon124", "li_lipon1316"})
    try {
      if (!f.datasets(std::string("/structures/") + n, "positions").empty()) names.emplace_back(n);
    } catch (const std::runtime_error&) {  // not in this file
    }
  return names;
}

inline Structure reference_structure(const H5File& f, const std::string& name) {
  const std::string g = "/structures/" + name + "/";
  const auto pos = f.read(g + "positions"), cell = f.read(g + "cell"), pbc = f.read(g + "pbc");
  const auto types = f.read(g + "atom_types");
  Structure s;
  s.n = static_cast<int>(pos.dims[0]);
  for (int i = 0; i < s.n; ++i) {
    s.x.push_back(pos.data[3 * i]);
    s.y.push_back(pos.data[3 * i + 1]);
    s.z.push_back(pos.data[3 * i + 2]);
    s.type.push_back(static_cast<int>(types.data[i]));
  }
  Mat3 rows{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) rows[i][j] = cell.data[3 * i + j];
  const std::array<bool, 3> periodic{pbc.data[0] != 0, pbc.data[1] != 0, pbc.data[2] != 0};
  s.box = periodic[0] || periodic[1] || periodic[2] ? Box(rows, periodic) : Box();
  return s;
}

// 0..n-1 shuffled (reproducibly for a seed).
inline std::vector<int> shuffled(int n, unsigned seed) {
  std::vector<int> p(n);
  std::iota(p.begin(), p.end(), 0);
  std::shuffle(p.begin(), p.end(), std::mt19937(seed));
  return p;
}

// The structure with its atoms renumbered: atom i of the result is atom p[i] of s.
inline Structure permuted(const Structure& s, const std::vector<int>& p) {
  Structure out = s;
  for (int i = 0; i < s.n; ++i) {
    out.x[i] = s.x[p[i]];
    out.y[i] = s.y[p[i]];
    out.z[i] = s.z[p[i]];
    out.type[i] = s.type[p[i]];
  }
  return out;
}

// A structure as an mdgpu System, species named as the reference models' types.
inline System as_system(const Structure& s, const std::string& name) {
  const std::vector<std::string> names = {"Li", "N", "O", "P"};
  System system;
  system.box = s.box;
  for (int i = 0; i < s.n; ++i) system.add_atom(names[s.type[i]], s.x[i], s.y[i], s.z[i], name);
  return system;
}

inline System reference_system(const H5File& f, const std::string& name) {
  return as_system(reference_structure(f, name), name);
}

// r -> r (1 + S) and cell rows -> rows (1 + S) for a symmetric strain S.
inline Structure strained(const Structure& s, int a, int b, double h) {
  double S[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  S[a][b] += a == b ? h : h / 2;
  if (a != b) S[b][a] += h / 2;
  auto apply = [&](double& x, double& y, double& z) {
    const double r[3] = {x, y, z};
    x = r[0] * S[0][0] + r[1] * S[1][0] + r[2] * S[2][0];
    y = r[0] * S[0][1] + r[1] * S[1][1] + r[2] * S[2][1];
    z = r[0] * S[0][2] + r[1] * S[1][2] + r[2] * S[2][2];
  };
  auto out = s;
  for (int i = 0; i < s.n; ++i) apply(out.x[i], out.y[i], out.z[i]);
  Mat3 rows = s.box.cell();
  for (auto& row : rows) apply(row[0], row[1], row[2]);
  out.box = Box(rows, s.box.periodic());
  return out;
}

struct Evaluation {
  double energy = 0.0;
  std::vector<double> per_atom, fx, fy, fz;
  Mat3 virial{};
};

// Energy, forces and virial with the engine's neighbor list (cut-off + a skin, so the model's
// own strict r < r_max selection is exercised).
// type_map (optional): model type of each structure type.
inline Evaluation evaluate(NequipEvaluator& ev, double r_max, Structure s, const std::vector<int>& type_map = {}) {
  const int n = s.n;
  std::vector<double> v(n, 0.0), mass(n, 1.0);
  std::vector<std::int32_t> ix(n, 0), iy(n, 0), iz(n, 0);
  Evaluation out;
  out.per_atom.resize(n);
  out.fx.resize(n);
  out.fy.resize(n);
  out.fz.resize(n);
  std::vector<double> vx = v, vy = v, vz = v;
  AtomsView atoms{n,         s.x.data(), s.y.data(), s.z.data(), vx.data(),      vy.data(),
                  vz.data(), out.fx.data(), out.fy.data(), out.fz.data(), mass.data(), s.type.data(),
                  ix.data(), iy.data(), iz.data()};
  static auto backend = make_backend("cpu", 0);
  NeighborList list(*backend, r_max, 0.4);
  list.update(atoms, s.box, true);
  NequipInput in{n, s.x.data(), s.y.data(), s.z.data(), s.type.data(), list.view(), s.box.data(),
                 type_map.empty() ? nullptr : type_map.data()};
  NequipOutput o;
  o.fx = out.fx.data();
  o.fy = out.fy.data();
  o.fz = out.fz.data();
  o.per_atom_energy = out.per_atom.data();
  ev.evaluate(in, o);
  out.energy = o.energy;
  out.virial = o.virial;
  return out;
}

// One evaluation through NequipPotential on `backend_name`, with that backend's own atoms and
// neighbor list (device arrays on the device, nothing staged).
inline Quantities potential_quantities(const std::string& model_file, const std::string& precision,
                                       const System& system, const std::string& backend_name) {
  auto backend = make_backend(backend_name, 0);
  NequipPotential potential(model_file, precision, system, *backend);
  Atoms atoms(backend->space(), system);
  AtomsView view = atoms.view();
  NeighborList list(*backend, potential.cutoff(), 0.4);
  list.update(view, system.box, true);
  Buffer<double> per_atom(backend->space(), system.size());
  const ForceResult r = potential.compute(view, list.view(), system.box, per_atom.data());
  Vec3Array f;
  atoms.download_forces(f);
  Quantities out{r.energy, per_atom.to_host(), {}, {}};
  for (std::size_t i = 0; i < system.size(); ++i) out.forces.insert(out.forces.end(), {f.x[i], f.y[i], f.z[i]});
  for (const auto& row : r.virial) out.virial.insert(out.virial.end(), row.begin(), row.end());
  return out;
}

// Forces of `ev` against central differences of its energy, for a few atoms of each structure.
inline void expect_forces_match_fd(NequipEvaluator& ev, double r_max, const H5File& ref,
                                   const std::vector<std::string>& names, double tol,
                                   const std::vector<int>& type_map = {}) {
  const auto energy = [&](const Structure& s) { return evaluate(ev, r_max, s, type_map).energy; };
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    const auto s = reference_structure(ref, name);
    const auto e = evaluate(ev, r_max, s, type_map);
    const double h = 1e-5;
    for (int i : {0, s.n / 2, s.n - 1})
      for (int k = 0; k < 3; ++k) {
        auto plus = s, minus = s;
        std::vector<double>* p[3] = {&plus.x, &plus.y, &plus.z};
        std::vector<double>* m[3] = {&minus.x, &minus.y, &minus.z};
        (*p[k])[i] += h;
        (*m[k])[i] -= h;
        const double fd = -(energy(plus) - energy(minus)) / (2 * h);
        const double f = (k == 0 ? e.fx : k == 1 ? e.fy : e.fz)[i];
        EXPECT_NEAR(f, fd, tol) << "atom " << i << " axis " << k;
      }
  }
}

}  // namespace mdgpu::test

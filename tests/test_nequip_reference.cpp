// NequIP conformance: every structure of every reference file (computed by the real nequip 0.6.2 /
// e3nn 0.5.1) — energies, per-atom energies, forces and virial. float64 must agree to 1e-9
// relative; float32 must stay within 3x the gap between nequip's own float32 and float64 results.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "nequip_compare.hpp"
#include "nequip_fixture.hpp"

namespace mdgpu {
namespace {

using test::Quantities;

Quantities ours(const test::Evaluation& e) {
  Quantities q{e.energy, e.per_atom, {}, {}};
  for (std::size_t i = 0; i < e.fx.size(); ++i) q.forces.insert(q.forces.end(), {e.fx[i], e.fy[i], e.fz[i]});
  for (const auto& row : e.virial) q.virial.insert(q.virial.end(), row.begin(), row.end());
  return q;
}

void check_file(const std::string& file) {
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "reference file not present: " << file;
  const std::string model_file = test::exported_model(file);
  ASSERT_FALSE(model_file.empty()) << "tools/export_nequip.py could not convert " << file;
  const auto model = NequipModel::load(model_file);
  auto ev64 = make_nequip_evaluator(model, true);
  auto ev32 = make_nequip_evaluator(model, false);
  const test::H5File f(file);
  const auto names = test::reference_structures(f);
  ASSERT_GE(names.size(), 6u);
  for (const auto& name : names) {
    SCOPED_TRACE(file + " " + name);
    const auto s = test::reference_structure(f, name);
    const Quantities ref = test::stored(f, "/reference/" + name);
    const Quantities ref32 = test::stored(f, "/reference_float32/" + name);

    const Quantities q = ours(test::evaluate(*ev64, model.r_max, s));
    test::expect_relative(q, ref, 1e-9);

    const Quantities q32 = ours(test::evaluate(*ev32, model.r_max, s));
    test::expect_within_float32_gap(q32, ref, ref32);
    std::printf("  %-13s float64 |dE| %.1e |dF| %.1e |dW| %.1e; float32 |dE| %.1e |dF| %.1e (nequip's own %.1e, %.1e)\n",
                name.c_str(), std::fabs(q.energy - ref.energy), test::max_diff(q.forces, ref.forces),
                test::max_diff(q.virial, ref.virial), std::fabs(q32.energy - ref.energy),
                test::max_diff(q32.forces, ref.forces), std::fabs(ref32.energy - ref.energy),
                test::max_diff(ref32.forces, ref.forces));

    if (s.box.has_volume()) {  // stress = -W / V (ASE sign)
      const double volume = std::fabs(s.box.volume());
      const auto stress = f.read("/reference/" + name + "/stress").data;
      for (int k = 0; k < 9; ++k) EXPECT_NEAR(-q.virial[k] / volume, stress[k], 1e-9 * test::max_abs(stress));
    }
  }
}

TEST(NequipReference, SmallModel) { check_file(test::nequip_small_reference()); }
TEST(NequipReference, PaperModel) { check_file(test::nequip_shared_reference("paper_seed0.h5")); }
TEST(NequipReference, ScalarModel) { check_file(test::nequip_shared_reference("scalar_seed0.h5")); }

}  // namespace
}  // namespace mdgpu

// A cell that changes during a run: the neighbor list, kept across cell changes by its
// strain-aware criterion, holds every pair within the cut-off (brute force over periodic images
// is the oracle); Simulation::set_box gives the forces of a fresh start in the new cell; a
// checkpoint written after a change restores the changed cell and continues bit for bit; a
// version-1 checkpoint (fixed cell) is still read.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/errors.hpp"
#include "core/hdf5_file.hpp"
#include "engine/atoms.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/simulation.hpp"
#include "engine/velocities.hpp"
#include "io/checkpoint.hpp"
#include "io/potential_kinds.hpp"
#include "tests/brute_force_pairs.hpp"
#include "tests/listed_pairs.hpp"
#include "tests/md_fixture.hpp"
#include "tests/temp_dir.hpp"

namespace mdgpu {
namespace {

using testing::Pair;

// The listed (i, j, shift) closer than `rc` in the positions `s` (those the atoms hold), sorted.
std::vector<Pair> listed_within(const Atoms& atoms, const NeighborList& list, const System& s,
                                double rc) {
  std::vector<Pair> out;
  for (const Pair& p : testing::listed_pairs_as_held(atoms, list))
    if (testing::pair_distance(s, p) < rc) out.push_back(p);
  std::sort(out.begin(), out.end());
  return out;
}

// `box`'s cell deformed by (I + strain).
Box strained(const Box& box, const Mat3& strain) {
  Mat3 cell{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      cell[i][j] = box.cell()[i][j];
      for (int k = 0; k < 3; ++k) cell[i][j] += box.cell()[i][k] * strain[k][j];
    }
  return Box(cell, box.periodic());
}

Mat3 uniform_strain(double e) { return Mat3{Vec3{e, 0, 0}, Vec3{0, e, 0}, Vec3{0, 0, e}}; }

TEST(BoxChange, NeighborListHoldsEveryPairThroughCellChanges) {
  auto backend = make_backend("cpu", 1);
  System s = testing::argon_fcc(3, 1.374, 0.3, 11);
  const double rc = 6.0, skin = 1.0;
  Atoms atoms(backend->space(), s);
  NeighborList list(*backend, rc, skin);
  list.update(atoms.view(), s.box, true);
  atoms.download_state(s);  // as the build wrapped them
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> strain(-3e-3, 3e-3), jiggle(-0.02, 0.02);
  int kept = 0, rebuilt = 0;
  for (int change = 0; change < 40; ++change) {
    // First a barostat's steps: small random deformations carrying the atoms with them, plus
    // their own motion; every 10th change a large one that the skin cannot cover. Then the cell
    // shrinks under atoms that stay where they are: only the periodic images come closer, which
    // no atom's displacement shows.
    const bool barostat = change < 20;
    Mat3 e = uniform_strain(-6e-3);
    if (barostat)
      for (auto& row : e)
        for (double& x : row) x = change % 10 == 9 ? 10 * strain(rng) : strain(rng);
    const Box next = strained(s.box, e);
    for (std::size_t i = 0; barostat && i < s.size(); ++i) {
      const double r[3] = {s.positions.x[i], s.positions.y[i], s.positions.z[i]};
      double f[3], moved[3];
      box_to_frac(s.box.data(), r, f);
      box_to_cart(next.data(), f, moved);
      s.positions.x[i] = moved[0] + jiggle(rng);
      s.positions.y[i] = moved[1] + jiggle(rng);
      s.positions.z[i] = moved[2] + jiggle(rng);
    }
    s.box = next;
    atoms.upload_positions(s);
    (list.update(atoms.view(), s.box) ? rebuilt : kept) += 1;
    atoms.download_state(s);
    ASSERT_EQ(listed_within(atoms, list, s, rc), testing::brute_force_pairs(s, rc)) << "change " << change;
  }
  // Both ways taken: changes the skin covered kept the list, the large ones rebuilt it.
  EXPECT_GE(kept, 10);
  EXPECT_GE(rebuilt, 4);
}

MdPlan nve_plan(std::int64_t steps) {
  MdPlan plan;
  plan.stages.push_back(testing::nve_stage(0.002, steps));
  plan.neighbor_skin = 1.0;
  plan.checkpoint.every = 0;
  plan.progress_interval = 0;
  return plan;
}

TEST(BoxChange, SetBoxGivesTheForcesOfAFreshStart) {
  auto backend = make_backend("cpu", 1);
  System s = testing::argon_fcc(4, 1.374, 0.2, 3);
  maxwell_boltzmann(s, 90.0, 7, 3 * static_cast<int>(s.size()) - 3);
  const MdPlan plan = nve_plan(10);
  auto potential = make_potential(testing::argon_lj(8.5), s, *backend);
  Simulation sim(plan, s, *backend, *potential);
  ASSERT_EQ(sim.run(), RunOutcome::Completed);
  const Mat3 shear{Vec3{4e-3, 1e-3, 0}, Vec3{0, -2e-3, 2e-3}, Vec3{1e-3, 0, 3e-3}};
  struct Change {
    Mat3 strain;
    bool rebuilds;
  };
  // One the skin covers, one it does not.
  for (const Change& c : {Change{shear, false}, Change{uniform_strain(0.05), true}}) {
    const std::int64_t builds = sim.force_computer().neighbors().builds();
    const double volume = sim.box().volume();
    sim.set_box(strained(sim.box(), c.strain));
    EXPECT_EQ(sim.force_computer().neighbors().builds() != builds, c.rebuilds);
    EXPECT_NE(sim.box().volume(), volume);

    const System now = sim.system();
    auto fresh_potential = make_potential(testing::argon_lj(8.5), now, *backend);
    Atoms fresh(backend->space(), now);
    ForceComputer fresh_forces(*backend, *fresh_potential, plan.neighbor_skin);
    const ForceResult expect = fresh_forces.compute(fresh.view(), now.box);
    const ForceResult& got = sim.forces();
    EXPECT_NEAR(got.energy, expect.energy, 1e-12 * std::fabs(expect.energy));
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) EXPECT_NEAR(got.virial[a][b], expect.virial[a][b], 1e-10);
    Vec3Array f_got, f_expect;
    sim.atoms().download_forces(f_got);
    fresh.download_forces(f_expect);
    double worst = 0.0;
    for (std::size_t i = 0; i < now.size(); ++i)
      worst = std::max({worst, std::fabs(f_got.x[i] - f_expect.x[i]), std::fabs(f_got.y[i] - f_expect.y[i]),
                        std::fabs(f_got.z[i] - f_expect.z[i])});
    EXPECT_LT(worst, 1e-12);  // eV/Å; only the order of the sums differs
  }
}

// At its step, changes the cell as a barostat would (between two steps).
class ChangeBoxAt final : public Observer {
public:
  ChangeBoxAt(Simulation& sim, std::int64_t step, Mat3 strain) : sim_(sim), step_(step), strain_(strain) {}
  std::int64_t every() const override { return step_; }
  void observe(const Snapshot& s) override {
    if (s.thermo().step == step_) sim_.set_box(strained(sim_.box(), strain_));
  }

private:
  Simulation& sim_;
  std::int64_t step_;
  Mat3 strain_;
};

TEST(BoxChange, CheckpointRestoresTheChangedCellBitwise) {
  auto backend = make_backend("cpu", 1);
  System structure = testing::argon_fcc(3, 1.374, 0.2, 9);
  maxwell_boltzmann(structure, 90.0, 4, 3 * static_cast<int>(structure.size()) - 3);
  RunPlan plan;
  plan.stages.push_back(testing::nose_hoover_stage(90.0, 0.002, 40));
  plan.neighbor_skin = 1.0;
  plan.checkpoint.every = 20;
  plan.progress_interval = 0;
  auto potential = make_potential(testing::argon_lj(6.0), structure, *backend);
  testing::TempDir dir;
  const auto path = dir.path() / "run.ckpt.h5";

  Simulation whole(plan, structure, *backend, *potential);
  whole.add_observer(std::make_unique<ChangeBoxAt>(whole, 10, uniform_strain(2e-3)));
  RunState saved;
  whole.set_checkpoint_sink([&](const RunState& s) {
    if (s.step == 20) {
      saved = s;
      write_checkpoint(path, s, plan, whole.observers());
    }
  });
  ASSERT_EQ(whole.run(), RunOutcome::Completed);
  // The case that needs the stored cells: changed since the start, list not rebuilt since.
  ASSERT_NE(saved.system.box.cell(), structure.box.cell());
  ASSERT_EQ(saved.neighbor_cell, structure.box.cell());

  const RunState read = read_checkpoint(path, plan, structure);
  EXPECT_EQ(read.system.box.cell(), saved.system.box.cell());
  EXPECT_EQ(read.neighbor_cell, saved.neighbor_cell);
  EXPECT_EQ(read.start_cell, structure.box.cell());
  Simulation continued(plan, structure, *backend, *potential);
  continued.restore(read);
  ASSERT_EQ(continued.run(), RunOutcome::Completed);

  const System& a = whole.system();
  const System& b = continued.system();
  EXPECT_EQ(b.box.cell(), a.box.cell());
  EXPECT_EQ(b.positions.x, a.positions.x);
  EXPECT_EQ(b.positions.y, a.positions.y);
  EXPECT_EQ(b.positions.z, a.positions.z);
  EXPECT_EQ(b.velocities.x, a.velocities.x);
  EXPECT_EQ(continued.forces().energy, whole.forces().energy);
  EXPECT_EQ(continued.force_computer().neighbors().builds(), whole.force_computer().neighbors().builds());
}

// A version-1 checkpoint (written by mdgpu 0.1.0 before the cell could change; the file of the
// bad-input case restart-checkpoint-of-another-system) is read with its one cell as the start,
// current and neighbor-list cell; a version this mdgpu does not know is refused in one line.
TEST(BoxChange, VersionOneCheckpointIsReadAndAnUnknownVersionRefused) {
  System structure;
  structure.box = Box(Mat3{Vec3{10, 0, 0}, Vec3{0, 10, 0}, Vec3{0, 0, 10}}, {true, true, true});
  structure.add_atom("Ar", 0.0, 0.0, 0.0, "test");
  structure.add_atom("Ar", 3.8, 0.0, 0.0, "test");
  RunPlan plan;
  plan.stages.push_back(testing::nve_stage(0.001, 10));
  plan.stages.back().name = "stage1";
  testing::TempDir dir;
  const auto path = dir.path() / "run.ckpt.h5";
  std::filesystem::copy_file(std::string(MDGPU_TEST_DATA) + "/checkpoints/version1_two_argon.ckpt.h5", path);

  const RunState s = read_checkpoint(path, plan, structure);
  EXPECT_EQ(s.step, 10);
  EXPECT_EQ(s.system.box.cell(), structure.box.cell());
  EXPECT_EQ(s.start_cell, structure.box.cell());
  EXPECT_EQ(s.neighbor_cell, structure.box.cell());
  EXPECT_EQ(s.neighbor_reference.x[1], 3.8);

  {
    h5::File f(path.string(), h5::Mode::ReadWrite);
    f.set_attr("/", "version", std::int64_t{4});
  }
  try {
    read_checkpoint(path, plan, structure);
    FAIL() << "a version-4 checkpoint was read";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(path.string() + ": checkpoint version 4 is not supported"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace mdgpu

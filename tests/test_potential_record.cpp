// What a checkpoint records of the potential (io/potential_kinds.hpp, potential_record): a model
// file is known by its contents, not by its path, so that a restart with an edited or another
// model is refused while a moved one is accepted.
#include <gtest/gtest.h>

#include <fstream>

#include "io/potential_kinds.hpp"
#include "tests/nequip_fixture.hpp"
#include "tests/temp_dir.hpp"

namespace mdgpu {
namespace {

namespace fs = std::filesystem;

NequipSpec nequip(const fs::path& model, const std::string& precision = "float32") {
  NequipSpec spec;
  spec.model = model;
  spec.precision = precision;
  return spec;
}

TEST(PotentialRecord, AModelFileIsKnownByItsContents) {
  const std::string exported = test::exported_model(test::nequip_small_reference());
  ASSERT_FALSE(exported.empty());
  const testing::TempDir tmp;
  const fs::path moved = tmp.path() / "moved.mdgpu.h5", edited = tmp.path() / "edited.mdgpu.h5";
  fs::copy_file(exported, moved);
  fs::copy_file(exported, edited);
  {
    std::fstream f(edited, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-1, std::ios::end);
    const char last = static_cast<char>(f.get());
    f.seekp(-1, std::ios::end);
    f.put(static_cast<char>(last ^ 1));  // one bit of the last byte
  }
  const std::string original = potential_record(nequip(exported));
  EXPECT_EQ(potential_record(nequip(moved)), original);
  EXPECT_NE(potential_record(nequip(edited)), original);
  EXPECT_NE(potential_record(nequip(exported, "float64")), original);
  EXPECT_EQ(original.rfind("nequip, float32; model file ", 0), 0u) << original;

  NequipSpec committee = nequip("");
  committee.committee = {exported, moved};
  NequipSpec swapped = committee;
  swapped.committee = {exported, edited};
  EXPECT_NE(potential_record(committee), potential_record(swapped));
}

}  // namespace
}  // namespace mdgpu

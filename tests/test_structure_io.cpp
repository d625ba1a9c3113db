// read_structure: format detection from file names, explicit formats, and the errors that
// point users at structure_format.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "core/errors.hpp"
#include "io/extxyz.hpp"
#include "io/structure.hpp"

namespace mdgpu {
namespace {

namespace fs = std::filesystem;

const std::string kData = MDGPU_TEST_DATA "/structures/";

TEST(StructureIo, FormatFromFileName) {
  EXPECT_EQ(structure_format_for("a/b/lipon.extxyz"), "extxyz");
  EXPECT_EQ(structure_format_for("traj.XYZ"), "extxyz");
  EXPECT_EQ(structure_format_for("POSCAR"), "poscar");
  EXPECT_EQ(structure_format_for("CONTCAR"), "poscar");
  EXPECT_EQ(structure_format_for("runs/POSCAR.relaxed"), "poscar");
  EXPECT_EQ(structure_format_for("beta-Li3PO4_mp-13725_POSCAR"), "poscar");
  EXPECT_EQ(structure_format_for("Li_bcc_mp-135_CONTCAR_PBE-relaxed"), "poscar");
  EXPECT_EQ(structure_format_for("slab.vasp"), "poscar");
  EXPECT_EQ(structure_format_for("cell.poscar"), "poscar");
  EXPECT_EQ(structure_format_for("POSCAR_old.xyz"), "extxyz");  // the extension decides first
  EXPECT_EQ(structure_format_for("P4O10_mp-2452_DFT_temp.cfg"), "");
  EXPECT_EQ(structure_format_for("structure.data"), "");
}

TEST(StructureIo, AutoReadsEveryAnnLiponPoscarAndTheAspirinSet) {
  const std::pair<const char*, std::size_t> files[] = {
      {"beta-Li3PO4_mp-13725_POSCAR", 16},
      {"beta-Li3PO4_mp-13725_CONTCAR_PBE-relaxed", 16},
      {"Li71P24N1O94_Li-poor-12_POSCAR", 190},
      {"Li7PN4_mp-14712_POSCAR", 96},
      {"Li_bcc_mp-135_CONTCAR_PBE-relaxed", 1},
      {"nequip-tests_aspirin.xyz", 21},  // first frame
  };
  for (const auto& [name, atoms] : files) {
    const System s = read_structure(kData + name);
    EXPECT_EQ(s.size(), atoms) << name;
  }
  EXPECT_TRUE(read_structure(kData + "Li7PN4_mp-14712_POSCAR").box.has_volume());
  EXPECT_FALSE(read_structure(kData + "nequip-tests_aspirin.xyz").box.any_periodic());
}

TEST(StructureIo, ExplicitFormatOverridesTheName) {
  const fs::path dir = fs::temp_directory_path() / ("mdgpu-structure-io-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::copy_file(kData + "beta-Li3PO4_mp-13725_POSCAR", dir / "start.dat",
                fs::copy_options::overwrite_existing);
  std::ofstream(dir / "cell.vasp") << "1\n\nAr 0 0 0\n";  // an extxyz despite its name
  EXPECT_EQ(read_structure(dir / "start.dat", "poscar").size(), 16u);
  EXPECT_EQ(read_structure(dir / "cell.vasp", "extxyz").species, std::vector<std::string>{"Ar"});
  EXPECT_THROW(read_structure(dir / "cell.vasp"), InputError);  // read as POSCAR, it is garbage
  fs::remove_all(dir);
}

TEST(StructureIo, UnknownNameOrFormatSuggestsTheFormatKey) {
  const std::string cfg = kData + "P4O10_mp-2452_DFT_temp.cfg";
  try {
    read_structure(cfg);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), cfg);
    EXPECT_NE(std::string(e.what()).find("format = \"extxyz\" or \"poscar\" in [system]"),
              std::string::npos)
        << e.what();
  }
  try {
    read_structure(kData + "beta-Li3PO4_mp-13725_POSCAR", "cif");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown structure format 'cif'"), std::string::npos)
        << e.what();
  }
}

// A run continues from a frame of an earlier trajectory: frames counted from either end, the
// aspirin set's 15 frames read by index against the same frames read all at once.
TEST(StructureIo, PicksAFrameOfATrajectory) {
  const fs::path path = kData + "nequip-tests_aspirin.xyz";
  const std::vector<Frame> all = read_extxyz(path);
  ASSERT_EQ(all.size(), 15u);
  for (std::int64_t index : {0, 1, 7, 14, -1, -2, -15}) {
    SCOPED_TRACE(index);
    const System& want = all[index >= 0 ? index : 15 + index].system;
    const System got = read_structure(path, "auto", index);
    EXPECT_EQ(got.positions.x, want.positions.x);
    EXPECT_EQ(got.positions.y, want.positions.y);
    EXPECT_EQ(got.positions.z, want.positions.z);
  }
  for (std::int64_t index : {15, -16}) {
    try {
      read_structure(path, "auto", index);
      ADD_FAILURE() << "frame " << index << " of 15 was read";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("only 15 frame(s)"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(read_structure(kData + "beta-Li3PO4_mp-13725_POSCAR", "auto", 1), InputError);
  EXPECT_EQ(read_structure(kData + "beta-Li3PO4_mp-13725_POSCAR", "auto", -1).size(), 16u);
}

}  // namespace
}  // namespace mdgpu

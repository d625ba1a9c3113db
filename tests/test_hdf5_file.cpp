// The HDF5 layer: round trips of every supported type, reading files written by h5py (the NequIP
// reference), and the errors a wrong or damaged file must give.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/errors.hpp"
#include "h5_reader.hpp"
#include "core/hdf5_file.hpp"
#include "temp_dir.hpp"

namespace mdgpu {
namespace {

TEST(Hdf5File, RoundTripsDatasetsAndAttributes) {
  testing::TempDir dir;
  const auto path = (dir.path() / "round.h5").string();
  {
    h5::File f(path, h5::Mode::Create);
    f.write("/a/b/values", std::vector<double>{1.5, -2.25, 3e-300, 4, 5, 6}, {2, 3});
    f.write("/a/count", std::vector<std::int64_t>{7}, {});
    f.write("/names", std::vector<std::string>{"Li", "", "phosphorus"});
    f.set_attr("/", "title", std::string("héllo"));
    f.set_attr("/a", "x", 0.1);
    f.set_attr("/a/b/values", "n", std::int64_t{-3});
    f.set_attr("/", "species", std::vector<std::string>{"Li", "N"});
    f.set_attr("/a", "x", 0.2);  // overwriting an attribute replaces it
  }
  h5::File f(path, h5::Mode::Read);
  const auto values = f.read_doubles("/a/b/values");
  EXPECT_EQ(values.dims, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(values.data, (std::vector<double>{1.5, -2.25, 3e-300, 4, 5, 6}));
  const auto count = f.read_ints("/a/count");
  EXPECT_TRUE(count.dims.empty());
  EXPECT_EQ(count.data, std::vector<std::int64_t>{7});
  EXPECT_EQ(f.read_strings("/names"), (std::vector<std::string>{"Li", "", "phosphorus"}));
  EXPECT_EQ(f.attr_string("/", "title"), "héllo");
  EXPECT_EQ(f.attr_double("/a", "x"), 0.2);
  EXPECT_EQ(f.attr_int("/a/b/values", "n"), -3);
  EXPECT_EQ(f.attr_strings("/", "species"), (std::vector<std::string>{"Li", "N"}));
  EXPECT_EQ(f.list("/a"), (std::vector<std::string>{"b", "count"}));
  EXPECT_TRUE(f.exists("/a/b"));
  EXPECT_FALSE(f.exists("/a/c/d"));
  EXPECT_TRUE(f.has_attr("/a", "x"));
  EXPECT_FALSE(f.has_attr("/missing", "x"));
}

TEST(Hdf5File, ReadsWhatH5pyWrote) {
  h5::File f(test::nequip_small_reference(), h5::Mode::Read);
  EXPECT_EQ(f.attr_strings("/model", "type_names"), (std::vector<std::string>{"Li", "N", "O", "P"}));
  EXPECT_EQ(f.attr_double("/model", "r_max"), 4.3);
  EXPECT_EQ(f.attr_int("/model", "num_layers"), 2);
  const auto shifts = f.read_doubles("/model/model.model.func.per_species_rescale.shifts");
  EXPECT_EQ(shifts.dims, std::vector<std::uint64_t>{4});
  EXPECT_EQ(f.read_strings("/structures/li3n4/symbols").size(), 4u);
}

TEST(Hdf5File, DamagedOrMissingInputIsAnInputErrorNamingIt) {
  testing::TempDir dir;
  const auto text = (dir.path() / "text.h5").string();
  std::ofstream(text) << "not hdf5\n";
  EXPECT_THROW(h5::File(text, h5::Mode::Read), InputError);
  EXPECT_THROW(h5::File((dir.path() / "absent.h5").string(), h5::Mode::Read), InputError);

  // A file cut in half: either the open or the read of a dataset must fail cleanly.
  const auto full = (dir.path() / "full.h5").string();
  {
    h5::File f(full, h5::Mode::Create);
    f.write("/w", std::vector<double>(100000, 1.0), {100000});
  }
  const auto cut = (dir.path() / "cut.h5").string();
  std::filesystem::copy_file(full, cut);
  std::filesystem::resize_file(cut, std::filesystem::file_size(full) / 2);
  EXPECT_THROW(
      {
        h5::File f(cut, h5::Mode::Read);
        f.read_doubles("/w");
      },
      InputError);

  h5::File f(full, h5::Mode::Read);
  try {
    f.read_doubles("/missing/w");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("full.h5:/missing/w"), std::string::npos) << e.what();
  }
  EXPECT_THROW(f.attr_double("/", "absent"), InputError);
  EXPECT_THROW(f.read_strings("/w"), InputError);
}

}  // namespace
}  // namespace mdgpu

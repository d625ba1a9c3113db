// The CUDA backend's linears (tiled GEMMs, kernels/cuda/nequip_linear_gemm.cuh) and their
// backward against the portable item kernels (one output element per item, the oracle) on the host:
// every linear of every reference model (linear_1, linear_2, the per-species self-connection, the
// output head), both precisions, on random features of 45 atoms (a full and a partial tile) with
// random species, added to random outputs (the kernels accumulate). The GEMM sums each output
// element's products in the oracle's order, in float64, so the two must agree to the bit.
// Skipped, saying why, without a GPU (or the emulated one).
#include <gtest/gtest.h>

#include <random>

#include "kernels/host/omp_exec.hpp"
#include "kernels/nequip_item_kernels.hpp"
#include "model/nequip_network.hpp"
#include "nequip_fixture.hpp"
#include "tests/backends.hpp"
#if MDGPU_WITH_CUDA
#include "kernels/cuda/nequip_kernels.hpp"
#endif

namespace mdgpu {
namespace {

constexpr int kAtoms = 45;

template <class T>
std::vector<T> random_values(std::size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<T> v(n);
  for (auto& x : v) x = T(u(rng));
  return v;
}

// y += the linear (or its backward) of x on the host item kernels and on the device; equal bits.
template <class T>
void check_linear(nequip::Kernels<T>& device, const LinearWeights& on_device, const LinearWeights& on_host,
                  bool per_species, std::mt19937& rng) {
  nequip::ItemKernels<T, OmpExec> host;
  const nequip::LinearView Ld = on_device.view(), Lh = on_host.view();
  std::vector<int> types(kAtoms);
  std::uniform_int_distribution<int> pick(0, Lh.types - 1);
  for (int& t : types) t = pick(rng);
  Buffer<int> types_d(Space::Device, 0);
  types_d.upload(types);
  for (const bool backward : {false, true}) {
    SCOPED_TRACE(backward ? "backward" : "forward");
    const int x_width = backward ? Lh.dout : Lh.din, y_width = backward ? Lh.din : Lh.dout;
    const std::vector<T> x = random_values<T>(static_cast<std::size_t>(kAtoms) * x_width, rng);
    std::vector<T> y = random_values<T>(static_cast<std::size_t>(kAtoms) * y_width, rng);
    Buffer<T> xd(Space::Device, 0), yd(Space::Device, 0);
    xd.upload(x);
    yd.upload(y);
    const int* type_h = per_species ? types.data() : nullptr;
    const int* type_d = per_species ? types_d.data() : nullptr;
    if (backward) {
      host.linear_backward(kAtoms, Lh, type_h, x.data(), y.data());
      device.linear_backward(kAtoms, Ld, type_d, xd.data(), yd.data());
    } else {
      host.linear(kAtoms, Lh, type_h, x.data(), y.data());
      device.linear(kAtoms, Ld, type_d, xd.data(), yd.data());
    }
    EXPECT_EQ(yd.to_host(), y);
  }
}

template <class T>
void check_model(const std::string& file, std::string model_file = "") {
  MDGPU_BACKEND_OR_SKIP(gpu_backend, std::string("cuda"));
#if MDGPU_WITH_CUDA
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "reference file not present: " << file;
  if (model_file.empty()) model_file = test::exported_model(file);
  ASSERT_FALSE(model_file.empty()) << "tools/export_nequip.py could not convert " << file;
  const auto model = NequipModel::load(model_file);
  const NequipNetwork<T> on_device(Space::Device, model), on_host(Space::Host, model);
  auto device = cuda::make_nequip_kernels<T>();
  std::mt19937 rng(14);
  for (std::size_t l = 0; l < on_host.layers().size(); ++l) {
    SCOPED_TRACE("layer " + std::to_string(l));
    const LayerWeights<T>&d = on_device.layers()[l], &h = on_host.layers()[l];
    {
      SCOPED_TRACE("linear_1");
      check_linear<T>(*device, d.linear_1(), h.linear_1(), false, rng);
    }
    {
      SCOPED_TRACE("linear_2");
      check_linear<T>(*device, d.linear_2(), h.linear_2(), false, rng);
    }
    if (h.plan().use_sc) {
      SCOPED_TRACE("self-connection");
      check_linear<T>(*device, d.self_connection(), h.self_connection(), h.self_connection().view().types > 1, rng);
    }
  }
  SCOPED_TRACE("output head");
  check_linear<T>(*device, on_device.head_hidden(), on_host.head_hidden(), false, rng);
  check_linear<T>(*device, on_device.head_out(), on_host.head_out(), false, rng);
#endif
}

const std::string kNequip07 = std::string(MDGPU_TEST_DATA) + "/nequip07/";

TEST(NequipCudaLinears, SmallModelFloat64) { check_model<double>(test::nequip_small_reference()); }
TEST(NequipCudaLinears, SmallModelFloat32) { check_model<float>(test::nequip_small_reference()); }
TEST(NequipCudaLinears, PaperModelFloat64) { check_model<double>(test::nequip_shared_reference("paper_seed0.h5")); }
TEST(NequipCudaLinears, PaperModelFloat32) { check_model<float>(test::nequip_shared_reference("paper_seed0.h5")); }
TEST(NequipCudaLinears, ScalarModelFloat64) { check_model<double>(test::nequip_shared_reference("scalar_seed0.h5")); }
TEST(NequipCudaLinears, ScalarModelFloat32) { check_model<float>(test::nequip_shared_reference("scalar_seed0.h5")); }
TEST(NequipCudaLinears, Nequip07Lmax1ParityThreeLayersFloat64) {
  check_model<double>(kNequip07 + "lmax1_parity_3layers_reference.h5", kNequip07 + "lmax1_parity_3layers.mdgpu.h5");
}
TEST(NequipCudaLinears, Nequip07Lmax1ParityThreeLayersFloat32) {
  check_model<float>(kNequip07 + "lmax1_parity_3layers_reference.h5", kNequip07 + "lmax1_parity_3layers.mdgpu.h5");
}
TEST(NequipCudaLinears, Nequip07Lmax2NoParityTwoLayersFloat64) {
  check_model<double>(kNequip07 + "lmax2_noparity_2layers_reference.h5", kNequip07 + "lmax2_noparity_2layers.mdgpu.h5");
}
TEST(NequipCudaLinears, Nequip07Lmax2NoParityTwoLayersFloat32) {
  check_model<float>(kNequip07 + "lmax2_noparity_2layers_reference.h5", kNequip07 + "lmax2_noparity_2layers.mdgpu.h5");
}

}  // namespace
}  // namespace mdgpu

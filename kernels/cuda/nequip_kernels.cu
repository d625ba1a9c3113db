// The NequIP kernels of the CUDA backend: the item kernels (kernels/nequip_item_kernels.hpp) on the
// device executor (kernels/cuda/cuda_exec.cuh), with the messages and their backward replaced by
// the fused warp-per-atom kernels (kernels/cuda/nequip_fused_messages.cuh), which keep no per-edge
// TP weights, and the linears and their backward by tiled GEMMs (kernels/cuda/nequip_linear_gemm.cuh).
// Tf32: the fused kernels' radial-MLP products in 3xTF32 (float32 only; MlpProducts).
// Only edge_rows (not edge_rows_unread), virial and energy synchronise, to bring a count or a sum
// to the host.
#include "kernels/cuda/nequip_kernels.hpp"

#include <climits>
#include <cstdlib>
#include <string>
#include <type_traits>

#include "core/errors.hpp"

#include "kernels/cuda/cuda_exec.cuh"
#include "kernels/cuda/nequip_fused_messages.cuh"
#include "kernels/cuda/nequip_linear_gemm.cuh"
#include "kernels/nequip_item_kernels.hpp"

namespace mdgpu::cuda {
namespace {

// Dynamic shared memory a block may use without opting in.
inline constexpr std::size_t kSharedBytes = 48 * 1024;

template <class T, bool Tf32>
class CudaNequipKernels final : public nequip::ItemKernels<T, CudaExec> {
  using Base = nequip::ItemKernels<T, CudaExec>;

public:
  void messages(const nequip::Edges& e, nequip::Receivers r, const nequip::EdgeFeatures<T>& f,
                const nequip::RadialMlp<T>& mlp, const nequip::TensorProduct<T>& tp, const T* x1, T* agg) override {
    const fused::Mlp<T> m(mlp);
    const Launch l = plan(m, tp, r.count(), Kernel::Messages);
    if (!l.fused) return Base::messages(e, r, f, mlp, tp, x1, agg);
    if (l.blocks == 0) return;
    fused::messages_kernel<T, Tf32><<<l.blocks, l.threads, l.shared, stream()>>>(e, r, f, m, tp, l.s, x1, agg);
    MDGPU_CUDA_CHECK(cudaGetLastError());
  }

  void messages_backward(const nequip::Edges& e, nequip::Receivers r, const nequip::EdgeFeatures<T>& f,
                         const nequip::RadialMlp<T>& mlp, const nequip::TensorProduct<T>& tp, const T* x1,
                         const T* gmsg, T* gx1) override {
    const fused::Mlp<T> m(mlp);
    const Launch edges = plan(m, tp, r.count(), Kernel::EdgeGrads), senders = plan(m, tp, e.nodes, Kernel::SenderGrads);
    if (!edges.fused || !senders.fused) return Base::messages_backward(e, r, f, mlp, tp, x1, gmsg, gx1);
    if (edges.blocks > 0) {
      fused::edge_grads_kernel<T, Tf32>
          <<<edges.blocks, edges.threads, edges.shared, stream()>>>(e, r, f, m, tp, edges.s, x1, gmsg);
      MDGPU_CUDA_CHECK(cudaGetLastError());
    }
    if (senders.blocks > 0) {
      fused::sender_grads_kernel<T, Tf32>
          <<<senders.blocks, senders.threads, senders.shared, stream()>>>(e, r, f, m, tp, senders.s, gmsg, gx1);
      MDGPU_CUDA_CHECK(cudaGetLastError());
    }
  }

  void linear(int n, const nequip::LinearView& L, const int* type, const T* in, T* out) override {
    if (!linear_gemm<false>(n, L, type, in, L.din, out, L.dout)) Base::linear(n, L, type, in, out);
  }
  void linear_backward(int n, const nequip::LinearView& L, const int* type, const T* grad_out, T* grad_in) override {
    if (!linear_gemm<true>(n, L, type, grad_out, L.dout, grad_in, L.din)) Base::linear_backward(n, L, type, grad_out, grad_in);
  }

private:
  // The linear as one GEMM launch; false (nothing launched) when the weight tiles of every species
  // slice exceed a block's shared memory: the item kernels then run it.
  template <bool Backward>
  static bool linear_gemm(int n, const nequip::LinearView& L, const int* type, const T* x, int x_width, T* y,
                          int y_width) {
    const std::size_t shared = gemm::shared_bytes(type ? L.types : 1);
    if (shared > kSharedBytes) return false;
    if (n <= 0 || L.n_paths <= 0) return true;
    const dim3 grid(static_cast<unsigned>((n + gemm::kTile - 1) / gemm::kTile), static_cast<unsigned>(L.n_paths));
    gemm::linear_kernel<Backward, T><<<grid, gemm::kThreads, shared, stream()>>>(L, type, n, x, x_width, y, y_width);
    MDGPU_CUDA_CHECK(cudaGetLastError());
    return true;
  }

  struct Launch {
    bool fused = false;  // false: the MLP is too deep, or one warp's scratch exceeds a block's
    fused::Scratch s{};
    unsigned blocks = 0, threads = 0;
    std::size_t shared = 0;
  };

  enum class Kernel { Messages, EdgeGrads, SenderGrads };

  // A warp per atom over `atoms`, as many warps per block (up to four) as their scratch allows.
  static Launch plan(const fused::Mlp<T>& m, const nequip::TensorProduct<T>& tp, int atoms, Kernel kernel) {
    Launch l;
    if (m.layers < 1 || m.layers > fused::kMaxMlpLayers) return l;
    int fused::Scratch::*size = kernel == Kernel::Messages    ? &fused::Scratch::forward_size
                                : kernel == Kernel::EdgeGrads ? &fused::Scratch::backward_size
                                                              : &fused::Scratch::sender_size;
    l.s = fused::scratch_of(m, tp.sh_dim, kSharedBytes, fused::kWarpsPerBlock, size);
    const std::size_t warp_bytes = static_cast<std::size_t>(l.s.*size) * sizeof(T);
    const std::size_t fit = warp_bytes == 0 ? fused::kWarpsPerBlock : kSharedBytes / warp_bytes;
    const int warps = static_cast<int>(fit < fused::kWarpsPerBlock ? fit : fused::kWarpsPerBlock);
    if (warps == 0) return l;
    l.fused = true;
    l.threads = static_cast<unsigned>(warps * fused::kWarp);
    const std::int64_t blocks = (static_cast<std::int64_t>(atoms) + warps - 1) / warps;
    if (blocks > INT_MAX) throw RuntimeFailure(std::to_string(atoms) + " atoms exceed one CUDA launch");
    l.blocks = static_cast<unsigned>(blocks);
    l.shared = warp_bytes * static_cast<std::size_t>(warps);
    return l;
  }
};

}  // namespace

MlpProducts mlp_products_from_environment() {
  static const MlpProducts products = [] {
    const char* env = std::getenv("MDGPU_NEQUIP_MLP");
    const std::string v = env ? env : "3xtf32";
    if (v == "3xtf32") return MlpProducts::Tf32x3;
    if (v == "fma") return MlpProducts::Fma;
    throw InputError("MDGPU_NEQUIP_MLP", "'" + v + "' is neither 3xtf32 nor fma");
  }();
  return products;
}

template <class T>
std::unique_ptr<nequip::Kernels<T>> make_nequip_kernels(MlpProducts products) {
  if constexpr (std::is_same_v<T, float>)
    if (products == MlpProducts::Tf32x3) return std::make_unique<CudaNequipKernels<float, true>>();
  return std::make_unique<CudaNequipKernels<T, false>>();
}

template std::unique_ptr<nequip::Kernels<float>> make_nequip_kernels<float>(MlpProducts);
template std::unique_ptr<nequip::Kernels<double>> make_nequip_kernels<double>(MlpProducts);

}  // namespace mdgpu::cuda

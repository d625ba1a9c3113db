// The real-basis Wigner 3j tensors of e3nn 0.5.1 (`o3.wigner_3j`), which NequIP's tensor products
// contract with: the coupling coefficients the model's w3j buffers hold, computed here instead of
// being read from a deployed model.
#pragma once

#include <vector>

namespace mdgpu {

// C[i][j][k] (row-major, (2 l1 + 1) x (2 l2 + 1) x (2 l3 + 1)) in e3nn's real basis (the component
// order of kernels/spherical_harmonics.hpp), Frobenius norm 1, invariant under simultaneous
// rotation of all three indices. Any parity of l1 + l2 + l3 is allowed (e.g. (1, 1, 1) is the
// Levi-Civita symbol / sqrt(6)). Throws std::invalid_argument unless |l1 - l2| <= l3 <= l1 + l2.
std::vector<double> wigner_3j(int l1, int l2, int l3);

}  // namespace mdgpu

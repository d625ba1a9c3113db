// e3nn's bookkeeping of O(3) representations, as NequIP uses it to lay out features: an irrep is
// (l, parity); an Irreps is a list of (multiplicity, irrep) blocks, each stored multiplicity-major
// ([mul][2l+1]) and concatenated. Sorting and merging follow e3nn 0.5.1 exactly, because the
// weight layouts of the model depend on them.
#pragma once

#include <string>
#include <vector>

namespace mdgpu {

struct Irrep {
  int l = 0;
  int p = 1;  // +1 even ("e"), -1 odd ("o")
  int dim() const { return 2 * l + 1; }
  bool operator==(const Irrep& o) const { return l == o.l && p == o.p; }
  bool operator!=(const Irrep& o) const { return !(*this == o); }
  // e3nn's order: by l, odd before even (0o < 0e < 1o < 1e < ...).
  bool operator<(const Irrep& o) const { return l != o.l ? l < o.l : p < o.p; }
  std::string str() const;
};

// Does `out` appear in the product a ⊗ b (|la - lb| <= l <= la + lb, p = pa pb)?
bool in_product(const Irrep& a, const Irrep& b, const Irrep& out);

struct MulIrrep {
  int mul = 0;
  Irrep ir;
};

class Irreps {
public:
  Irreps() = default;
  explicit Irreps(std::vector<MulIrrep> blocks) : blocks_(std::move(blocks)) {}
  // "64x0e+32x1o+2e" (a missing multiplicity means 1); throws std::invalid_argument.
  static Irreps parse(const std::string& text);

  const std::vector<MulIrrep>& blocks() const { return blocks_; }
  std::size_t size() const { return blocks_.size(); }
  const MulIrrep& operator[](std::size_t i) const { return blocks_[i]; }
  int dim() const;
  int num_irreps() const;  // sum of the multiplicities
  int offset(std::size_t block) const;  // start of a block in the flat feature vector
  bool contains(const Irrep& ir) const;
  bool operator==(const Irreps& o) const;
  std::string str() const;

  Irreps operator+(const Irreps& o) const;
  // Stable sort by irrep; permutation[i] = new position of old block i (e3nn's `p`).
  Irreps sorted(std::vector<int>* permutation = nullptr) const;
  Irreps simplified() const;  // merges neighbouring equal irreps, drops empty blocks

private:
  std::vector<MulIrrep> blocks_;
};

// nequip's tp_path_exists: can some block of a ⊗ some block of b produce `out`?
bool path_exists(const Irreps& a, const Irreps& b, const Irrep& out);

}  // namespace mdgpu

#include "model/irreps.hpp"

#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <stdexcept>

namespace mdgpu {

std::string Irrep::str() const { return std::to_string(l) + (p > 0 ? "e" : "o"); }

bool in_product(const Irrep& a, const Irrep& b, const Irrep& out) {
  return out.p == a.p * b.p && out.l >= std::abs(a.l - b.l) && out.l <= a.l + b.l;
}

Irreps Irreps::parse(const std::string& text) {
  std::vector<MulIrrep> blocks;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t plus = std::min(text.find('+', start), text.size());
    std::string term = text.substr(start, plus - start);
    term.erase(std::remove(term.begin(), term.end(), ' '), term.end());
    const auto bad = [&] { return std::invalid_argument("bad irreps '" + text + "' at '" + term + "'"); };
    if (term.empty()) {
      if (text.find_first_not_of(' ') == std::string::npos) break;  // "" = no irreps
      throw bad();
    }
    MulIrrep b;
    b.mul = 1;
    const std::size_t x = term.find('x');
    std::string ir = term;
    if (x != std::string::npos) {
      const std::string mul = term.substr(0, x);
      if (mul.empty() || mul.find_first_not_of("0123456789") != std::string::npos) throw bad();
      b.mul = std::stoi(mul);
      ir = term.substr(x + 1);
    }
    if (ir.size() < 2 || (ir.back() != 'e' && ir.back() != 'o') ||
        ir.substr(0, ir.size() - 1).find_first_not_of("0123456789") != std::string::npos)
      throw bad();
    b.ir.l = std::stoi(ir.substr(0, ir.size() - 1));
    b.ir.p = ir.back() == 'e' ? 1 : -1;
    blocks.push_back(b);
    start = plus + 1;
  }
  return Irreps(std::move(blocks));
}

int Irreps::dim() const { return offset(blocks_.size()); }

int Irreps::offset(std::size_t block) const {
  int d = 0;
  for (std::size_t i = 0; i < block; ++i) d += blocks_[i].mul * blocks_[i].ir.dim();
  return d;
}

int Irreps::num_irreps() const {
  int n = 0;
  for (const auto& b : blocks_) n += b.mul;
  return n;
}

bool Irreps::contains(const Irrep& ir) const {
  return std::any_of(blocks_.begin(), blocks_.end(), [&](const MulIrrep& b) { return b.ir == ir; });
}

bool Irreps::operator==(const Irreps& o) const {
  return std::equal(blocks_.begin(), blocks_.end(), o.blocks_.begin(), o.blocks_.end(),
                    [](const MulIrrep& a, const MulIrrep& b) { return a.mul == b.mul && a.ir == b.ir; });
}

std::string Irreps::str() const {
  std::string s;
  for (const auto& b : blocks_) s += (s.empty() ? "" : "+") + std::to_string(b.mul) + "x" + b.ir.str();
  return s;
}

Irreps Irreps::operator+(const Irreps& o) const {
  auto blocks = blocks_;
  blocks.insert(blocks.end(), o.blocks_.begin(), o.blocks_.end());
  return Irreps(std::move(blocks));
}

Irreps Irreps::sorted(std::vector<int>* permutation) const {
  std::vector<int> order(blocks_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return blocks_[a].ir < blocks_[b].ir; });
  std::vector<MulIrrep> blocks;
  if (permutation) permutation->assign(blocks_.size(), 0);
  for (std::size_t k = 0; k < order.size(); ++k) {
    blocks.push_back(blocks_[order[k]]);
    if (permutation) (*permutation)[order[k]] = static_cast<int>(k);
  }
  return Irreps(std::move(blocks));
}

Irreps Irreps::simplified() const {
  std::vector<MulIrrep> blocks;
  for (const auto& b : blocks_) {
    if (!blocks.empty() && blocks.back().ir == b.ir)
      blocks.back().mul += b.mul;
    else if (b.mul > 0)
      blocks.push_back(b);
  }
  return Irreps(std::move(blocks));
}

bool path_exists(const Irreps& a, const Irreps& b, const Irrep& out) {
  for (const auto& x : a.blocks())
    for (const auto& y : b.blocks())
      if (in_product(x.ir, y.ir, out)) return true;
  return false;
}

}  // namespace mdgpu

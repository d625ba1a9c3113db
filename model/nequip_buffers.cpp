#include "model/nequip_buffers.hpp"

#include <algorithm>

namespace mdgpu {

NequipBufferSizes nequip_buffer_sizes(const NequipModel& m, int nodes, std::int64_t edges, std::int64_t all,
                                      int chunk_atoms) {
  const auto n = static_cast<std::size_t>(nodes);
  const auto E = static_cast<std::size_t>(edges);
  const auto A = static_cast<std::size_t>(all);
  NequipBufferSizes s;
  s.type = s.node = n;
  s.row = n + 1;
  s.center = s.neighbor = s.image = s.rev = A;
  s.vec = s.gvec = 3 * A;
  const auto sh_dim = static_cast<std::size_t>((m.sh_lmax + 1) * (m.sh_lmax + 1));
  s.Y = s.gY = E * sh_dim;
  s.emb = s.gemb = E * static_cast<std::size_t>(m.num_basis);

  const std::size_t chunk = std::min(n, static_cast<std::size_t>(chunk_atoms));
  int in = 0, mid = 0, conv = 0, norm = 0;
  s.x.push_back(n * m.embedding.out.dim());
  for (const LayerPlan& P : m.layers) {
    if (&P != &m.layers.back()) s.x.push_back(n * P.out.dim());
    in = std::max(in, P.in.dim());
    mid = std::max(mid, P.mid.dim());
    conv = std::max(conv, P.conv_out.dim());
    if (!P.norm.empty()) norm = std::max(norm, P.conv_out.dim());
  }
  s.x1 = s.gx1 = n * in;
  s.msg = chunk * mid;
  s.raw = s.graw = n;
  s.pre = s.gpre = chunk * conv;
  s.normed = s.gnormed = chunk * norm;
  s.out = chunk * m.layers.back().out.dim();
  s.hidden = chunk * m.head_hidden.out.dim();
  return s;
}

std::vector<NamedBytes> nequip_buffer_bytes(const NequipBufferSizes& s, bool float64) {
  const std::size_t t = float64 ? sizeof(double) : sizeof(float);
  std::vector<NamedBytes> out = {
      {"type", s.type * sizeof(int)},
      {"node", s.node * sizeof(int)},
      {"row", s.row * sizeof(std::int64_t)},
      {"center", s.center * sizeof(int)},
      {"neighbor", s.neighbor * sizeof(int)},
      {"image", s.image * sizeof(std::int32_t)},
      {"rev", s.rev * sizeof(std::int64_t)},
      {"vec", s.vec * sizeof(double)},
      {"gvec", s.gvec * sizeof(double)},
      {"Y", s.Y * t},
      {"emb", s.emb * t},
      {"gY", s.gY * t},
      {"gemb", s.gemb * t},
  };
  for (std::size_t l = 0; l < s.x.size(); ++l) out.push_back({"x[" + std::to_string(l) + "]", s.x[l] * t});
  for (const auto& [name, count] : std::vector<std::pair<const char*, std::size_t>>{
           {"x1", s.x1}, {"msg", s.msg}, {"raw", s.raw}, {"gx1", s.gx1}, {"graw", s.graw}, {"pre", s.pre}, {"normed", s.normed}, {"out", s.out},
           {"hidden", s.hidden}, {"gpre", s.gpre}, {"gnormed", s.gnormed}})
    out.push_back({name, count * t});
  return out;
}

}  // namespace mdgpu

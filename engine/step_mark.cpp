#include "engine/step_mark.hpp"

namespace mdgpu {
namespace {

template <class T>
void copy_atoms(Space space, T* to, const T* from, int n) {
  space_copy(space, to, space, from, static_cast<std::size_t>(n) * sizeof(T));
}

}  // namespace

StepMark::StepMark(Space space) {
  for (Buffer<double>* b : {&x_, &y_, &z_, &vx_, &vy_, &vz_, &fx_, &fy_, &fz_}) b->set_space(space);
  for (Buffer<std::int32_t>* b : {&imx_, &imy_, &imz_}) b->set_space(space);
}

void StepMark::take(const AtomsView& a, NeighborList& list, Integrator& integrator, std::int64_t step,
                    std::int64_t stage_step) {
  const auto n = static_cast<std::size_t>(a.n);
  const Space s = x_.space();
  const std::pair<Buffer<double>*, const double*> reals[] = {{&x_, a.x},   {&y_, a.y},   {&z_, a.z},
                                                             {&vx_, a.vx}, {&vy_, a.vy}, {&vz_, a.vz},
                                                             {&fx_, a.fx}, {&fy_, a.fy}, {&fz_, a.fz}};
  for (const auto& [to, from] : reals) to->resize(n), copy_atoms(s, to->data(), from, a.n);
  const std::pair<Buffer<std::int32_t>*, const std::int32_t*> images[] = {{&imx_, a.imx}, {&imy_, a.imy}, {&imz_, a.imz}};
  for (const auto& [to, from] : images) to->resize(n), copy_atoms(s, to->data(), from, a.n);
  list.mark();
  integrator.mark();
  step_ = step;
  stage_step_ = stage_step;
}

void StepMark::put_back(const AtomsView& a, NeighborList& list, Integrator& integrator) {
  const Space s = x_.space();
  const std::pair<double*, const Buffer<double>*> reals[] = {{a.x, &x_},   {a.y, &y_},   {a.z, &z_},
                                                             {a.vx, &vx_}, {a.vy, &vy_}, {a.vz, &vz_},
                                                             {a.fx, &fx_}, {a.fy, &fy_}, {a.fz, &fz_}};
  for (const auto& [to, from] : reals) copy_atoms(s, to, from->data(), a.n);
  const std::pair<std::int32_t*, const Buffer<std::int32_t>*> images[] = {{a.imx, &imx_}, {a.imy, &imy_}, {a.imz, &imz_}};
  for (const auto& [to, from] : images) copy_atoms(s, to, from->data(), a.n);
  list.rewind();
  integrator.rewind();
}

}  // namespace mdgpu

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

// Every array of the atoms that a step changes, with its copy: f(copy, array), one list for both
// directions.
template <class F>
void StepMark::each_copy(const AtomsView& a, F&& f) {
  f(x_, a.x), f(y_, a.y), f(z_, a.z);
  f(vx_, a.vx), f(vy_, a.vy), f(vz_, a.vz);
  f(fx_, a.fx), f(fy_, a.fy), f(fz_, a.fz);
  f(imx_, a.imx), f(imy_, a.imy), f(imz_, a.imz);
}

void StepMark::take(const AtomsView& a, NeighborList& list, Integrator& integrator, std::int64_t step,
                    std::int64_t stage_step) {
  const Space s = x_.space();
  each_copy(a, [&](auto& copy, const auto* atoms) {
    copy.resize(static_cast<std::size_t>(a.n));
    copy_atoms(s, copy.data(), atoms, a.n);
  });
  list.mark();
  integrator.mark();
  step_ = step;
  stage_step_ = stage_step;
}

void StepMark::put_back(const AtomsView& a, NeighborList& list, Integrator& integrator) {
  const Space s = x_.space();
  each_copy(a, [&](const auto& copy, auto* atoms) { copy_atoms(s, atoms, copy.data(), a.n); });
  list.rewind();
  integrator.rewind();
}

}  // namespace mdgpu

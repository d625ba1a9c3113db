#include "engine/atoms.hpp"

namespace mdgpu {

Atoms::Atoms(Space space, const System& system)
    : space_(space), n_(static_cast<int>(system.size())) {
  for (Buffer<double>* b : {&x_, &y_, &z_, &vx_, &vy_, &vz_, &fx_, &fy_, &fz_, &mass_})
    b->set_space(space);
  for (Buffer<std::int32_t>* b : {&imx_, &imy_, &imz_}) b->set_space(space);
  type_.set_space(space);

  upload_positions(system);
  upload_velocities(system);
  for (Buffer<double>* f : {&fx_, &fy_, &fz_}) {
    f->resize(n_);
    f->zero();
  }
  std::vector<double> mass(n_);
  for (int i = 0; i < n_; ++i) mass[i] = system.mass(i);
  mass_.upload(mass);
  type_.upload(system.type);
  imx_.upload(system.image[0]);
  imy_.upload(system.image[1]);
  imz_.upload(system.image[2]);
}

AtomsView Atoms::view() {
  AtomsView v;
  v.n = n_;
  v.x = x_.data(), v.y = y_.data(), v.z = z_.data();
  v.vx = vx_.data(), v.vy = vy_.data(), v.vz = vz_.data();
  v.fx = fx_.data(), v.fy = fy_.data(), v.fz = fz_.data();
  v.mass = mass_.data();
  v.type = type_.data();
  v.imx = imx_.data(), v.imy = imy_.data(), v.imz = imz_.data();
  return v;
}

void Atoms::download_state(System& system) const {
  x_.download(system.positions.x);
  y_.download(system.positions.y);
  z_.download(system.positions.z);
  vx_.download(system.velocities.x);
  vy_.download(system.velocities.y);
  vz_.download(system.velocities.z);
  imx_.download(system.image[0]);
  imy_.download(system.image[1]);
  imz_.download(system.image[2]);
}

void Atoms::download_forces(Vec3Array& forces) const {
  fx_.download(forces.x);
  fy_.download(forces.y);
  fz_.download(forces.z);
}

void Atoms::upload_positions(const System& system) {
  x_.upload(system.positions.x);
  y_.upload(system.positions.y);
  z_.upload(system.positions.z);
}

void Atoms::upload_velocities(const System& system) {
  vx_.upload(system.velocities.x);
  vy_.upload(system.velocities.y);
  vz_.upload(system.velocities.z);
}

}  // namespace mdgpu

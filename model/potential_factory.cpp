#include "model/potential_factory.hpp"

#include "engine/errors.hpp"
#include "io/hdf5_file.hpp"
#include "model/pair_potential.hpp"

namespace mdgpu {

std::unique_ptr<Potential> make_potential(const PotentialSpec& spec, const System& system,
                                          Backend& backend) {
  if (spec.kind == "lj" || spec.kind == "morse")
    return std::make_unique<PairPotential>(spec, system, backend);
  // A model file that is not readable HDF5 (truncated, corrupted, another format) is the
  // input's fault whatever this build can run.
  if (spec.kind == "nequip") h5::File model(spec.model.string(), h5::Mode::Read);
  throw InputError("potential.kind", "potential '" + spec.kind +
                                         "' is not available in this build (available: lj, morse)");
}

}  // namespace mdgpu

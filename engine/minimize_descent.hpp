// A minimiser's rule for its next move (engine/minimize.cpp does the rest: the generalised
// forces of atoms and cell, the per-atom step cap, the strain, the tolerances): FIRE or L-BFGS.
#pragma once

#include <memory>
#include <vector>

namespace mdgpu {

class Descent {
public:
  virtual ~Descent() = default;
  // The next move (Å for atoms, and the cell's generalised coordinates) from the generalised
  // forces `g` at the current point, before the step cap.
  virtual std::vector<double> move(const std::vector<double>& g) = 0;
  // The move was taken times `scale` (1, or less when the longest atom move was capped).
  virtual void taken(double scale) = 0;
  // Its own variables, for checkpoints; set_state returns false (and changes nothing) when
  // `state` does not fit.
  virtual std::vector<double> state() const = 0;
  virtual bool set_state(const std::vector<double>& state) = 0;
};

// FIRE (Bitzek, Koskinen, Gähler, Moseler & Gumbsch, Phys. Rev. Lett. 97, 170201 (2006)) with
// ASE's parameters.
std::unique_ptr<Descent> make_fire_descent();

// L-BFGS as ASE's ase.optimize.LBFGS (Nocedal's two-loop recursion, memory 100, initial inverse
// Hessian 1/70 Å²/eV, damping 1, no line search).
std::unique_ptr<Descent> make_lbfgs_descent();

}  // namespace mdgpu

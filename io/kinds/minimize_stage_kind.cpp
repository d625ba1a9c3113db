// ensemble = "minimize": FIRE or L-BFGS with its tolerances, iteration limit (the stage's `steps`) and an
// optional cell relaxation (the `cell` table). A minimisation has no time step.
#include "io/kinds/barostat_reading.hpp"
#include "io/stage_kinds.hpp"

namespace mdgpu {
namespace {

std::string_view method_name(MinimizeMethod method) {
  return method == MinimizeMethod::Lbfgs ? "L-BFGS" : "FIRE";
}

struct MinimizeKind {
  using Spec = MinimizeStage;
  static constexpr std::string_view ensemble = "minimize";
  static constexpr std::string_view thermostat = "";
  static constexpr std::string_view method = "minimise";
  static constexpr bool timed = false;  // iterations: no time step
  static Words keys() { return {"method", "force_tolerance", "energy_tolerance", "max_step", "cell"}; }

  static Spec read(const Section& s, const StageKind& self, const StageSpec&) {
    reject_keys_of_other_kinds(s, self);
    Spec m;
    m.method = s.choice("method", {"fire", "lbfgs"}, "fire") == "lbfgs" ? MinimizeMethod::Lbfgs
                                                                        : MinimizeMethod::Fire;
    m.force_tolerance = s.number("force_tolerance", Rule::Positive).value_or(0.0);
    m.energy_tolerance = s.number("energy_tolerance", Rule::Positive).value_or(0.0);
    if (m.force_tolerance == 0.0 && m.energy_tolerance == 0.0)
      s.fail_here("a minimisation needs a tolerance: force_tolerance (eV/Å, largest force) and/or "
                  "energy_tolerance (relative change per iteration)");
    m.max_step = s.number("max_step", Rule::Positive).value_or(m.max_step);
    if (!s.has("cell")) return m;
    const Section c = s.section("cell", s.key_path("cell"));
    c.allow({"coupling", "pressure", "axes", "pressure_tolerance"});
    m.relax_cell = true;
    m.cell.coupling = read_coupling(c);
    if (!c.has("pressure")) c.fail_missing("pressure", " (the target in bar, e.g. 0.0)");
    if (c.node("pressure")->is_table())
      c.fail("pressure", "a minimisation has one target pressure, not a ramp");
    m.cell.pressure = read_pressure(c, m.cell.coupling);
    m.cell.axes = read_barostat_axes(c);
    m.pressure_tolerance =
        c.number("pressure_tolerance", Rule::Positive).value_or(m.pressure_tolerance);
    return m;
  }
  static std::string describe(const StageSpec&, const Spec& m) {
    std::string out = fmt::format("  {}", method_name(m.method));
    if (m.force_tolerance > 0) out += fmt::format(" until max|F| < {} eV/Å", m.force_tolerance);
    if (m.energy_tolerance > 0)
      out += fmt::format("{} relative energy change < {}", m.force_tolerance > 0 ? " and" : " until",
                         m.energy_tolerance);
    out += fmt::format(", max step {} Å", m.max_step);
    if (m.relax_cell) {
      const auto& p = m.cell.pressure.start;
      out += fmt::format(", cell {} on {} to {} bar (within {} bar)", coupling_name(m.cell.coupling),
                         axes_name(m.cell.axes),
                         m.cell.coupling == Coupling::Iso ? fmt::format("{}", p[0])
                                                          : fmt::format("{}", fmt::join(p, " ")),
                         m.pressure_tolerance);
    }
    return out;
  }
  static std::string record(const StageSpec&, const Spec& m) {
    std::string text = fmt::format(", {} ftol {} etol {} max step {}",
                                   m.method == MinimizeMethod::Lbfgs ? "lbfgs" : "fire",
                                   m.force_tolerance, m.energy_tolerance, m.max_step);
    if (m.relax_cell)
      text += fmt::format(", cell coupling {} axes {}{}{} {} bar, ptol {}",
                          static_cast<int>(m.cell.coupling), m.cell.axes[0], m.cell.axes[1],
                          m.cell.axes[2], fmt::join(m.cell.pressure.start, " "),
                          m.pressure_tolerance);
    return text;
  }
};

}  // namespace

StageKind minimize_stage_kind() { return stage_kind<MinimizeKind>(); }

}  // namespace mdgpu

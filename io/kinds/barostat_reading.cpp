#include "io/kinds/barostat_reading.hpp"

#include <vector>

namespace mdgpu {
namespace {

// The numbers of a pressure: a number, or an array of 3 (xx yy zz) or 6 (xx yy zz yz xz xy), bar.
std::vector<double> pressure_numbers(const Section& s, std::string_view key) {
  const toml::node* n = s.node(key);
  if (const toml::array* a = n->as_array()) {
    if (a->size() != 3 && a->size() != 6)
      s.fail(key, fmt::format("expected 1, 3 (xx yy zz) or 6 (xx yy zz yz xz xy) pressures in bar, "
                              "got {} numbers",
                              a->size()));
    return *number_list(s, key);
  }
  if (!n->is_number())
    s.fail(key, fmt::format("expected a number (bar), an array of 3 or 6, or a ramp {{ start = "
                            "..., stop = ... }}, got {}",
                            got(*n)));
  return {*s.number(key)};
}

// Target components in Voigt order; a single number is hydrostatic (no shear).
std::array<double, 6> pressure_tensor_of(const std::vector<double>& v) {
  std::array<double, 6> p{};
  for (std::size_t k = 0; k < 3; ++k) p[k] = v.size() == 1 ? v[0] : v[k];
  for (std::size_t k = 3; k < v.size(); ++k) p[k] = v[k];
  return p;
}

// How many components `coupling` may be given (besides 1, hydrostatic).
void check_pressure_size(const Section& s, std::string_view key, std::size_t size,
                         Coupling coupling) {
  if (size == 1) return;
  if (coupling == Coupling::Iso)
    s.fail(key, "coupling = \"iso\" takes one pressure (a number); per-axis targets need "
                "coupling = \"aniso\" (3) or \"tri\" (6)");
  if (coupling == Coupling::Aniso && size != 3)
    s.fail(key, "coupling = \"aniso\" takes one pressure or 3 (xx yy zz); shear targets need "
                "coupling = \"tri\"");
  if (coupling == Coupling::Tri && size != 6)
    s.fail(key, "coupling = \"tri\" controls the tilts too: give one pressure (hydrostatic) or 6 "
                "(xx yy zz yz xz xy); for the diagonal only use coupling = \"aniso\"");
}

}  // namespace

Coupling read_coupling(const Section& b) {
  const std::string coupling = b.choice("coupling", {"iso", "aniso", "tri"}, "iso");
  return coupling == "tri" ? Coupling::Tri : coupling == "aniso" ? Coupling::Aniso : Coupling::Iso;
}

PressureRamp read_pressure(const Section& b, Coupling coupling) {
  const toml::node* n = b.node("pressure");
  if (!n) b.fail_missing("pressure", " (the target in bar: a number, or a ramp { start, stop })");
  PressureRamp ramp;
  if (n->is_table()) {
    const Section r = b.section("pressure", b.key_path("pressure"));
    r.allow({"start", "stop"});
    if (!r.has("start")) r.fail_missing("start");
    if (!r.has("stop")) r.fail_missing("stop");
    const auto start = pressure_numbers(r, "start"), stop = pressure_numbers(r, "stop");
    check_pressure_size(r, "start", start.size(), coupling);
    check_pressure_size(r, "stop", stop.size(), coupling);
    ramp.start = pressure_tensor_of(start);
    ramp.stop = pressure_tensor_of(stop);
    return ramp;
  }
  const auto values = pressure_numbers(b, "pressure");
  check_pressure_size(b, "pressure", values.size(), coupling);
  ramp.start = ramp.stop = pressure_tensor_of(values);
  return ramp;
}

std::array<bool, 3> read_barostat_axes(const Section& b) {
  std::array<bool, 3> axes{true, true, true};
  const auto text = b.string("axes");
  if (!text) return axes;
  axes = {false, false, false};
  for (char c : *text) {
    const std::size_t k = std::string_view("xyz").find(c);
    if (k == std::string_view::npos || axes[k])
      b.fail("axes", fmt::format("expected the barostatted axes as letters of \"xyz\", each once "
                                 "(e.g. \"xy\" for a slab open along z), got \"{}\"",
                                 *text));
    axes[k] = true;
  }
  return axes;
}

std::string_view coupling_name(Coupling coupling) {
  return coupling == Coupling::Iso ? "iso" : coupling == Coupling::Aniso ? "aniso" : "tri";
}

std::string axes_name(const std::array<bool, 3>& axes) {
  std::string name;
  for (int k = 0; k < 3; ++k)
    if (axes[k]) name += "xyz"[k];
  return name;
}

}  // namespace mdgpu

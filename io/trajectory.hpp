// Trajectory output as an observer: one writer per [output] trajectory block.
#pragma once

#include <memory>

#include "engine/observer.hpp"
#include "engine/run_plan.hpp"
#include "io/extxyz.hpp"

namespace mdgpu {

class ExtxyzTrajectory final : public Observer {
public:
  explicit ExtxyzTrajectory(const TrajectorySpec& spec);  // truncates the file
  std::int64_t every() const override { return spec_.every; }
  void observe(const Snapshot& snapshot) override;

private:
  TrajectorySpec spec_;
  ExtxyzWriter writer_;
};

// The observer for `spec` (format checked by the config reader).
std::unique_ptr<Observer> make_trajectory(const TrajectorySpec& spec);

}  // namespace mdgpu

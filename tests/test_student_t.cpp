// Student's t distribution against its closed forms (1 and 2 degrees of freedom: Cauchy and
// 1/2 + t / (2 sqrt(2 + t²))) and against the normal distribution it tends to.
#include <cmath>

#include <gtest/gtest.h>

#include "analysis/student_t.hpp"

namespace mdgpu {
namespace {

TEST(StudentT, CdfMatchesTheClosedForms) {
  for (double t : {-30.0, -3.0, -1.0, -0.2, 0.0, 0.5, 1.0, 2.5, 40.0}) {
    EXPECT_NEAR(student_t_cdf(t, 1), 0.5 + std::atan(t) / M_PI, 1e-13) << t;
    EXPECT_NEAR(student_t_cdf(t, 2), 0.5 + t / (2.0 * std::sqrt(2.0 + t * t)), 1e-13) << t;
    // Many degrees of freedom: the normal distribution, to O(1/dof).
    EXPECT_NEAR(student_t_cdf(t, 100000), 0.5 * std::erfc(-t / std::sqrt(2.0)), 1e-5) << t;
  }
}

TEST(StudentT, QuantileInvertsTheCdf) {
  for (int dof : {1, 2, 3, 4, 9, 30})
    for (double p : {0.01, 0.2, 0.5, 0.8413, 0.975})
      EXPECT_NEAR(student_t_cdf(student_t_quantile(p, dof), dof), p, 1e-12) << dof << " " << p;
  // The 68.3 % half-width: tan(π (p - 1/2)) for 1 dof, 1 for the normal limit.
  EXPECT_NEAR(one_sigma_factor(1), std::tan(M_PI * 0.5 * kOneSigmaCoverage), 1e-10);
  EXPECT_NEAR(one_sigma_factor(1000000), 1.0, 1e-5);
  EXPECT_GT(one_sigma_factor(4), one_sigma_factor(9));
  EXPECT_THROW(student_t_quantile(1.0, 3), std::invalid_argument);
}

}  // namespace
}  // namespace mdgpu

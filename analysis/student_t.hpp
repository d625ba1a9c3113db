// Student's t distribution, for errors estimated from a few independent blocks: with B blocks the
// mean's deviation over its standard error follows t with B - 1 degrees of freedom.
#pragma once

namespace mdgpu {

// P(T <= t) for T ~ Student t with `dof` degrees of freedom (dof >= 1).
double student_t_cdf(double t, int dof);

// The t with P(T <= t) = p, 0 < p < 1.
double student_t_quantile(double p, int dof);

// P(|T| <= 1) of the standard normal, 0.6827: the coverage a "±1σ" error promises.
inline constexpr double kOneSigmaCoverage = 0.6826894921370859;

// The factor that turns a standard error from `dof` + 1 blocks into the half-width of the 68.3 %
// Student t interval (1.84 for 1 dof, 1.14 for 4, 1.06 for 9; 1 for infinitely many).
double one_sigma_factor(int dof);

}  // namespace mdgpu

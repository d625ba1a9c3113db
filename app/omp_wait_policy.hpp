// OpenMP threads that sleep, not spin, while they wait at a join (libgomp spins by default). On a
// machine whose cores are busy with other processes, a spinning thread takes the core its partner
// needs to finish, and two threads ran up to several times slower than one (benches/RESULTS.md).
#pragma once

namespace mdgpu::app {

// libgomp reads OMP_WAIT_POLICY once, when it is loaded, before main: unless the user has set it,
// this sets it to passive and starts the program again (same process, same arguments). Returns
// only when the policy is already set by the environment or the restart failed (then nothing
// changes and the run goes on with libgomp's default).
void default_to_passive_omp_waiting(char** argv);

}  // namespace mdgpu::app

// A request to end the run early but cleanly (SIGINT/SIGTERM, see app/main.cpp): the simulation
// loop finishes its step, writes a checkpoint and returns RunOutcome::Stopped.
#pragma once

namespace mdgpu {

// Async-signal-safe: may be called from a signal handler. `signal_number` > 0 says why.
void request_stop(int signal_number);
// The signal number of the pending request, 0 when none.
int stop_requested();
void clear_stop_request();

}  // namespace mdgpu

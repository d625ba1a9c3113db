#include "engine/stop_request.hpp"

#include <csignal>

namespace mdgpu {
namespace {
// The only type a signal handler may portably write.
volatile std::sig_atomic_t g_stop_signal = 0;
}  // namespace

void request_stop(int signal_number) { g_stop_signal = signal_number; }
int stop_requested() { return g_stop_signal; }
void clear_stop_request() { g_stop_signal = 0; }

}  // namespace mdgpu

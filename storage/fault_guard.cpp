#include "storage/fault_guard.h"

#include <atomic>
#include <csetjmp>
#include <csignal>
#include <mutex>

namespace storage {
namespace {

struct Guard {
  sigjmp_buf resume;
  const std::uint8_t* begin;
  const std::uint8_t* end;
};
// Read by the signal handler, on any thread: constant-initialised, and initial-exec
// so that reading it never allocates (a dynamic TLS access may, the first time).
[[gnu::tls_model("initial-exec")]] thread_local constinit Guard* t_guard = nullptr;

struct sigaction g_previous {};

void onBusError(int signal, siginfo_t* info, void* context) {
  const Guard* guard = t_guard;
  const auto* at = static_cast<const std::uint8_t*>(info->si_addr);
  if (guard != nullptr && at >= guard->begin && at < guard->end) {
    // SA_NODEFER left SIGBUS unblocked, so the mask need not be restored.
    siglongjmp(const_cast<Guard*>(guard)->resume, 1);
  }
  // Not a guarded read. Put back what was there; returning re-runs the faulting
  // instruction, which then meets it (the default: a core dump).
  (void)signal;
  (void)context;
  ::sigaction(SIGBUS, &g_previous, nullptr);
}

void install() {
  struct sigaction action {};
  action.sa_sigaction = onBusError;
  action.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGBUS, &action, &g_previous);
}

}  // namespace

bool runGuarded(const std::uint8_t* begin, std::size_t size, void (*work)(void*),
                void* context) noexcept {
  static std::once_flag installed;
  std::call_once(installed, install);
  Guard guard;
  guard.begin = begin;
  guard.end = begin + size;
  // Savemask 0: sigsetjmp then costs no system call (see SA_NODEFER above).
  if (sigsetjmp(guard.resume, 0) != 0) {
    t_guard = nullptr;
    return false;
  }
  t_guard = &guard;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  work(context);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t_guard = nullptr;
  return true;
}

}  // namespace storage

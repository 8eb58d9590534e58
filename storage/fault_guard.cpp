#include "storage/fault_guard.h"

#include <atomic>
#include <csetjmp>
#include <csignal>
#include <cstdint>
#include <mutex>
#include <unistd.h>

namespace storage {
namespace {

struct Guard {
  sigjmp_buf resume;
  const std::uint8_t* begin;
  const std::uint8_t* end;
};
// Read by the signal handler, on any thread: a lock-free atomic, constant-initialised,
// and initial-exec so that reading it never allocates (a dynamic TLS access may).
[[gnu::tls_model("initial-exec")]] thread_local constinit std::atomic<Guard*> t_guard = nullptr;

struct sigaction g_previous {};

// Hands a fault that is not ours to what was installed before, leaving ours in place.
void forward(int signal, siginfo_t* info, void* context) {
  if ((g_previous.sa_flags & SA_SIGINFO) != 0 && g_previous.sa_sigaction != nullptr) {
    g_previous.sa_sigaction(signal, info, context);
    return;
  }
  if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(signal);
    return;
  }
  // The default: put it back; a hardware fault re-runs its instruction and meets it
  // (a core dump), a sent signal is raised again (unblocked here: SA_NODEFER).
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  ::sigaction(SIGBUS, &fallback, nullptr);
  if (info->si_code <= 0) ::raise(SIGBUS);
}

void onBusError(int signal, siginfo_t* info, void* context) {
  const Guard* guard = t_guard.load(std::memory_order_relaxed);
  const auto* at = static_cast<const std::uint8_t*>(info->si_addr);
  // si_code > 0: raised by the kernel for this access, not sent by kill() or tgkill().
  if (info->si_code > 0 && guard != nullptr && at >= guard->begin && at < guard->end) {
    // SA_NODEFER left SIGBUS unblocked, so the mask need not be restored.
    siglongjmp(const_cast<Guard*>(guard)->resume, 1);
  }
  forward(signal, info, context);
}

bool install() {
  // The old action first, then ours: a fault between the two meets a complete copy.
  if (::sigaction(SIGBUS, nullptr, &g_previous) != 0) return false;
  struct sigaction action {};
  action.sa_sigaction = onBusError;
  action.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  if (::sigaction(SIGBUS, &action, nullptr) != 0) return false;
  // Read back: a sanitizer runtime or a seccomp filter may have kept it from taking effect.
  struct sigaction current {};
  return ::sigaction(SIGBUS, nullptr, &current) == 0 && (current.sa_flags & SA_SIGINFO) != 0 &&
         current.sa_sigaction == onBusError;
}

}  // namespace

bool faultGuardReady() noexcept {
  static std::once_flag once;
  static bool installed = false;
  std::call_once(once, [] { installed = install(); });
  if (!installed) return false;
  // Someone may have replaced it since.
  struct sigaction current {};
  return ::sigaction(SIGBUS, nullptr, &current) == 0 && current.sa_sigaction == onBusError;
}

bool runGuarded(const std::uint8_t* begin, std::size_t size, void (*work)(void*),
                void* context) noexcept {
  static const auto kPage = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  Guard guard;
  // From the start of its page: a memory error reports the page's address.
  guard.begin =
      reinterpret_cast<const std::uint8_t*>(reinterpret_cast<std::uintptr_t>(begin) & ~(kPage - 1));
  guard.end = begin + size;
  Guard* const outer = t_guard.load(std::memory_order_relaxed);
  // Savemask 0: sigsetjmp then costs no system call (see SA_NODEFER above).
  if (sigsetjmp(guard.resume, 0) != 0) {
    t_guard.store(outer, std::memory_order_relaxed);
    return false;
  }
  t_guard.store(&guard, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  work(context);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t_guard.store(outer, std::memory_order_relaxed);
  return true;
}

}  // namespace storage

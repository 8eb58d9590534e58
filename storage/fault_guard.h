// Reading a file mapping without dying of it. A page of a mapped file that can no
// longer be read — the file was cut short underneath, or the disk failed to deliver
// the page — raises SIGBUS, whose default action ends the whole server. runGuarded()
// turns such a fault, on its own thread and inside the range it guards, into a false
// return, the way a failed pread() returns an error.
//
// faultGuardReady() installs a process-wide SIGBUS handler (once) and says whether it is
// in place; a file is mapped only when it is. Faults the handler does not own — another
// thread, an address outside the guarded range, no guard armed, a SIGBUS sent by kill()
// — go to the handler that was there before, or to the default action (a core dump).
// A thread that blocks SIGBUS is not guarded: the kernel kills the process at its fault.
#pragma once

#include <cstddef>
#include <cstdint>

namespace storage {

// Installs the handler the first time; true while it is the process's SIGBUS handler.
bool faultGuardReady() noexcept;

// Runs work(context) while a SIGBUS at an address in [begin, begin + size) on this
// thread is caught. Returns true when `work` ran to its end; false when such a fault
// abandoned it where it stood. Nothing on the stack of `work` is unwound then, so
// `work` must own nothing that needs releasing and hold no lock while it touches the
// range: it computes over the mapping and writes into memory its caller owns, which
// the caller must treat as garbage after a false return. Call faultGuardReady() first.
bool runGuarded(const std::uint8_t* begin, std::size_t size, void (*work)(void*),
                void* context) noexcept;

}  // namespace storage

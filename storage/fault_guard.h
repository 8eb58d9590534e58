// Reading a file mapping without dying of it. A page of a mapped file that can no
// longer be read — the file was cut short underneath, or the disk failed to deliver
// the page — raises SIGBUS, whose default action ends the whole server. runGuarded()
// turns such a fault, on its own thread and inside the range it guards, into a false
// return, the way a failed pread() returns an error.
//
// The first call installs a process-wide SIGBUS handler (once). Faults it does not
// own — another thread, an address outside the guarded range, no guard armed — go to
// the disposition that was there before, as if it had never been installed.
#pragma once

#include <cstddef>
#include <cstdint>

namespace storage {

// Runs work(context) while a SIGBUS at an address in [begin, begin + size) on this
// thread is caught. Returns true when `work` ran to its end; false when such a fault
// abandoned it where it stood. Nothing on the stack of `work` is unwound then, so
// `work` must own nothing that needs releasing and hold no lock while it touches the
// range: it computes over the mapping and writes into memory its caller owns, which
// the caller must treat as garbage after a false return. Not reentrant on one thread.
bool runGuarded(const std::uint8_t* begin, std::size_t size, void (*work)(void*),
                void* context) noexcept;

}  // namespace storage

// Readers of recently streamed objects, kept open between requests. A player asks for
// one range after another of the same object, and opening one costs a database lookup,
// unwrapping the data key, HKDF, the header's tag and the last segment's decryption
// (docs/storage-open-objects.md). An idle reader keeps its file (shared by every reader
// of the object: one mapping) and file key but no buffers; one is used by one request at a time.
//
// Deletion suspends the cache around the commit that destroys a key, and calls forget()
// before removing files: idle readers close at once, readers out in a request close when
// it ends, and nothing opened before is kept after. A thread of the cache's own closes
// readers idle for longer than their time, also when no request comes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "storage/ids.h"
#include "storage/object_reader.h"

namespace storage {

class ObjectReaderCache;

// Hands the reader back to its cache when the handle goes.
struct ObjectReaderReturn {
  std::shared_ptr<ObjectReaderCache> cache;
  Id object = Id::fromBytes({});
  std::uint64_t epoch = 0;
  void operator()(ObjectReader* reader) const noexcept;
};
using ObjectHandle = std::unique_ptr<ObjectReader, ObjectReaderReturn>;

class ObjectReaderCache : public std::enable_shared_from_this<ObjectReaderCache> {
 public:
  // At most `max_idle` readers wait, each at most `max_idle_time`.
  ObjectReaderCache(std::size_t max_idle, std::chrono::milliseconds max_idle_time);
  ~ObjectReaderCache();
  ObjectReaderCache(const ObjectReaderCache&) = delete;
  ObjectReaderCache& operator=(const ObjectReaderCache&) = delete;

  // An idle reader of `object`, or an empty handle.
  ObjectHandle take(const Id& object);
  // Read before looking the object up in the database: a reader opened from a lookup
  // that forget() may have overtaken is closed on its return, not kept.
  std::uint64_t epoch() const;
  // Wraps a newly opened reader; `epoch` is epoch() from before its lookup.
  ObjectHandle adopt(const Id& object, std::uint64_t epoch, std::unique_ptr<ObjectReader> reader);
  // Closes every idle reader; readers out now are closed on their return.
  void forget();

  // While one lives, take() finds nothing and no reader is kept; when it ends, readers
  // opened before (their lookups may predate a deletion's commit) are not kept either.
  class [[nodiscard]] Suspension {
   public:
    explicit Suspension(ObjectReaderCache& cache);
    ~Suspension();
    Suspension(const Suspension&) = delete;
    Suspension& operator=(const Suspension&) = delete;

   private:
    ObjectReaderCache& cache_;
  };
  Suspension suspend() { return Suspension(*this); }

  std::size_t idleCount() const;

  // The file of an open reader of `object` (kept, or out in a request), so that every
  // reader of one object shares one mapping of it instead of mapping and faulting it in
  // again each (docs/storage-mapped-objects.md); null when none is open. A file lives as
  // long as a reader holds it: forget() closing the readers unmaps it.
  std::shared_ptr<const RandomAccessFile> sharedFile(const Id& object);
  // Offers `file` to later readers of `object`.
  void shareFile(const Id& object, std::shared_ptr<const RandomAccessFile> file);

 private:
  friend struct ObjectReaderReturn;
  void give(const Id& object, std::uint64_t epoch, std::unique_ptr<ObjectReader> reader) noexcept;

  struct Idle {
    Id object;
    std::chrono::steady_clock::time_point since;
    std::unique_ptr<ObjectReader> reader;
  };
  // Moves readers idle for too long out of idle_, for closing outside the lock.
  void expireLocked(std::chrono::steady_clock::time_point now, std::vector<Idle>& closing);
  void expireUntilStopped(std::stop_token stop);

  const std::size_t max_idle_;
  const std::chrono::milliseconds max_idle_time_;
  mutable std::mutex mutex_;
  std::condition_variable_any idle_added_;
  std::vector<Idle> idle_;  // oldest first; small, so searched linearly
  // By object id (hex); expired entries are dropped as new ones come.
  std::unordered_map<std::string, std::weak_ptr<const RandomAccessFile>> files_;
  std::uint64_t epoch_ = 0;
  int suspended_ = 0;
  std::jthread expirer_;  // started last, stopped and joined first
};

}  // namespace storage

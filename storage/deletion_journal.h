// The deletion journal: every deletion, recorded outside the database, beside
// the master keys (<keys_dir>/deletions.journal), so that a database restored
// from a backup cannot bring an erased recording back (docs/deletion-journal.md).
//
// One line per deletion, appended and fsync'd before the recording's key is
// destroyed:
//
//   <seq> <recording id hex> <unix time> <reason code> <mac hex>\n
//   mac(n) = HMAC-SHA256(journal key, "LVJOURNAL1" || mac(n-1) || "<seq> <id> <time> <reason>")
//   mac(0) = 32 zero bytes;  journal key = HKDF-SHA256(audit key, salt "LVJOURNAL1",
//   info "lessonvault deletion journal v1")
//
// The chain makes an edited, removed, inserted or reordered line fail; the
// key lives only wrapped in the database, so the journal cannot be re-MACed
// with the key directory alone. A last line without its newline is what a
// crash during an append leaves (its deletion had not begun): it is ignored,
// and cut off before the next append.
//
// Not thread-safe: the vault serialises access under its own lock.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "storage/crypto.h"
#include "storage/file_system.h"
#include "storage/ids.h"

namespace storage {

inline constexpr std::string_view kDeletionJournalName = "deletions.journal";

struct JournalEntry {
  Id recording;
  std::int64_t at = 0;  // unix seconds
  std::string reason;   // a code, as in the tombstone
};

class DeletionJournal {
 public:
  // The journal's MAC key for a vault whose audit key is `audit_key`.
  static Result<SecretKey> deriveKey(const SecretKey& audit_key);

  // Reads and verifies the journal at `path`; a missing file is an empty
  // journal. kSegmentAuth naming the line when a line fails its MAC or is
  // malformed (nothing is changed then: an operator must look).
  static Result<std::unique_ptr<DeletionJournal>> open(FileSystem& fs, std::string path,
                                                       SecretKey key);

  // Appends one line per entry and makes them durable (one fsync; the
  // directory too when the file is new) before returning. On failure nothing
  // is acknowledged; a partial line is cut off by the next append.
  Status append(const std::vector<JournalEntry>& entries);

  const std::vector<JournalEntry>& entries() const { return entries_; }
  bool contains(const Id& recording) const { return recorded_.contains(recording.hex()); }

 private:
  DeletionJournal(FileSystem& fs, std::string path, SecretKey key)
      : fs_(fs), path_(std::move(path)), key_(std::move(key)) {}
  Status load();

  FileSystem& fs_;
  const std::string path_;
  const SecretKey key_;
  std::vector<JournalEntry> entries_;
  std::set<std::string> recorded_;  // recording ids (hex) in entries_
  Mac last_mac_{};
  bool exists_ = false;
  bool name_durable_ = false;     // the file's directory entry has been fsync'd
  std::uint64_t valid_size_ = 0;  // bytes up to the last complete line
  std::uint64_t file_size_ = 0;
};

}  // namespace storage

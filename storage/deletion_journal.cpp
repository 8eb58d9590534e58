#include "storage/deletion_journal.h"

#include <charconv>

#include "storage/hex.h"

namespace storage {
namespace {

constexpr std::string_view kMacLabel = "LVJOURNAL1";
constexpr std::string_view kKeyInfo = "lessonvault deletion journal v1";
// A line is about 120 bytes: this is far more deletions than a school makes,
// and keeps a corrupt or hostile file from exhausting memory at start-up.
constexpr std::uint64_t kMaxJournalBytes = 256ull << 20;

Bytes asBytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

Result<Mac> lineMac(const SecretKey& key, const Mac& previous, std::string_view body) {
  std::string input(kMacLabel);
  input.append(reinterpret_cast<const char*>(previous.data()), previous.size());
  input.append(body);
  return hmacSha256(key, asBytes(input));
}

std::string lineBody(std::int64_t seq, const JournalEntry& entry) {
  return std::to_string(seq) + " " + entry.recording.hex() + " " + std::to_string(entry.at) + " " +
         entry.reason;
}

bool isCode(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    if (!(c == '_' || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

bool parseInt(std::string_view text, std::int64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  while (!line.empty()) {
    const std::size_t space = line.find(' ');
    out.push_back(line.substr(0, space));
    line = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  }
  return out;
}

}  // namespace

Result<SecretKey> DeletionJournal::deriveKey(const SecretKey& audit_key) {
  return hkdfSha256(audit_key, asBytes(kMacLabel), asBytes(kKeyInfo));
}

Result<std::unique_ptr<DeletionJournal>> DeletionJournal::open(FileSystem& fs, std::string path,
                                                               SecretKey key) {
  std::unique_ptr<DeletionJournal> journal(
      new DeletionJournal(fs, std::move(path), std::move(key)));
  LV_TRY(journal->load());
  return journal;
}

Status DeletionJournal::load() {
  auto file = fs_.openRead(path_);
  if (!file) {
    if (file.error().code == ErrorCode::kNotFound) return {};
    return std::unexpected(file.error());
  }
  exists_ = true;
  name_durable_ = true;
  auto size = (*file)->size();
  if (!size) return std::unexpected(size.error());
  if (*size > kMaxJournalBytes) {
    return fail(ErrorCode::kLimit, path_ + " is larger than the deletion journal may grow");
  }
  file_size_ = *size;
  std::string text(*size, '\0');
  LV_TRY((*file)->readAt(0, {reinterpret_cast<std::uint8_t*>(text.data()), text.size()}));

  std::size_t start = 0;
  std::int64_t seq = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    ++seq;
    const std::string_view line(text.data() + start, end - start);
    auto bad = [&](std::string_view what) {
      return fail(ErrorCode::kSegmentAuth, path_ + ": line " + std::to_string(seq) + " " +
                                               std::string(what) +
                                               "; the deletion journal was altered or damaged");
    };
    const auto parts = fields(line);
    std::int64_t line_seq = 0;
    JournalEntry entry{Id::fromBytes({}), 0, ""};
    Mac mac{};
    if (parts.size() != 5 || !parseInt(parts[0], line_seq) || !parseInt(parts[2], entry.at) ||
        !isCode(parts[3]) || !fromHex(parts[4], mac)) {
      return bad("is malformed");
    }
    auto id = Id::parse(parts[1]);
    if (!id) return bad("is malformed");
    if (line_seq != seq) return bad("is out of sequence");
    entry.recording = *id;
    entry.reason = std::string(parts[3]);
    auto expected = lineMac(key_, last_mac_, lineBody(seq, entry));
    if (!expected) return std::unexpected(expected.error());
    if (!constantTimeEqual(*expected, mac)) return bad("fails its MAC");
    last_mac_ = mac;
    recorded_.insert(entry.recording.hex());
    entries_.push_back(std::move(entry));
  }
  valid_size_ = start;  // anything after it is a line a crash cut short
  return {};
}

Status DeletionJournal::append(const std::vector<JournalEntry>& entries) {
  if (entries.empty()) return {};
  std::string text;
  Mac mac = last_mac_;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!isCode(entries[i].reason)) {
      return fail(ErrorCode::kInvalidArgument, "journal reason must be a code of a-z and _");
    }
    const std::string body =
        lineBody(static_cast<std::int64_t>(entries_.size() + i + 1), entries[i]);
    auto next = lineMac(key_, mac, body);
    if (!next) return std::unexpected(next.error());
    mac = *next;
    text += body + " " + toHex(mac) + "\n";
  }
  if (file_size_ != valid_size_) LV_TRY(fs_.truncate(path_, valid_size_));
  file_size_ = valid_size_;
  auto file = exists_ ? fs_.openAppend(path_) : fs_.createNew(path_);
  if (!file) return std::unexpected(file.error());
  exists_ = true;
  // Until the sync succeeds the file may hold a partial tail: remember to cut it.
  file_size_ = valid_size_ + text.size();
  LV_TRY((*file)->append(asBytes(text)));
  LV_TRY((*file)->sync());
  if (!name_durable_) {
    LV_TRY(fs_.syncDir(parentDir(path_)));
    name_durable_ = true;
  }
  valid_size_ = file_size_;
  last_mac_ = mac;
  for (const JournalEntry& entry : entries) {
    recorded_.insert(entry.recording.hex());
    entries_.push_back(entry);
  }
  return {};
}

}  // namespace storage

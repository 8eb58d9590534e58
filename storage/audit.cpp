#include "storage/audit.h"

#include <algorithm>
#include <cstring>

#include "storage/byte_order.h"
#include "storage/hex.h"

namespace storage {
namespace {

constexpr std::string_view kDomain = "LVAUDIT1";
constexpr std::size_t kMaxField = 64;

// Ids and codes: lowercase letters, digits and _ - : only. Names, titles and
// sentences cannot pass, which keeps personal data out of the chain.
bool isIdOrCode(std::string_view field, bool may_be_empty) {
  if (field.empty()) return may_be_empty;
  return field.size() <= kMaxField && std::all_of(field.begin(), field.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                  c == ':';
         });
}

void appendField(std::vector<std::uint8_t>& out, std::string_view field) {
  std::uint8_t length[4];
  putBigEndian32(length, static_cast<std::uint32_t>(field.size()));
  out.insert(out.end(), length, length + 4);
  out.insert(out.end(), field.begin(), field.end());
}

Result<Mac> entryMac(const SecretKey& key, std::int64_t seq, const AuditRecord& r,
                     const Mac& previous) {
  std::vector<std::uint8_t> canonical(kDomain.begin(), kDomain.end());
  std::uint8_t number[8];
  putBigEndian64(number, static_cast<std::uint64_t>(seq));
  canonical.insert(canonical.end(), number, number + 8);
  putBigEndian64(number, static_cast<std::uint64_t>(r.at));
  canonical.insert(canonical.end(), number, number + 8);
  for (std::string_view field : {r.actor, r.action, r.object, r.outcome, r.reason}) {
    appendField(canonical, field);
  }
  canonical.insert(canonical.end(), previous.begin(), previous.end());
  return hmacSha256(key, canonical);
}

bool toMac(const std::vector<std::uint8_t>& blob, Mac& out) {
  if (blob.size() != out.size()) return false;
  std::copy(blob.begin(), blob.end(), out.begin());
  return true;
}

}  // namespace

std::string AuditHead::toString() const { return std::to_string(seq) + ":" + toHex(mac); }

std::optional<AuditHead> AuditHead::parse(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 18) return std::nullopt;
  AuditHead head;
  for (char c : text.substr(0, colon)) {
    if (c < '0' || c > '9') return std::nullopt;
    head.seq = head.seq * 10 + (c - '0');
  }
  if (!fromHex(text.substr(colon + 1), head.mac)) return std::nullopt;
  return head;
}

Result<AuditHead> auditHead(Database& db) {
  auto last = db.prepare("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1");
  if (!last) return std::unexpected(last.error());
  auto row = last->step();
  if (!row) return std::unexpected(row.error());
  AuditHead head;
  if (*row) {
    head.seq = last->columnInt(0);
    if (!toMac(last->columnBlob(1), head.mac)) {
      return fail(ErrorCode::kDatabase,
                  "audit entry " + std::to_string(head.seq) + " has a malformed MAC");
    }
  }
  return head;
}

Status appendAudit(Database& db, const SecretKey& audit_key, const AuditRecord& record) {
  if (!isIdOrCode(record.actor, false) || !isIdOrCode(record.action, false) ||
      !isIdOrCode(record.object, true) || !isIdOrCode(record.outcome, false) ||
      !isIdOrCode(record.reason, true)) {
    return fail(ErrorCode::kInvalidArgument,
                "audit fields must be ids or codes ([a-z0-9_:-], at most 64), never free text");
  }
  auto head = auditHead(db);
  if (!head) return std::unexpected(head.error());
  const std::int64_t seq = head->seq + 1;
  auto mac = entryMac(audit_key, seq, record, head->mac);
  if (!mac) return std::unexpected(mac.error());
  auto insert = db.prepare(
      "INSERT INTO audit (seq, at, actor, action, object, outcome, reason, prev, mac) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!insert) return std::unexpected(insert.error());
  return insert->bind(1, seq)
      .bind(2, record.at)
      .bind(3, record.actor)
      .bind(4, record.action)
      .bind(5, record.object)
      .bind(6, record.outcome)
      .bind(7, record.reason)
      .bindBlob(8, head->mac)
      .bindBlob(9, *mac)
      .run();
}

Result<AuditVerification> verifyAudit(Database& db, const SecretKey& audit_key,
                                      const std::optional<AuditHead>& expected,
                                      std::int64_t chunk) {
  // In chunks, each its own read snapshot: a long chain never holds one snapshot for the
  // whole walk (a checkpoint, which a deletion needs, waits for the readers of old ones).
  const std::int64_t kChunk = std::max<std::int64_t>(chunk, 1);
  auto select = db.prepare(
      "SELECT seq, at, actor, action, object, outcome, reason, prev, mac FROM audit "
      "WHERE seq > ?1 ORDER BY seq LIMIT ?2");
  if (!select) return std::unexpected(select.error());
  AuditVerification result;
  auto broken = [&](std::int64_t seq, std::string problem) {
    result.broken_at = seq;
    result.problem = std::move(problem);
  };
  std::int64_t in_chunk = kChunk;
  for (;;) {
    if (in_chunk == kChunk) {
      select->reset();
      select->bind(1, result.head.seq).bind(2, kChunk);
      in_chunk = 0;
    }
    auto row = select->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;  // a chunk that was not full: the end of the chain
    ++in_chunk;
    const std::int64_t seq = select->columnInt(0);
    const std::int64_t want = result.head.seq + 1;
    const AuditRecord record{select->columnInt(1),  select->columnText(2), select->columnText(3),
                             select->columnText(4), select->columnText(5), select->columnText(6)};
    Mac prev{}, mac{};
    if (seq != want) {
      broken(want, seq > want ? "entry " + std::to_string(want) + " is missing (the next is " +
                                    std::to_string(seq) + ")"
                              : "entry " + std::to_string(seq) + " is out of sequence");
      break;
    }
    if (!toMac(select->columnBlob(7), prev) || !toMac(select->columnBlob(8), mac)) {
      broken(seq, "entry " + std::to_string(seq) + " has a malformed hash");
      break;
    }
    if (!constantTimeEqual(prev, result.head.mac)) {
      broken(seq, "entry " + std::to_string(seq) +
                      " does not follow the entry before it (removed, inserted or reordered)");
      break;
    }
    auto computed = entryMac(audit_key, seq, record, prev);
    if (!computed) return std::unexpected(computed.error());
    if (!constantTimeEqual(*computed, mac)) {
      broken(seq, "entry " + std::to_string(seq) + " was altered (its MAC does not match)");
      break;
    }
    result.head = AuditHead{seq, mac};
    ++result.entries;
  }
  if (result.ok() && expected && expected->seq > 0) {
    if (result.head.seq < expected->seq) {
      broken(result.head.seq + 1, "the chain ends at entry " + std::to_string(result.head.seq) +
                                      " but the expected head is entry " +
                                      std::to_string(expected->seq) + ": entries were cut off");
    } else {
      // The expected head must still be in the chain, unchanged.
      auto at = db.prepare("SELECT mac FROM audit WHERE seq = ?1");
      if (!at) return std::unexpected(at.error());
      auto row = at->bind(1, expected->seq).step();
      if (!row) return std::unexpected(row.error());
      Mac mac{};
      if (!*row || !toMac(at->columnBlob(0), mac) || !constantTimeEqual(mac, expected->mac)) {
        broken(expected->seq, "entry " + std::to_string(expected->seq) +
                                  " is not the expected head: the chain was rewritten");
      }
    }
  }
  return result;
}

}  // namespace storage

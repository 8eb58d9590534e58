// Changes to an existing recording's own facts: its title and description
// (R6, R13), its purpose end (R5), ending its purpose now, and a rights
// holder's erasure request (R14). Each is decided by acl, checked, written
// and audited in one transaction; deletion then follows Vault's order.
#pragma once

#include <string>
#include <vector>

#include "storage/collaboration.h"

namespace storage {

inline constexpr std::size_t kMaxReasonBytes = 2000;
// Erasure requests by one person on one recording: more add nothing but storage, and one
// person's requests never block another's.
inline constexpr std::int64_t kMaxErasureRequestsPerPerson = 10;

// New title and description (needs manage, like every change to the
// recording's facts). The pupil-name check (R6) runs as at creation.
Result<Decision<void>> updateRecordingText(Vault& vault, acl::PersonId by, const Id& recording,
                                           std::string_view title, std::string_view description,
                                           bool names_confirmed, acl::Date today,
                                           std::int64_t now);

// Moves the purpose end (acl::checkPurposeEndChange: shorten freely,
// lengthen within the cap with a written reason).
Result<Decision<void>> changePurposeEnd(Vault& vault, acl::PersonId by, const Id& recording,
                                        acl::Date new_end, std::string_view reason,
                                        const acl::PurposeCaps& caps, acl::Date today,
                                        std::int64_t now);

// Ends the purpose now: the recording is deleted at once (Vault::deleteRecording,
// reason purpose_ended_early). The owner or a manager (end_purpose), or the
// privacy officer carrying out an erasure (erase, reason erased).
Result<Decision<void>> endPurposeNow(Vault& vault, acl::PersonId by, const Id& recording,
                                     acl::Action action, acl::Date today, std::int64_t now);

// R14: a rights holder (a guardian of a pupil under 16, or the pupil from 16)
// asks for the recording to be erased. Needs view_metadata and to be the
// subject pupil or their guardian; the reason is stored for the owner and the
// privacy officer, never in the audit log. Returns the request's id.
Result<Decision<Id>> requestErasure(Vault& vault, acl::PersonId by, const Id& recording,
                                    std::string_view reason, acl::Date today, std::int64_t now);

struct ErasureRequest {
  Id id = Id::fromBytes({});
  Id recording = Id::fromBytes({});
  acl::PersonId requested_by = 0;
  std::string reason;
  std::int64_t requested_at = 0;
};

// Open requests for one recording, oldest first.
Result<std::vector<ErasureRequest>> erasureRequests(Database& db, const Id& recording);

}  // namespace storage

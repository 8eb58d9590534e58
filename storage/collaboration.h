// Changes people make to a recording after it exists: naming and removing
// participants (R4), and timestamped comments (R11). Each is decided by
// acl, checked, written and audited in one transaction: the audit entry
// records the final outcome (done, or denied with the first broken rule).
#pragma once

#include <vector>

#include "acl/comments.h"
#include "storage/recording_repo.h"

namespace storage {

inline constexpr std::size_t kMaxCommentBytes = 4000;
// Comments by one author on one recording: a bound on what a client can make us store that
// leaves the others free to comment.
inline constexpr std::int64_t kMaxCommentsPerAuthor = 2000;

template <typename T>
using Decision = std::expected<T, acl::Denial>;

// Names `participant.person` on the recording, or replaces their entry (to
// change rights or "until"). Needs manage (manage_participants).
Result<Decision<void>> setParticipant(Vault& vault, acl::PersonId by, const Id& recording,
                                      const acl::Participant& participant, acl::Date today,
                                      std::int64_t now);

// Removes someone's entry; the owner cannot be removed.
Result<Decision<void>> removeParticipant(Vault& vault, acl::PersonId by, const Id& recording,
                                         acl::PersonId person, acl::Date today, std::int64_t now);

// Adds a comment at `position_ms` (needs the comment right). The text is 1 to
// kMaxCommentBytes bytes; kInvalidArgument otherwise.
Result<Decision<std::int64_t>> addComment(Vault& vault, acl::PersonId author, const Id& recording,
                                          std::int64_t position_ms, std::string_view text,
                                          acl::CommentVisibility visibility, acl::Date today,
                                          std::int64_t now);

// The comments `viewer` may see (view_metadata, then acl::canSeeComment), by position.
Result<Decision<std::vector<acl::Comment>>> listComments(Vault& vault, acl::PersonId viewer,
                                                         const Id& recording, acl::Date today,
                                                         std::int64_t now);

}  // namespace storage

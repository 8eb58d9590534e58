// Comments on a recording: shared (everyone who may view the recording's
// metadata sees them) or personal (R11: a teacher's work notes, seen by their
// author only and left out of every export, the author's own included).
//
// canSeeComment() decides only the shared/personal part: call it for someone
// decide(view_metadata) has already allowed. Even the privacy officer and the
// owner cannot see another person's personal comment.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "acl/people.h"

namespace acl {

enum class CommentVisibility { kShared, kPersonal };

std::string_view commentVisibilityName(CommentVisibility visibility);  // "shared", "personal"
std::optional<CommentVisibility> parseCommentVisibility(std::string_view name);

struct Comment {
  std::int64_t id = 0;  // assigned by storage
  PersonId author = 0;
  CommentVisibility visibility = CommentVisibility::kShared;
  std::string text;
  std::optional<std::int64_t> position_ms;  // where in the recording, if anywhere
};

bool canSeeComment(const Actor& viewer, const Comment& comment);

// Whether the comment may appear in an export (access requests, R11, R12).
bool exportable(const Comment& comment);

// The exportable comments, in their order.
std::vector<Comment> commentsForExport(std::span<const Comment> comments);

}  // namespace acl

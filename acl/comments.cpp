#include "acl/comments.h"

namespace acl {

std::string_view commentVisibilityName(CommentVisibility visibility) {
  switch (visibility) {
    case CommentVisibility::kShared:
      return "shared";
    case CommentVisibility::kPersonal:
      return "personal";
  }
  return "";
}

std::optional<CommentVisibility> parseCommentVisibility(std::string_view name) {
  if (name == "shared") return CommentVisibility::kShared;
  if (name == "personal") return CommentVisibility::kPersonal;
  return std::nullopt;
}

bool canSeeComment(const Actor& viewer, const Comment& comment) {
  return comment.visibility == CommentVisibility::kShared || comment.author == viewer.person.id;
}

bool exportable(const Comment& comment) { return comment.visibility == CommentVisibility::kShared; }

std::vector<Comment> commentsForExport(std::span<const Comment> comments) {
  std::vector<Comment> exported;
  for (const Comment& comment : comments) {
    if (exportable(comment)) exported.push_back(comment);
  }
  return exported;
}

}  // namespace acl

// R11: a personal comment is seen by its author only and left out of every
// export; shared comments are seen by everyone who may view the recording.
#include "acl/comments.h"

#include <gtest/gtest.h>

#include "tests/acl/world.h"

namespace acl::testing {
namespace {

Comment comment(std::int64_t id, PersonId author, CommentVisibility visibility) {
  return Comment{id, author, visibility, "note " + std::to_string(id), std::nullopt};
}

TEST(Comments, PersonalIsSeenByItsAuthorOnly) {
  Actor author = makeActor(Who::kStaff);
  Comment personal = comment(1, author.person.id, CommentVisibility::kPersonal);
  EXPECT_TRUE(canSeeComment(author, personal));
  for (Who other : {Who::kAdminStaff, Who::kPrivacyOfficer, Who::kStaffPrivacyOfficer,
                    Who::kGuardian, Who::kSubjectPupil, Who::kAdmin}) {
    EXPECT_FALSE(canSeeComment(makeActor(other), personal)) << makeActor(other).person.display_name;
  }
}

TEST(Comments, SharedIsSeenByEveryViewer) {
  Comment shared = comment(2, 1, CommentVisibility::kShared);
  EXPECT_TRUE(canSeeComment(makeActor(Who::kStaff), shared));
  EXPECT_TRUE(canSeeComment(makeActor(Who::kGuardian), shared));
}

TEST(Comments, ExportsLeaveOutEveryPersonalComment) {
  const std::vector<Comment> comments = {
      comment(1, 1, CommentVisibility::kShared), comment(2, 1, CommentVisibility::kPersonal),
      comment(3, 5, CommentVisibility::kShared), comment(4, 5, CommentVisibility::kPersonal)};
  std::vector<Comment> exported = commentsForExport(comments);
  ASSERT_EQ(exported.size(), 2u);
  EXPECT_EQ(exported[0].id, 1);
  EXPECT_EQ(exported[1].id, 3);
  EXPECT_FALSE(exportable(comments[1])) << "not even in the author's own export";
  EXPECT_TRUE(exportable(comments[0]));
}

}  // namespace
}  // namespace acl::testing

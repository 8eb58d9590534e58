#include "acl/recording.h"

#include <algorithm>

namespace acl {
namespace {

constexpr Relation kRelations[] = {Relation::kTrainee,         Relation::kSupervisor,
                                   Relation::kTeacherEducator, Relation::kSupportCoordinator,
                                   Relation::kTeacher,         Relation::kSubjectPupil,
                                   Relation::kGuardian};
constexpr Right kRights[] = {Right::kView, Right::kComment, Right::kManage};
constexpr RecordingStatus kStatuses[] = {RecordingStatus::kUploading, RecordingStatus::kProcessing,
                                         RecordingStatus::kReady, RecordingStatus::kFailed,
                                         RecordingStatus::kDeleting};

}  // namespace

std::string_view relationName(Relation relation) {
  switch (relation) {
    case Relation::kTrainee:
      return "trainee";
    case Relation::kSupervisor:
      return "supervisor";
    case Relation::kTeacherEducator:
      return "teacher_educator";
    case Relation::kSupportCoordinator:
      return "support_coordinator";
    case Relation::kTeacher:
      return "teacher";
    case Relation::kSubjectPupil:
      return "subject_pupil";
    case Relation::kGuardian:
      return "guardian";
  }
  return "";
}

std::optional<Relation> parseRelation(std::string_view name) {
  for (Relation relation : kRelations) {
    if (relationName(relation) == name) return relation;
  }
  return std::nullopt;
}

bool isStaffRelation(Relation relation) {
  return relation != Relation::kSubjectPupil && relation != Relation::kGuardian;
}

std::string_view rightName(Right right) {
  switch (right) {
    case Right::kView:
      return "view";
    case Right::kComment:
      return "comment";
    case Right::kManage:
      return "manage";
  }
  return "";
}

std::optional<Right> parseRight(std::string_view name) {
  for (Right right : kRights) {
    if (rightName(right) == name) return right;
  }
  return std::nullopt;
}

bool Rights::has(Right right) const {
  switch (right) {
    case Right::kView:
      return view;
    case Right::kComment:
      return comment;
    case Right::kManage:
      return manage;
  }
  return false;
}

std::string formatRights(const Rights& rights) {
  std::string text;
  for (Right right : kRights) {
    if (!rights.has(right)) continue;
    if (!text.empty()) text += ',';
    text += rightName(right);
  }
  return text;
}

std::optional<Rights> parseRights(std::string_view text) {
  Rights rights;
  if (text.empty()) return rights;
  while (true) {
    std::size_t comma = text.find(',');
    auto right = parseRight(text.substr(0, comma));
    if (!right || rights.has(*right)) return std::nullopt;
    if (*right == Right::kView) rights.view = true;
    if (*right == Right::kComment) rights.comment = true;
    if (*right == Right::kManage) rights.manage = true;
    if (comma == std::string_view::npos) return rights;
    text.remove_prefix(comma + 1);
  }
}

std::string_view recordingStatusName(RecordingStatus status) {
  switch (status) {
    case RecordingStatus::kUploading:
      return "uploading";
    case RecordingStatus::kProcessing:
      return "processing";
    case RecordingStatus::kReady:
      return "ready";
    case RecordingStatus::kFailed:
      return "failed";
    case RecordingStatus::kDeleting:
      return "deleting";
  }
  return "";
}

std::optional<RecordingStatus> parseRecordingStatus(std::string_view name) {
  for (RecordingStatus status : kStatuses) {
    if (recordingStatusName(status) == name) return status;
  }
  return std::nullopt;
}

bool purposeEnded(const RecordingFacts& recording, Date today) {
  return today > recording.purpose_end;
}

const Participant* findParticipant(const RecordingFacts& recording, PersonId person) {
  auto it = std::ranges::find(recording.participants, person, &Participant::person);
  return it == recording.participants.end() ? nullptr : &*it;
}

bool grantValid(const Participant& participant, Date today) {
  return !participant.until.has_value() || today <= *participant.until;
}

}  // namespace acl

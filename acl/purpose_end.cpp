#include "acl/purpose_end.h"

#include <algorithm>

#include "acl/age.h"

namespace acl {
namespace {

bool isBlank(std::string_view text) {
  return std::ranges::all_of(text, [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

Check checkCap(Purpose purpose, Date created_on, Date end, const PurposeCaps& caps) {
  Date latest = latestPurposeEnd(purpose, created_on, caps);
  if (end <= latest) return {};
  return deny(Reason::kDeniedPurposeEndBeyondCap,
              "a " + std::string(purposeName(purpose)) + " recording created on " +
                  formatDate(created_on) + " may be kept until " + formatDate(latest) + " at most");
}

}  // namespace

Date latestPurposeEnd(Purpose purpose, Date created_on, const PurposeCaps& caps) {
  int days =
      purpose == Purpose::kTeacherTraining ? caps.teacher_training_days : caps.student_support_days;
  return addDays(created_on, days);
}

Check checkWrittenPurpose(std::string_view written_purpose) {
  if (!isBlank(written_purpose)) return {};
  return deny(Reason::kDeniedWrittenPurposeMissing, "describe the purpose of the recording");
}

Check checkWrittenReason(std::string_view reason) {
  if (!isBlank(reason)) return {};
  return deny(Reason::kDeniedReasonRequired, "give a reason");
}

Check checkPurposeEnd(Purpose purpose, std::optional<Date> end, Date today,
                      const PurposeCaps& caps) {
  if (!end) return deny(Reason::kDeniedPurposeEndMissing, "a purpose end date is required");
  if (*end < today) {
    return deny(Reason::kDeniedPurposeEndInPast, "the purpose end date is in the past");
  }
  return checkCap(purpose, today, *end, caps);
}

Check checkPurposeEndChange(const RecordingFacts& recording, Date new_end, std::string_view reason,
                            Date today, const PurposeCaps& caps) {
  if (purposeEnded(recording, today)) {
    return deny(Reason::kDeniedPurposeEnded, "the purpose has ended; the recording is deleted");
  }
  if (new_end < today) {
    return deny(Reason::kDeniedPurposeEndInPast,
                "the new end date is in the past; end the purpose instead");
  }
  if (new_end <= recording.purpose_end) return {};
  if (Check written = checkWrittenReason(reason); !written) {
    return deny(Reason::kDeniedReasonRequired, "lengthening the purpose needs a written reason");
  }
  return checkCap(recording.purpose, recording.created_on, new_end, caps);
}

}  // namespace acl

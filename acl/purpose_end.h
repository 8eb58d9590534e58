// The written purpose (R1) and the purpose end (R5) of a recording: required,
// capped per purpose from the creation date, shortened freely, lengthened only
// within the cap and with a written reason.
//
// The end date is inclusive (the recording may be used on it; the first sweep
// after it deletes the recording), and so is the cap: a teacher_training
// recording created on 2027-01-04 may end on 2027-07-03 (+180 days), not later.
#pragma once

#include <optional>
#include <string_view>

#include "acl/purpose.h"
#include "acl/reason.h"
#include "acl/recording.h"

namespace acl {

// Configuration (the server reads it from its properties file). Days > 0.
struct PurposeCaps {
  int teacher_training_days = 180;
  int student_support_days = 365;
};

// The latest end date allowed for a recording of `purpose` created on `created_on`.
Date latestPurposeEnd(Purpose purpose, Date created_on, const PurposeCaps& caps);

// R1: the written purpose may not be empty or blank (denied_written_purpose_missing).
Check checkWrittenPurpose(std::string_view written_purpose);

// A written reason (erase, lengthening an end date): not empty or blank
// (denied_reason_required). Its text goes to the audit log, not to acl.
Check checkWrittenReason(std::string_view reason);

// The end date chosen at creation, on `today` (the creation date):
// denied_purpose_end_missing, denied_purpose_end_in_past (before today; today
// itself is allowed), denied_purpose_end_beyond_cap.
Check checkPurposeEnd(Purpose purpose, std::optional<Date> end, Date today,
                      const PurposeCaps& caps);

// Moving the end date of an existing recording to `new_end` on `today`:
// denied_purpose_ended (the old end has passed: the recording is due for
// deletion and cannot be revived), denied_purpose_end_in_past (to end it now,
// use end_purpose), then shortening or keeping is allowed; lengthening needs
// checkWrittenReason(reason) and new_end <= latestPurposeEnd() from the
// creation date (denied_reason_required, denied_purpose_end_beyond_cap).
Check checkPurposeEndChange(const RecordingFacts& recording, Date new_end, std::string_view reason,
                            Date today, const PurposeCaps& caps);

}  // namespace acl

// The consultation record required at creation (R2: recordings are made in
// consultation with the trainee, or with the parents and the child).
//
// teacher_training: the trainee must be among those consulted.
// student_support: the pupil must be, and while the pupil is under 16 on the
// creation date, at least one of the pupil's guardians too. The creation date
// decides, not the consultation date, because that is when the recording
// comes into being and whoever holds the pupil's rights then (R10: the pupil
// from 16) is who must have been heard. The consultation may not be dated
// after the creation date.
#pragma once

#include <optional>
#include <vector>

#include "acl/people.h"
#include "acl/purpose.h"
#include "acl/reason.h"

namespace acl {

// Who was consulted, and on which day. Stored with the recording.
struct Consultation {
  std::vector<PersonId> consulted = {};
  Date consulted_on = {};
};

// Who should have been consulted, as the caller knows them at creation.
struct ConsultationParties {
  Purpose purpose = Purpose::kTeacherTraining;
  std::optional<PersonId> trainee = std::nullopt;       // teacher_training
  std::optional<PersonId> pupil = std::nullopt;         // student_support
  std::optional<Date> pupil_birth_date = std::nullopt;  // student_support
  std::vector<PersonId> pupil_guardians = {};           // guardiansOf(pupil, ...)
};

// Reasons, in the order tried: denied_consultation_missing (nobody listed),
// denied_consultation_in_future (after `created_on`),
// denied_consultation_without_trainee, denied_consultation_without_pupil
// (also when the parties lack the trainee or pupil, or the pupil's birth
// date), denied_consultation_without_guardian.
Check checkConsultation(const Consultation& consultation, const ConsultationParties& parties,
                        Date created_on);

}  // namespace acl

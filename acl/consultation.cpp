#include "acl/consultation.h"

#include <algorithm>

#include "acl/age.h"
#include "acl/relation_rule.h"

namespace acl {
namespace {

bool consulted(const Consultation& consultation, PersonId person) {
  return std::ranges::find(consultation.consulted, person) != consultation.consulted.end();
}

Check checkStudentSupport(const Consultation& consultation, const ConsultationParties& parties,
                          Date created_on) {
  if (!parties.pupil || !parties.pupil_birth_date || !consulted(consultation, *parties.pupil)) {
    return deny(Reason::kDeniedConsultationWithoutPupil,
                "a student_support recording is made in consultation with the pupil");
  }
  // From 16 the pupil holds their own rights (R10); below, a guardian is heard too.
  if (ageOn(*parties.pupil_birth_date, created_on) >= kGuardianConsentAge) return {};
  bool guardian_heard = std::ranges::any_of(parties.pupil_guardians, [&](PersonId guardian) {
    return consulted(consultation, guardian);
  });
  if (guardian_heard) return {};
  return deny(Reason::kDeniedConsultationWithoutGuardian,
              "the pupil is under 16: consult at least one of the pupil's guardians");
}

}  // namespace

Check checkConsultation(const Consultation& consultation, const ConsultationParties& parties,
                        Date created_on) {
  if (consultation.consulted.empty()) {
    return deny(Reason::kDeniedConsultationMissing, "record who was consulted");
  }
  if (consultation.consulted_on > created_on) {
    return deny(Reason::kDeniedConsultationInFuture, "the consultation date is in the future");
  }
  if (parties.purpose == Purpose::kStudentSupport) {
    return checkStudentSupport(consultation, parties, created_on);
  }
  if (!parties.trainee || !consulted(consultation, *parties.trainee)) {
    return deny(Reason::kDeniedConsultationWithoutTrainee,
                "a teacher_training recording is made in consultation with the trainee");
  }
  return {};
}

}  // namespace acl

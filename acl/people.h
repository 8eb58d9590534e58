// People and their roles: who someone is to the school (admin, privacy officer,
// staff, guardian, pupil), which pupils a guardian is responsible for, and the
// Actor — the person making a request, as every acl rule sees them.
//
// Plain values: storage maps them to rows, enums to their snake_case names.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "acl/purpose.h"

namespace acl {

// Assigned by storage (a database row id); acl only compares ids.
using PersonId = std::int64_t;

enum class Role {
  kAdmin,           // accounts, roster, config; sees no recording content
  kPrivacyOfficer,  // audit, register, exports, erasure; no content unless named
  kStaff,           // teachers, trainees, supervisors, coordinators: may record
  kGuardian,
  kPupil,
};

std::string_view roleName(Role role);  // "admin", "privacy_officer", "staff", "guardian", "pupil"
std::optional<Role> parseRole(std::string_view name);

struct Person {
  PersonId id = 0;
  std::string display_name;
  std::vector<Role> roles;         // a person may hold several (staff + privacy_officer)
  std::optional<Date> birth_date;  // pupils only; nobody else's is kept
  std::optional<Date> left_on;     // the last day the person belonged to the school
};

// `guardian` is a guardian of `pupil` (R2, R10).
struct Guardianship {
  PersonId guardian = 0;
  PersonId pupil = 0;
  friend bool operator==(const Guardianship&, const Guardianship&) = default;
};

// The person a rule is about: the one making a request (decide()), or the one
// being added to a recording (validateParticipant()). guardian_of lists the
// pupils this person is currently a guardian of.
struct Actor {
  Person person;
  std::vector<PersonId> guardian_of;
};

bool hasRole(const Person& person, Role role);

// Whether the person has left on `today`. left_on is inclusive: on the date
// itself they still belong to the school, from the next day on they do not.
bool hasLeft(const Person& person, Date today);

// Whether `actor` is a guardian of `pupil`.
bool isGuardianOf(const Actor& actor, PersonId pupil);

// The pupils `guardian` is a guardian of, from a list of guardianships, in list
// order — how storage's rows become Actor::guardian_of.
std::vector<PersonId> pupilsOf(PersonId guardian, std::span<const Guardianship> guardianships);
// The guardians of `pupil`, in list order (for checkConsultation()).
std::vector<PersonId> guardiansOf(PersonId pupil, std::span<const Guardianship> guardianships);

}  // namespace acl

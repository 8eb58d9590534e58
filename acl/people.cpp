#include "acl/people.h"

#include <algorithm>

namespace acl {

std::string_view roleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kPrivacyOfficer:
      return "privacy_officer";
    case Role::kStaff:
      return "staff";
    case Role::kGuardian:
      return "guardian";
    case Role::kPupil:
      return "pupil";
  }
  return "";
}

std::optional<Role> parseRole(std::string_view name) {
  for (Role role :
       {Role::kAdmin, Role::kPrivacyOfficer, Role::kStaff, Role::kGuardian, Role::kPupil}) {
    if (roleName(role) == name) return role;
  }
  return std::nullopt;
}

bool hasRole(const Person& person, Role role) {
  return std::ranges::find(person.roles, role) != person.roles.end();
}

bool hasLeft(const Person& person, Date today) {
  return person.left_on.has_value() && today > *person.left_on;
}

bool isGuardianOf(const Actor& actor, PersonId pupil) {
  return std::ranges::find(actor.guardian_of, pupil) != actor.guardian_of.end();
}

std::vector<PersonId> pupilsOf(PersonId guardian, std::span<const Guardianship> guardianships) {
  std::vector<PersonId> pupils;
  for (const Guardianship& g : guardianships) {
    if (g.guardian == guardian) pupils.push_back(g.pupil);
  }
  return pupils;
}

std::vector<PersonId> guardiansOf(PersonId pupil, std::span<const Guardianship> guardianships) {
  std::vector<PersonId> guardians;
  for (const Guardianship& g : guardianships) {
    if (g.pupil == pupil) guardians.push_back(g.guardian);
  }
  return guardians;
}

}  // namespace acl

#include "server/processing_register.h"

#include <sstream>

namespace server {
namespace {

std::int64_t countOf(const std::map<std::string, std::int64_t>& counts, const std::string& key) {
  auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

}  // namespace

std::string processingRegister(const Config& config, const storage::Statistics& s,
                               const std::string& generated_on) {
  std::ostringstream out;
  out << "LessonVault processing register (R15), generated " << generated_on
      << " from the configuration and the live database.\n"
         "Nothing below is shared with third parties (R16); nothing leaves the school's "
         "server.\n\n";

  out << "1. Lesson recordings\n"
         "   Purposes (R1): teacher training; student support. One per recording, with a\n"
         "   written purpose.\n"
         "   Legal basis (R3): legitimate interest of the school; made in consultation with\n"
         "   the trainee, or with the pupil and (under 16) a guardian (R2), recorded at creation.\n"
         "   Data: video and audio of a lesson, its title, description and written purpose,\n"
         "   the named participants, timestamped feedback. Embedded metadata (location,\n"
         "   device, dates) is removed at ingest.\n"
         "   Who: only the people named on the recording, inside the school network (R4);\n"
         "   no downloads, no public links.\n"
         "   Kept (R5): until the purpose end date chosen at creation, at most "
      << config.max_days_teacher_training << " days (teacher training) or "
      << config.max_days_student_support
      << " days (student support)\n"
         "   after creation; then deleted automatically: key first, then files.\n"
         "   Security (R9): AES-256-GCM at rest with a key per recording; audited access.\n"
         "   Now: "
      << countOf(s.recordings_by_purpose, "teacher_training") << " teacher training, "
      << countOf(s.recordings_by_purpose, "student_support") << " student support; "
      << s.recordings_deleted << " deleted so far (tombstones hold no personal data).\n\n";

  out << "2. Roster\n"
         "   Data: display name, role, the school's own id, birth date (pupils only),\n"
         "   guardianships, the date someone left.\n"
         "   Purpose: deciding who may see which recording (R4, R10).\n"
         "   Kept (R19): until 2 years after someone left, unless a recording that still\n"
         "   exists names them.\n"
         "   Now: "
      << countOf(s.people_by_role, "staff") << " staff, " << countOf(s.people_by_role, "pupil")
      << " pupils, " << countOf(s.people_by_role, "guardian") << " guardians, "
      << countOf(s.people_by_role, "admin") << " admins, "
      << countOf(s.people_by_role, "privacy_officer") << " privacy officers; " << s.people_left
      << " have left; " << s.guardianships << " guardianships.\n\n";

  out << "3. Consent register (R7)\n"
         "   Categories: "
      << config.consent_categories
      << ".\n"
         "   Forms are only added: the latest wins, the history stays.\n"
         "   Now: "
      << s.consent_forms << " forms.\n\n";

  out << "4. Feedback\n"
         "   Timestamped comments on recordings; personal ones are seen by their author only\n"
         "   and left out of every export (R11). Deleted with the recording.\n"
         "   Now: "
      << s.shared_comments << " shared, " << s.personal_comments << " personal.\n\n";

  out << "5. Audit log (R9, invariant 5)\n"
         "   Who did what to which recording and when, as ids and codes only (no names or\n"
         "   titles), chained and MACed so that changes are detected.\n"
         "   Now: "
      << s.audit_entries << " entries.\n";
  return out.str();
}

}  // namespace server

// Everything stored about one person (R12, R15), for the privacy officer to
// hand over: roster data, guardianships, consent history, the recordings they
// are named on (metadata only), the recordings they were consulted about (R2),
// when those were viewed and by which role and relation (never by whom), their
// shared comments, and what they did (their own audit entries, with any other
// person's id removed). Left out: other people's personal data (names, birth
// dates, ids, who recorded a form) and personal comments (R11), even their own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/vault.h"

namespace storage {

struct ExportedRecording {
  std::string id, title, purpose, written_purpose, purpose_end, status, created_on;
  std::string relation;  // "owner" for the owner
  std::string rights, until;
  struct View {
    std::int64_t at;
    std::string viewer_roles;     // e.g. "staff"
    std::string viewer_relation;  // on this recording, or "none"
  };
  std::vector<View> views;
};

struct ExportedConsentForm {
  std::string category, form_date;
  bool given;
  std::int64_t recorded_at;
};

struct ExportedComment {
  std::string recording_id;
  std::int64_t position_ms, created_at;
  std::string body;
};

struct ExportedConsultation {
  std::string recording_id, consulted_on;  // R2: they were consulted about it
};

struct ExportedAction {
  std::int64_t at;
  std::string action, object, outcome, reason;
};

struct PersonExport {
  std::int64_t id = 0;
  std::string external_id, display_name, birth_date, left_on;
  std::vector<std::string> roles;
  std::vector<std::string> guardian_of;  // external ids of their pupils
  std::vector<std::string> guardians;    // external ids of their guardians
  std::vector<ExportedConsentForm> consent;
  std::vector<ExportedRecording> recordings;
  std::vector<ExportedConsultation> consultations;
  std::vector<ExportedComment> comments;  // shared ones only
  std::vector<ExportedAction> actions;
};

// kNotFound when nobody has that external id. Audited as export_person.
Result<PersonExport> exportPerson(Vault& vault, std::string_view external_id, std::int64_t now,
                                  const std::string& actor);

}  // namespace storage

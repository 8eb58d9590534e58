#include "storage/consent_forms.h"

namespace storage {

Result<std::int64_t> recordConsentForm(Vault& vault, const acl::ConsentForm& form,
                                       const acl::ConsentConfig& config, acl::Date today,
                                       std::int64_t now, const std::string& actor) {
  if (auto checked = acl::checkConsentForm(form, config, today); !checked) {
    return fail(ErrorCode::kInvalidArgument, std::string(acl::reasonName(checked.error().reason)) +
                                                 ": " + checked.error().message);
  }
  std::int64_t sequence = 0;
  auto done = vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    auto pupil = db.prepare("SELECT 1 FROM person_roles WHERE person_id = ?1 AND role = 'pupil'");
    if (!pupil) return std::unexpected(pupil.error());
    auto found = pupil->bind(1, form.pupil).step();
    if (!found) return std::unexpected(found.error());
    if (!*found)
      return fail(ErrorCode::kNotFound, "no pupil with id " + std::to_string(form.pupil));
    pupil->reset();
    auto insert = db.prepare(
        "INSERT INTO consent_forms (pupil_id, category, given, form_date, recorded_by, "
        "recorded_at) VALUES (?1, ?2, ?3, ?4, nullif(?5, 0), ?6)");
    if (!insert) return std::unexpected(insert.error());
    LV_TRY(insert->bind(1, form.pupil)
               .bind(2, form.category)
               .bind(3, form.given ? 1 : 0)
               .bind(4, acl::formatDate(form.form_date))
               .bind(5, form.recorded_by)
               .bind(6, now)
               .run());
    sequence = db.lastInsertId();
    return audit({now, actor, "record_consent", std::to_string(form.pupil), "done", form.category});
  });
  if (!done) return std::unexpected(done.error());
  return sequence;
}

Result<std::vector<acl::ConsentForm>> consentForms(Vault& vault, acl::PersonId pupil) {
  std::vector<acl::ConsentForm> forms;
  auto done = vault.read([&](Database& db) -> Status {
    auto select = db.prepare(
        "SELECT id, category, given, form_date, coalesce(recorded_by, 0) FROM consent_forms "
        "WHERE pupil_id = ?1 ORDER BY id");
    if (!select) return std::unexpected(select.error());
    select->bind(1, pupil);
    for (;;) {
      auto row = select->step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return {};
      auto date = acl::parseDate(select->columnText(3));
      if (!date) return fail(ErrorCode::kDatabase, "malformed form_date in consent_forms");
      forms.push_back({pupil, select->columnText(1), *date, select->columnInt(2) != 0,
                       select->columnInt(4), select->columnInt(0)});
    }
  });
  if (!done) return std::unexpected(done.error());
  return forms;
}

}  // namespace storage

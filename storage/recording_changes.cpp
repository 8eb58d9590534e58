#include "storage/recording_changes.h"

#include "acl/name_check.h"
#include "acl/purpose_end.h"

namespace storage {
namespace {

Status auditChange(const Vault::Auditor& audit, std::int64_t now, acl::PersonId by,
                   std::string_view action, const Id& recording, const acl::Check& check) {
  return audit({now, std::to_string(by), std::string(action), recording.hex(),
                check ? "done" : "denied",
                check ? "" : std::string(acl::reasonName(check.error().reason))});
}

template <typename T>
Result<Decision<T>> outcome(const Status& done, const std::optional<acl::Denial>& denied,
                            Decision<T> result) {
  if (!done) return std::unexpected(done.error());
  if (denied) return Decision<T>(std::unexpect, *denied);
  return result;
}

}  // namespace

Result<Decision<void>> updateRecordingText(Vault& vault, acl::PersonId by, const Id& recording,
                                           std::string_view title, std::string_view description,
                                           bool names_confirmed, acl::Date today,
                                           std::int64_t now) {
  if (title.empty() || title.size() > kMaxTitleBytes || description.size() > kMaxDescriptionBytes) {
    return fail(ErrorCode::kInvalidArgument, "title or description out of bounds");
  }
  std::optional<acl::Denial> denied;
  auto done = whenAllowed(
      vault, by, acl::Action::kManageParticipants, recording, today, now,
      "you may not change this recording", denied,
      [&](Database& db, const Vault::Auditor& audit, Decided&) -> Status {
        auto roster = rosterPupils(db);
        if (!roster) return std::unexpected(roster.error());
        const std::string text = std::string(title) + "\n" + std::string(description);
        const acl::Check check =
            acl::acceptNameCheck(acl::checkPupilNames(text, *roster), names_confirmed);
        LV_TRY(auditChange(audit, now, by, "update_recording", recording, check));
        if (!check) {
          denied = check.error();
          return {};
        }
        auto update = db.prepare(
            "UPDATE recording_details SET title = ?2, description = ?3 WHERE recording_id = ?1");
        if (!update) return std::unexpected(update.error());
        return update->bind(1, recording.hex()).bind(2, title).bind(3, description).run();
      });
  return outcome<void>(done, denied, {});
}

Result<Decision<void>> changePurposeEnd(Vault& vault, acl::PersonId by, const Id& recording,
                                        acl::Date new_end, std::string_view reason,
                                        const acl::PurposeCaps& caps, acl::Date today,
                                        std::int64_t now) {
  if (reason.size() > kMaxReasonBytes) {
    return fail(ErrorCode::kInvalidArgument, "reason too long");
  }
  std::optional<acl::Denial> denied;
  auto done = whenAllowed(
      vault, by, acl::Action::kChangePurposeEnd, recording, today, now,
      "you may not change this recording's end date", denied,
      [&](Database& db, const Vault::Auditor& audit, Decided& decided) -> Status {
        const acl::Check check =
            acl::checkPurposeEndChange(*decided.facts, new_end, reason, today, caps);
        LV_TRY(auditChange(audit, now, by, "change_purpose_end", recording, check));
        if (!check) {
          denied = check.error();
          return {};
        }
        auto update = db.prepare("UPDATE recordings SET purpose_end = ?2 WHERE id = ?1");
        if (!update) return std::unexpected(update.error());
        return update->bind(1, recording.hex()).bind(2, acl::formatDate(new_end)).run();
      });
  return outcome<void>(done, denied, {});
}

Result<Decision<void>> endPurposeNow(Vault& vault, acl::PersonId by, const Id& recording,
                                     acl::Action action, acl::Date today, std::int64_t now) {
  if (action != acl::Action::kEndPurpose && action != acl::Action::kErase) {
    return fail(ErrorCode::kInvalidArgument, "endPurposeNow takes end_purpose or erase");
  }
  std::optional<acl::Denial> denied;
  auto done = whenAllowed(vault, by, action, recording, today, now,
                          "you may not end this recording's purpose", denied,
                          [](Database&, const Vault::Auditor&, Decided&) -> Status { return {}; });
  if (!done) return std::unexpected(done.error());
  if (denied) return Decision<void>(std::unexpect, *denied);
  // Decided, then deleted in Vault's crash-safe order (its own transactions);
  // the deletion's audit entry names the person who ended it.
  const std::string_view reason =
      action == acl::Action::kErase ? "erased" : "purpose_ended_early";
  LV_TRY(vault.deleteRecording(recording, reason, now, std::to_string(by)));
  return Decision<void>{};
}

Result<Decision<Id>> requestErasure(Vault& vault, acl::PersonId by, const Id& recording,
                                    std::string_view reason, acl::Date today, std::int64_t now) {
  if (reason.size() > kMaxReasonBytes) {
    return fail(ErrorCode::kInvalidArgument, "reason too long");
  }
  auto id = Id::random();
  if (!id) return std::unexpected(id.error());
  std::optional<acl::Denial> denied;
  auto done = whenAllowed(
      vault, by, acl::Action::kViewMetadata, recording, today, now,
      "you may not ask for this recording to be erased", denied,
      [&](Database& db, const Vault::Auditor& audit, Decided& decided) -> Status {
        // The bound first: a refusal for a full count changes nothing, so there is nothing
        // to audit (a rolled-back transaction would take its audit row along).
        auto count = db.prepare(
            "SELECT count(*) FROM erasure_requests WHERE recording_id = ?1 AND requested_by = ?2");
        if (!count) return std::unexpected(count.error());
        LV_TRY(count->bind(1, recording.hex()).bind(2, by).step());
        if (count->columnInt(0) >= kMaxErasureRequestsPerPerson) {
          return fail(ErrorCode::kLimit, "you have asked for erasure the most times one person can");
        }
        // A rights holder: the subject pupil from 16 or a guardian of the
        // pupil; the view right (already decided) covers the age rules (R10).
        const auto& subject = decided.facts->subject;
        const bool holder =
            subject && (subject->id == by || acl::isGuardianOf(decided.actor, subject->id));
        acl::Check check;
        if (!holder) {
          check = acl::deny(acl::Reason::kDeniedNotSubjectPupil,
                            "only the pupil or their guardian can ask for erasure");
        } else {
          check = acl::checkWrittenReason(reason);
        }
        LV_TRY(auditChange(audit, now, by, "request_erasure", recording, check));
        if (!check) {
          denied = check.error();
          return {};
        }
        auto insert = db.prepare(
            "INSERT INTO erasure_requests (id, recording_id, requested_by, reason, requested_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5)");
        if (!insert) return std::unexpected(insert.error());
        return insert->bind(1, id->hex())
            .bind(2, recording.hex())
            .bind(3, by)
            .bind(4, reason)
            .bind(5, now)
            .run();
      });
  return outcome<Id>(done, denied, *id);
}

Result<std::vector<ErasureRequest>> erasureRequests(Database& db, const Id& recording) {
  auto select = db.prepare(
      "SELECT id, requested_by, reason, requested_at FROM erasure_requests "
      "WHERE recording_id = ?1 ORDER BY requested_at, id");
  if (!select) return std::unexpected(select.error());
  select->bind(1, recording.hex());
  std::vector<ErasureRequest> out;
  LV_TRY(select->forEachRow([&](const Statement& s) -> Status {
    auto id = Id::parse(s.columnText(0));
    if (!id) return fail(ErrorCode::kDatabase, "malformed erasure request id");
    out.push_back({*id, recording, s.columnInt(1), s.columnText(2), s.columnInt(3)});
    return {};
  }));
  return out;
}

}  // namespace storage

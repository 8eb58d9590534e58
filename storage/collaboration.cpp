#include "storage/collaboration.h"

#include <algorithm>
#include <functional>
#include <optional>

#include "acl/participants.h"

namespace storage {
namespace {

// One audit entry for a change: "done" with the affected object, or "denied"
// with the first rule it broke.
Status auditOutcome(const Vault::Auditor& audit, std::int64_t now, acl::PersonId by,
                    acl::Action action, const std::string& object, const acl::Check& check) {
  return audit({now, std::to_string(by), std::string(acl::actionName(action)), object,
                check ? "done" : "denied",
                check ? "" : std::string(acl::reasonName(check.error().reason))});
}

// object for entries about one person on one recording: "<recording>:<person id>"
std::string personOn(const Id& recording, acl::PersonId person) {
  return recording.hex() + ":" + std::to_string(person);
}

}  // namespace

Result<Decision<void>> setParticipant(Vault& vault, acl::PersonId by, const Id& recording,
                                      const acl::Participant& participant, acl::Date today,
                                      std::int64_t now) {
  Decision<void> outcome;
  std::optional<acl::Denial> denied;
  auto done = whenAllowed(
      vault, by, acl::Action::kManageParticipants, recording, today, now,
      "you may not manage this recording's people", denied,
      [&](Database& db, const Vault::Auditor& audit, Decided& decided) -> Status {
        acl::RecordingFacts facts = *decided.facts;
        std::erase_if(facts.participants,
                      [&](const acl::Participant& p) { return p.person == participant.person; });
        auto person = loadActor(db, participant.person);
        if (!person) {
          if (person.error().code != ErrorCode::kNotFound) return std::unexpected(person.error());
          outcome = acl::deny(acl::Reason::kDeniedParticipantMismatch, "no such person");
        } else {
          outcome = acl::validateParticipant(facts, participant, *person, today);
        }
        LV_TRY(auditOutcome(audit, now, by, acl::Action::kManageParticipants,
                            personOn(recording, participant.person), outcome));
        if (!outcome) return {};
        auto upsert = db.prepare(
            "INSERT INTO participants VALUES (?1, ?2, ?3, ?4, ?5) "
            "ON CONFLICT (recording_id, person_id) DO UPDATE SET relation = excluded.relation, "
            "rights = excluded.rights, until = excluded.until");
        if (!upsert) return std::unexpected(upsert.error());
        upsert->bind(1, recording.hex())
            .bind(2, participant.person)
            .bind(3, acl::relationName(participant.relation))
            .bind(4, acl::formatRights(participant.rights));
        if (participant.until) {
          upsert->bind(5, acl::formatDate(*participant.until));
        } else {
          upsert->bindNull(5);
        }
        return upsert->run();
      });
  if (!done) return std::unexpected(done.error());
  if (denied) outcome = std::unexpected(*denied);
  return outcome;
}

Result<Decision<void>> removeParticipant(Vault& vault, acl::PersonId by, const Id& recording,
                                         acl::PersonId person, acl::Date today, std::int64_t now) {
  Decision<void> outcome;
  std::optional<acl::Denial> denied;
  auto done = whenAllowed(
      vault, by, acl::Action::kManageParticipants, recording, today, now,
      "you may not manage this recording's people", denied,
      [&](Database& db, const Vault::Auditor& audit, Decided& decided) -> Status {
        outcome = acl::checkRemoveParticipant(*decided.facts, person);
        LV_TRY(auditOutcome(audit, now, by, acl::Action::kManageParticipants,
                            personOn(recording, person), outcome));
        if (!outcome) return {};
        auto remove =
            db.prepare("DELETE FROM participants WHERE recording_id = ?1 AND person_id = ?2");
        if (!remove) return std::unexpected(remove.error());
        return remove->bind(1, recording.hex()).bind(2, person).run();
      });
  if (!done) return std::unexpected(done.error());
  if (denied) outcome = std::unexpected(*denied);
  return outcome;
}

Result<Decision<std::int64_t>> addComment(Vault& vault, acl::PersonId author, const Id& recording,
                                          std::int64_t position_ms, std::string_view text,
                                          acl::CommentVisibility visibility, acl::Date today,
                                          std::int64_t now) {
  if (text.empty() || text.size() > kMaxCommentBytes || position_ms < 0) {
    return fail(ErrorCode::kInvalidArgument,
                "a comment needs 1 to 4000 bytes of text and a "
                "position of 0 or more");
  }
  Decision<std::int64_t> outcome;
  std::optional<acl::Denial> denied;
  auto done = whenAllowed(
      vault, author, acl::Action::kComment, recording, today, now, "you may not comment here",
      denied, [&](Database& db, const Vault::Auditor& audit, Decided&) -> Status {
        auto count = db.prepare(
            "SELECT count(*) FROM comments WHERE recording_id = ?1 AND author_id = ?2");
        if (!count) return std::unexpected(count.error());
        LV_TRY(count->bind(1, recording.hex()).bind(2, author).step());
        if (count->columnInt(0) >= kMaxCommentsPerAuthor) {
          return fail(ErrorCode::kLimit, "you have written the most comments one person can here");
        }
        auto insert = db.prepare(
            "INSERT INTO comments (recording_id, author_id, position_ms, body, personal, "
            "created_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        if (!insert) return std::unexpected(insert.error());
        LV_TRY(insert->bind(1, recording.hex())
                   .bind(2, author)
                   .bind(3, position_ms)
                   .bind(4, text)
                   .bind(5, visibility == acl::CommentVisibility::kPersonal ? 1 : 0)
                   .bind(6, now)
                   .run());
        outcome = db.lastInsertId();
        return auditOutcome(audit, now, author, acl::Action::kComment, recording.hex(), {});
      });
  if (!done) return std::unexpected(done.error());
  if (denied) outcome = std::unexpected(*denied);
  return outcome;
}

Result<Decision<std::vector<acl::Comment>>> listComments(Vault& vault, acl::PersonId viewer,
                                                         const Id& recording, acl::Date today,
                                                         std::int64_t now) {
  Decision<std::vector<acl::Comment>> outcome;
  std::optional<acl::Denial> denied;
  auto done = whenAllowed(
      vault, viewer, acl::Action::kViewMetadata, recording, today, now, "not visible to you",
      denied, [&](Database& db, const Vault::Auditor& audit, Decided& decided) -> Status {
        auto select = db.prepare(
            "SELECT id, author_id, personal, body, position_ms FROM comments WHERE recording_id = "
            "?1 "
            "ORDER BY position_ms, id");
        if (!select) return std::unexpected(select.error());
        select->bind(1, recording.hex());
        std::vector<acl::Comment> visible;
        for (;;) {
          auto row = select->step();
          if (!row) return std::unexpected(row.error());
          if (!*row) break;
          acl::Comment comment{select->columnInt(0), select->columnInt(1),
                               select->columnInt(2) != 0 ? acl::CommentVisibility::kPersonal
                                                         : acl::CommentVisibility::kShared,
                               select->columnText(3), select->columnInt(4)};
          if (acl::canSeeComment(decided.actor, comment)) visible.push_back(std::move(comment));
        }
        outcome = std::move(visible);
        return auditOutcome(audit, now, viewer, acl::Action::kViewMetadata, recording.hex(), {});
      });
  if (!done) return std::unexpected(done.error());
  if (denied) outcome = std::unexpected(*denied);
  return outcome;
}

}  // namespace storage

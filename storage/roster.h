// The school's roster as a CSV file, and its import (lessonvault-admin
// import-roster). Columns, in this order, with a header line:
//
//   external_id   the school's own id, 1–64 of [A-Za-z0-9._-], unique in the file
//   display_name  the name shown in the app (and in the viewer's watermark)
//   role          admin | privacy_officer | staff | guardian | pupil; several joined by '|'
//   birth_date    YYYY-MM-DD, required for pupils and refused for everyone else
//   guardian_of   external ids of the pupils this guardian is responsible for, joined by '|'
//   left_on       YYYY-MM-DD, the last day the person belonged to the school (optional)
//
// Fields are separated by ',' or, as Dutch spreadsheets write them, by ';'
// (whichever the header uses); quoting follows RFC 4180; UTF-8, a BOM is allowed.
// Every problem is reported with its line and column, and then nothing is imported.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "acl/people.h"
#include "storage/vault.h"

namespace storage {

inline constexpr std::size_t kMaxRosterBytes = 16 * 1024 * 1024;
inline constexpr std::size_t kMaxRosterRecords = 100000;

struct RosterEntry {
  int line = 0;  // where the record starts in the file, for problems found later
  std::string external_id;
  std::string display_name;
  std::vector<acl::Role> roles;
  std::optional<acl::Date> birth_date;
  std::vector<std::string> guardian_of;
  std::optional<acl::Date> left_on;
};

struct RosterProblem {
  int line = 0;
  std::string column;  // empty for problems with the whole line
  std::string message;
  std::string toString() const;  // "line 7, column role: ..."
};

struct ParsedRoster {
  std::vector<RosterEntry> entries;
  std::vector<RosterProblem> problems;
};

// Parses and checks every line on its own; `today` bounds birth dates.
ParsedRoster parseRoster(std::string_view csv, acl::Date today);

struct RosterImport {
  int skipped = 0;  // new people who left more than 2 years ago (R19): not added
  int added = 0;
  int updated = 0;
  int unchanged = 0;
  std::vector<RosterProblem> problems;  // non-empty: nothing was imported
};

// Checks what needs the database (guardian_of must name pupils, in the file or
// already known) and imports every entry in one transaction, matched by
// external id: new people are added, changed ones updated, identical ones left
// alone (so importing the same file twice changes nothing). A guardian's
// guardianships become exactly those listed. People not in the file are left
// as they are. Each addition and update is audited.
// Someone not yet known whose "left on" date is more than 2 years before
// `today` is skipped: retention (R19) would purge them at once, and a school's
// full export should not bring them back after each purge.
Result<RosterImport> importRoster(Vault& vault, const std::vector<RosterEntry>& entries,
                                  acl::Date today, std::int64_t now, const std::string& actor);

}  // namespace storage

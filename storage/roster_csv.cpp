// Parsing and per-line checks of the roster CSV (roster.h).
#include <algorithm>
#include <array>
#include <unordered_map>

#include "storage/roster.h"

namespace storage {
namespace {

constexpr std::array<std::string_view, 6> kColumns = {"external_id", "display_name", "role",
                                                      "birth_date",  "guardian_of",  "left_on"};
constexpr std::size_t kMaxField = 1000;

struct Record {
  int line;
  std::vector<std::string> fields;
};

// RFC 4180 records; a quoted field may hold separators, quotes ("") and line breaks.
bool splitRecords(std::string_view text, char separator, std::vector<Record>& out,
                  std::vector<RosterProblem>& problems) {
  int line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    Record record{line, {}};
    std::string field;
    bool quoted = false, was_quoted = false;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (quoted) {
        if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          // A line break is LF, CRLF or a lone CR (old Mac exports).
          if (c == '\n' || (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) ++line;
          field += c;
        }
      } else if (c == '"' && field.empty() && !was_quoted) {
        quoted = was_quoted = true;
      } else if (c == separator) {
        record.fields.push_back(std::move(field));
        field.clear();
        was_quoted = false;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        break;
      } else {
        field += c;
      }
    }
    if (quoted) {
      problems.push_back({record.line, "", "a quoted field is never closed"});
      return false;
    }
    record.fields.push_back(std::move(field));
    const bool blank = record.fields.size() == 1 && record.fields[0].empty();
    if (!blank) out.push_back(std::move(record));
    if (out.size() > kMaxRosterRecords + 1) {
      problems.push_back({line, "", "more than " + std::to_string(kMaxRosterRecords) + " lines"});
      return false;
    }
  }
  return true;
}

std::vector<std::string> splitList(std::string_view text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t bar = std::min(text.find('|', start), text.size());
    items.emplace_back(text.substr(start, bar - start));
    start = bar + 1;
  }
  return items;
}

bool isExternalId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

// Printable text: no control characters (a tab or a newline in a name is an error in the sheet).
bool isDisplayName(std::string_view name) {
  return !name.empty() && name.size() <= 200 && std::none_of(name.begin(), name.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

class LineChecker {
 public:
  LineChecker(int line, std::vector<RosterProblem>& problems) : line_(line), problems_(problems) {}
  void problem(std::string_view column, std::string message) {
    problems_.push_back({line_, std::string(column), std::move(message)});
  }
  std::optional<acl::Date> date(std::string_view column, std::string_view text) {
    if (text.empty()) return std::nullopt;
    auto date = acl::parseDate(text);
    if (!date) problem(column, "\"" + std::string(text) + "\" is not a date (YYYY-MM-DD)");
    return date;
  }

 private:
  int line_;
  std::vector<RosterProblem>& problems_;
};

void checkEntry(const Record& record, acl::Date today, RosterEntry& entry,
                std::vector<RosterProblem>& problems) {
  LineChecker check(record.line, problems);
  const auto& f = record.fields;
  entry.line = record.line;
  entry.external_id = f[0];
  entry.display_name = f[1];
  if (!isExternalId(f[0]))
    check.problem("external_id", "must be 1-64 letters, digits, '.', '_' or '-'");
  if (!isDisplayName(f[1]))
    check.problem("display_name", "must be 1-200 characters without control characters");
  for (const std::string& name : splitList(f[2])) {
    auto role = acl::parseRole(name);
    if (!role) {
      check.problem("role", "unknown role \"" + name +
                                "\" (admin, privacy_officer, staff, guardian or pupil)");
    } else if (std::find(entry.roles.begin(), entry.roles.end(), *role) != entry.roles.end()) {
      check.problem("role", "role \"" + name + "\" is listed twice");
    } else {
      entry.roles.push_back(*role);
    }
  }
  const bool pupil =
      std::find(entry.roles.begin(), entry.roles.end(), acl::Role::kPupil) != entry.roles.end();
  const bool guardian =
      std::find(entry.roles.begin(), entry.roles.end(), acl::Role::kGuardian) != entry.roles.end();
  entry.birth_date = check.date("birth_date", f[3]);
  if (pupil && f[3].empty()) check.problem("birth_date", "is required for a pupil");
  if (!pupil && !f[3].empty())
    check.problem("birth_date", "is kept for pupils only; leave it empty");
  if (entry.birth_date && *entry.birth_date > today)
    check.problem("birth_date", "lies in the future");
  if (!f[4].empty()) entry.guardian_of = splitList(f[4]);
  if (guardian && entry.guardian_of.empty())
    check.problem("guardian_of", "a guardian needs at least one pupil");
  if (!guardian && !entry.guardian_of.empty())
    check.problem("guardian_of", "is for guardians only");
  for (std::size_t i = 0; i < entry.guardian_of.size(); ++i) {
    const std::string& id = entry.guardian_of[i];
    if (!isExternalId(id)) check.problem("guardian_of", "\"" + id + "\" is not an external id");
    if (std::find(entry.guardian_of.begin(),
                  entry.guardian_of.begin() + static_cast<std::ptrdiff_t>(i),
                  id) != entry.guardian_of.begin() + static_cast<std::ptrdiff_t>(i)) {
      check.problem("guardian_of", "\"" + id + "\" is listed twice");
    }
  }
  entry.left_on = check.date("left_on", f[5]);
}

}  // namespace

std::string RosterProblem::toString() const {
  std::string out = "line " + std::to_string(line);
  if (!column.empty()) out += ", column " + column;
  return out + ": " + message;
}

ParsedRoster parseRoster(std::string_view csv, acl::Date today) {
  ParsedRoster result;
  if (csv.size() > kMaxRosterBytes) {
    result.problems.push_back({0, "", "the file is larger than 16 MiB"});
    return result;
  }
  if (csv.starts_with("\xEF\xBB\xBF")) csv.remove_prefix(3);
  const std::string_view first_line = csv.substr(0, csv.find_first_of("\r\n"));
  const char separator = first_line.find(';') != std::string_view::npos &&
                                 first_line.find(',') == std::string_view::npos
                             ? ';'
                             : ',';
  std::vector<Record> records;
  if (!splitRecords(csv, separator, records, result.problems)) return result;
  if (records.empty() || records[0].fields.size() != kColumns.size() ||
      !std::equal(kColumns.begin(), kColumns.end(), records[0].fields.begin())) {
    result.problems.push_back({1, "",
                               "the header must be: external_id,display_name,role,"
                               "birth_date,guardian_of,left_on"});
    return result;
  }
  std::unordered_map<std::string, int> seen;  // external id -> line
  for (std::size_t r = 1; r < records.size(); ++r) {
    const Record& record = records[r];
    if (record.fields.size() != kColumns.size()) {
      result.problems.push_back(
          {record.line, "", "expected 6 fields, found " + std::to_string(record.fields.size())});
      continue;
    }
    if (std::any_of(record.fields.begin(), record.fields.end(),
                    [](const std::string& field) { return field.size() > kMaxField; })) {
      result.problems.push_back({record.line, "", "a field is longer than 1000 bytes"});
      continue;
    }
    RosterEntry entry;
    checkEntry(record, today, entry, result.problems);
    if (auto earlier = seen.find(entry.external_id); earlier != seen.end()) {
      result.problems.push_back(
          {record.line, "external_id",
           "\"" + entry.external_id + "\" is already on line " + std::to_string(earlier->second)});
    }
    seen.emplace(entry.external_id, record.line);
    result.entries.push_back(std::move(entry));
  }
  return result;
}

}  // namespace storage

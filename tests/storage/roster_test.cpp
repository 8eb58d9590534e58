// The roster CSV and its import, on a real SQLite file: every bad line is
// reported with line and column and nothing is imported; a second import of
// the same file changes nothing.
#include "storage/roster.h"

#include <gtest/gtest.h>

#include "tests/storage/vault_fixture.h"

namespace storage {
namespace {

const acl::Date kToday = *acl::parseDate("2026-11-22");

constexpr char kGood[] =
    "external_id,display_name,role,birth_date,guardian_of,left_on\n"
    "T-001,Anna de Vries,staff,,,\n"
    "T-002,\"Bakker, Piet\",staff|privacy_officer,,,\n"
    "L-100,Sem Jansen,pupil,2012-02-29,,\n"
    "L-101,Noor Jansen,pupil,2015-06-01,,2026-07-15\n"
    "O-500,Eva Jansen,guardian,,L-100|L-101,\n";

class RosterTest : public testing::VaultFixture {
 protected:
  RosterTest() {}

  RosterImport import(std::string_view csv) {
    auto parsed = parseRoster(csv, kToday);
    EXPECT_TRUE(parsed.problems.empty()) << parsed.problems.front().toString();
    auto result = importRoster(*vault_, parsed.entries, kToday, 1000, "cli:uid0");
    EXPECT_TRUE(result) << result.error().toString();
    return result.value_or(RosterImport{});
  }
};

TEST_F(RosterTest, AGoodRosterImportsAndASecondImportChangesNothing) {
  auto first = import(kGood);
  EXPECT_EQ(first.added, 5);
  EXPECT_EQ(count("SELECT count(*) FROM people"), 5);
  EXPECT_EQ(count("SELECT count(*) FROM person_roles"), 6);
  EXPECT_EQ(count("SELECT count(*) FROM guardianships"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM people WHERE display_name = 'Bakker, Piet'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM people WHERE birth_date IS NOT NULL"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM audit WHERE action = 'roster_add'"), 5);

  auto second = import(kGood);
  EXPECT_EQ(second.unchanged, 5);
  EXPECT_EQ(second.added + second.updated, 0);
  EXPECT_EQ(count("SELECT count(*) FROM audit"), 5) << "an unchanged person is not audited";
}

TEST_F(RosterTest, ChangesAreUpdatedAndAudited) {
  import(kGood);
  std::string changed = kGood;
  changed.replace(changed.find("Sem Jansen"), 10, "Sem Jansen-Smit");
  changed.replace(changed.find("L-100|L-101"), 11, "L-101");
  auto result = import(changed);
  EXPECT_EQ(result.updated, 2);  // the pupil's name, the guardian's children
  EXPECT_EQ(result.unchanged, 3);
  EXPECT_EQ(count("SELECT count(*) FROM guardianships"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM audit WHERE action = 'roster_update'"), 2);
}

TEST_F(RosterTest, DutchSpreadsheetsWithSemicolonsCrlfAndABomImportToo) {
  const std::string csv =
      "\xEF\xBB\xBF"
      "external_id;display_name;role;birth_date;guardian_of;left_on\r\n"
      "T-001;Anna de Vries;staff;;;\r\n"
      "L-100;\"Sem; \"\"de kleine\"\" Jansen\";pupil;2012-03-01;;\r\n";
  auto result = import(csv);
  EXPECT_EQ(result.added, 2);
  EXPECT_EQ(count("SELECT count(*) FROM people WHERE display_name = 'Sem; \"de kleine\" Jansen'"),
            1);
}

TEST_F(RosterTest, EveryBadLineIsReportedWithLineAndColumn) {
  struct Case {
    std::string line;
    std::string column;
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {"T 1,Anna,staff,,,", "external_id", "letters, digits"},
      {"T-1,,staff,,,", "display_name", "1-200 characters"},
      {"T-1,Anna,teacher,,,", "role", "unknown role \"teacher\""},
      {"T-1,Anna,staff|staff,,,", "role", "listed twice"},
      {"T-1,Anna,staff,1980-01-01,,", "birth_date", "pupils only"},
      {"L-1,Sem,pupil,,,", "birth_date", "required for a pupil"},
      {"L-1,Sem,pupil,2012-02-30,,", "birth_date", "not a date"},
      {"L-1,Sem,pupil,2030-01-01,,", "birth_date", "in the future"},
      {"O-1,Eva,guardian,,,", "guardian_of", "at least one pupil"},
      {"T-1,Anna,staff,,L-100,", "guardian_of", "guardians only"},
      {"T-1,Anna,staff,,,31-12-2026", "left_on", "not a date"},
      {"T-1,Anna,staff,,", "", "expected 6 fields, found 5"},
      {"T-001,Anna again,staff,,,", "external_id", "already on line 2"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    const std::string csv = std::string(kGood) + c.line + "\n";
    auto parsed = parseRoster(csv, kToday);
    ASSERT_EQ(parsed.problems.size(), 1u);
    EXPECT_EQ(parsed.problems[0].line, 7);
    EXPECT_EQ(parsed.problems[0].column, c.column);
    EXPECT_NE(parsed.problems[0].message.find(c.fragment), std::string::npos)
        << parsed.problems[0].toString();
  }
  auto header = parseRoster("id,name\nT-1,Anna\n", kToday);
  ASSERT_EQ(header.problems.size(), 1u);
  EXPECT_NE(header.problems[0].message.find("header"), std::string::npos);
  auto unclosed = parseRoster(std::string(kGood) + "T-9,\"Anna,staff,,,\n", kToday);
  ASSERT_FALSE(unclosed.problems.empty());
  EXPECT_NE(unclosed.problems[0].message.find("never closed"), std::string::npos);
}

TEST_F(RosterTest, AGuardianOfAnUnknownPupilImportsNothing) {
  const std::string csv = std::string(kGood) +
                          "O-501,Kees Bos,guardian,,L-999,\n"
                          "O-502,Ria Bos,guardian,,T-001,\n";
  auto parsed = parseRoster(csv, kToday);
  ASSERT_TRUE(parsed.problems.empty());
  auto result = importRoster(*vault_, parsed.entries, kToday, 1000, "cli:uid0");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->problems.size(), 2u);
  EXPECT_EQ(result->problems[0].toString(),
            "line 7, column guardian_of: no pupil with external id \"L-999\"");
  EXPECT_EQ(result->problems[1].line, 8);  // T-001 exists, but is no pupil
  EXPECT_EQ(result->added, 0);
  EXPECT_EQ(count("SELECT count(*) FROM people"), 0) << "nothing may be imported";
  EXPECT_EQ(count("SELECT count(*) FROM audit"), 0);
}

TEST_F(RosterTest, SizeLimitsAreEnforced) {
  auto huge = parseRoster(std::string(kMaxRosterBytes + 1, 'x'), kToday);
  ASSERT_EQ(huge.problems.size(), 1u);
  EXPECT_NE(huge.problems[0].message.find("16 MiB"), std::string::npos);
  auto long_field =
      parseRoster(std::string(kGood) + "T-9," + std::string(1001, 'a') + ",staff,,,\n", kToday);
  ASSERT_EQ(long_field.problems.size(), 1u);
  EXPECT_NE(long_field.problems[0].message.find("longer than 1000"), std::string::npos);
}

TEST_F(RosterTest, PeopleWhoLeftLongAgoAreNotAddedAgain) {
  const std::string csv = std::string(kGood) + "T-9,Oud-collega,staff,,,2023-06-30\n";
  auto first = import(csv);
  EXPECT_EQ(first.added, 5);
  EXPECT_EQ(first.skipped, 1) << "left more than 2 years before " << acl::formatDate(kToday);
  EXPECT_EQ(count("SELECT count(*) FROM people WHERE external_id = 'T-9'"), 0);
}

TEST_F(RosterTest, ADuplicatePupilOfAGuardianIsALineProblem) {
  auto parsed = parseRoster(std::string(kGood) + "O-9,Kees,guardian,,L-100|L-100,\n", kToday);
  ASSERT_EQ(parsed.problems.size(), 1u);
  EXPECT_EQ(parsed.problems[0].toString(), "line 7, column guardian_of: \"L-100\" is listed twice");
}

TEST_F(RosterTest, LineNumbersSurviveQuotedLineBreaksAndOldMacFiles) {
  const std::string csv =
      "external_id,display_name,role,birth_date,guardian_of,left_on\r"
      "T-1,\"Anna\rde Vries\",staff,,,\r"
      "T-2,Bert,teacher,,,\r";
  auto parsed = parseRoster(csv, kToday);
  ASSERT_EQ(parsed.problems.size(), 2u);
  EXPECT_EQ(parsed.problems[0].toString(),
            "line 2, column display_name: must be 1-200 characters without control characters");
  EXPECT_EQ(parsed.problems[1].line, 4) << "the CR inside the quotes is a line too";
  EXPECT_EQ(parsed.problems[1].column, "role");
}

}  // namespace
}  // namespace storage

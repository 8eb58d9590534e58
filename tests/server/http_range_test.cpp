// The Range header as players and download tools send it (RFC 9110 §14).
#include "server/http_range.h"

#include <gtest/gtest.h>

namespace server {
namespace {

using Kind = ByteRange::Kind;

struct Case {
  const char* header;
  std::uint64_t size;
  Kind kind;
  std::uint64_t first;
  std::uint64_t last;
};

TEST(HttpRange, EveryFormAgainstItsAnswer) {
  const Case cases[] = {
      {"", 1000, Kind::kWhole, 0, 0},
      {"bytes=0-99", 1000, Kind::kPartial, 0, 99},
      {"bytes=500-", 1000, Kind::kPartial, 500, 999},
      {"bytes=-100", 1000, Kind::kPartial, 900, 999},
      {"bytes=-5000", 1000, Kind::kPartial, 0, 999},       // suffix longer than the file
      {"bytes=900-5000", 1000, Kind::kPartial, 900, 999},  // last byte clipped
      {"bytes=999-999", 1000, Kind::kPartial, 999, 999},
      {" bytes=1-2 ", 1000, Kind::kPartial, 1, 2},
      {"bytes=1000-", 1000, Kind::kUnsatisfiable, 0, 0},
      {"bytes=1000-2000", 1000, Kind::kUnsatisfiable, 0, 0},
      {"bytes=-0", 1000, Kind::kUnsatisfiable, 0, 0},
      {"bytes=-1", 0, Kind::kUnsatisfiable, 0, 0},
      {"bytes=5-1", 1000, Kind::kWhole, 0, 0},        // malformed: ignored
      {"bytes=0-1,5-6", 1000, Kind::kWhole, 0, 0},    // several ranges: ignored
      {"items=0-1", 1000, Kind::kWhole, 0, 0},        // another unit: ignored
      {"bytes=a-b", 1000, Kind::kWhole, 0, 0},
      {"bytes=-", 1000, Kind::kWhole, 0, 0},
      {"bytes=+1-2", 1000, Kind::kWhole, 0, 0},
      {"bytes=99999999999999999999-", 1000, Kind::kWhole, 0, 0},  // overflows 64 bits
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.header);
    const ByteRange range = parseRange(c.header, c.size);
    EXPECT_EQ(range.kind, c.kind);
    if (c.kind == Kind::kPartial) {
      EXPECT_EQ(range.first, c.first);
      EXPECT_EQ(range.last, c.last);
      EXPECT_EQ(range.length(), c.last - c.first + 1);
    }
  }
}

}  // namespace
}  // namespace server

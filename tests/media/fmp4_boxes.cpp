#include "tests/media/fmp4_boxes.h"

#include <functional>

namespace media::testing {
namespace {

std::uint32_t be32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 |
         std::uint32_t{b[at + 2]} << 8 | b[at + 3];
}
std::uint64_t be64(const std::vector<std::uint8_t>& b, std::size_t at) {
  return std::uint64_t{be32(b, at)} << 32 | be32(b, at + 4);
}

// Calls `visit(type, start, size)` for each box in [begin, end).
void forEachBox(const std::vector<std::uint8_t>& b, std::size_t begin, std::size_t end,
                const std::function<void(const std::string&, std::size_t, std::size_t)>& visit) {
  while (begin + 8 <= end) {
    const std::size_t size = be32(b, begin);
    if (size < 8 || begin + size > end) return;
    visit(std::string(b.begin() + static_cast<std::ptrdiff_t>(begin + 4),
                      b.begin() + static_cast<std::ptrdiff_t>(begin + 8)),
          begin, size);
    begin += size;
  }
}

}  // namespace

std::map<std::uint32_t, double> firstPresentationTimes(const std::vector<std::uint8_t>& mp4) {
  std::map<std::uint32_t, std::uint32_t> timescales;  // track id -> mdhd timescale
  std::map<std::uint32_t, double> starts;
  bool first_moof = true;
  forEachBox(mp4, 0, mp4.size(), [&](const std::string& type, std::size_t at, std::size_t size) {
    if (type == "moov") {
      forEachBox(mp4, at + 8, at + size, [&](const std::string& t, std::size_t a, std::size_t s) {
        if (t != "trak") return;
        std::uint32_t id = 0, scale = 0;
        forEachBox(mp4, a + 8, a + s, [&](const std::string& t2, std::size_t a2, std::size_t s2) {
          if (t2 == "tkhd") id = be32(mp4, a2 + (mp4[a2 + 8] == 1 ? 28 : 20));
          if (t2 != "mdia") return;
          forEachBox(mp4, a2 + 8, a2 + s2, [&](const std::string& t3, std::size_t a3, std::size_t) {
            if (t3 == "mdhd") scale = be32(mp4, a3 + (mp4[a3 + 8] == 1 ? 28 : 20));
          });
        });
        timescales[id] = scale;
      });
    }
    if (type != "moof" || !first_moof) return;
    first_moof = false;
    forEachBox(mp4, at + 8, at + size, [&](const std::string& t, std::size_t a, std::size_t s) {
      if (t != "traf") return;
      std::uint32_t id = 0;
      std::uint64_t tfdt = 0;
      std::int64_t cts = 0;
      forEachBox(mp4, a + 8, a + s, [&](const std::string& t2, std::size_t a2, std::size_t) {
        if (t2 == "tfhd") id = be32(mp4, a2 + 12);
        if (t2 == "tfdt") tfdt = mp4[a2 + 8] == 1 ? be64(mp4, a2 + 12) : be32(mp4, a2 + 12);
        if (t2 != "trun") return;
        const std::uint32_t flags = be32(mp4, a2 + 8) & 0xffffff;
        if (!(flags & 0x800)) return;  // no composition offsets: presented at its decode time
        std::size_t p = a2 + 16 + ((flags & 0x1) ? 4 : 0) + ((flags & 0x4) ? 4 : 0);
        p += ((flags & 0x100) ? 4 : 0) + ((flags & 0x200) ? 4 : 0) + ((flags & 0x400) ? 4 : 0);
        const std::uint32_t raw = be32(mp4, p);
        cts = mp4[a2 + 8] == 1 ? static_cast<std::int32_t>(raw) : static_cast<std::int64_t>(raw);
      });
      const std::uint32_t scale = timescales.count(id) ? timescales[id] : 0;
      if (scale > 0) {
        starts[id] = (static_cast<double>(tfdt) + static_cast<double>(cts)) / scale;
      }
    });
  });
  return starts;
}

}  // namespace media::testing

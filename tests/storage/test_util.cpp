#include "tests/storage/test_util.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string_view>
#include <unistd.h>
#include <unordered_map>

#include "storage/hex.h"

namespace storage::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "lv-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::vector<std::uint8_t> pseudoRandom(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint8_t> out(size);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

std::vector<std::uint8_t> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void writeFile(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::vector<std::uint8_t> fromHexString(const std::string& hex) {
  std::vector<std::uint8_t> out(hex.size() / 2);
  if (!fromHex(hex, out)) throw std::runtime_error("bad hex in test");
  return out;
}

SecretKey keyFromByte(std::uint8_t first) {
  std::array<std::uint8_t, kKeySize> raw{};
  for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<std::uint8_t>(first + i);
  return *SecretKey::fromBytes(raw);
}

bool containsAnyWindow(const std::vector<std::uint8_t>& haystack,
                       const std::vector<std::uint8_t>& needle, std::size_t window) {
  if (needle.size() < window || haystack.size() < window) return false;
  // Any `window`-byte match contains a needle piece of half that length that
  // starts at a multiple of the half: index only those pieces, look up every
  // haystack position, and verify candidates in full.
  const std::size_t half = window / 2;
  std::unordered_multimap<std::string_view, std::size_t> pieces;
  const auto* n = reinterpret_cast<const char*>(needle.data());
  for (std::size_t k = 0; k + half <= needle.size(); k += half)
    pieces.emplace(std::string_view(n + k, half), k);
  const auto* h = reinterpret_cast<const char*>(haystack.data());
  for (std::size_t pos = 0; pos + half <= haystack.size(); ++pos) {
    auto [first, last] = pieces.equal_range(std::string_view(h + pos, half));
    for (auto it = first; it != last; ++it) {
      const std::size_t k = it->second;
      for (std::size_t back = 0; back <= half && back <= k && back <= pos; ++back) {
        const std::size_t s = k - back, p = pos - back;
        if (s + window <= needle.size() && p + window <= haystack.size() &&
            std::memcmp(n + s, h + p, window) == 0) {
          return true;
        }
      }
    }
  }
  return false;
}

}  // namespace storage::testing

// Helpers shared by the storage tests: a temporary directory, deterministic
// pseudo-random bytes, and whole-file reads and writes for tampering.
#pragma once

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "storage/crypto.h"

namespace storage::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::vector<std::uint8_t> pseudoRandom(std::size_t size, std::uint64_t seed);
std::vector<std::uint8_t> readFile(const std::string& path);
void writeFile(const std::string& path, const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> fromHexString(const std::string& hex);
SecretKey keyFromByte(std::uint8_t first);  // first, first+1, ... (distinct test keys)
// True when any `window`-byte run of `needle` occurs in `haystack`.
bool containsAnyWindow(const std::vector<std::uint8_t>& haystack,
                       const std::vector<std::uint8_t>& needle, std::size_t window);

}  // namespace storage::testing

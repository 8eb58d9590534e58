#include "server/http_range.h"

#include <charconv>
#include <optional>

namespace server {
namespace {

// A run of decimal digits, without sign or spaces; nullopt for anything else
// and for values that do not fit in 64 bits.
std::optional<std::uint64_t> parseDecimal(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

ByteRange parseRange(std::string_view header, std::uint64_t size) {
  const ByteRange whole;
  constexpr std::string_view kUnit = "bytes=";
  header = trim(header);
  if (!header.starts_with(kUnit)) return whole;
  const std::string_view spec = trim(header.substr(kUnit.size()));
  if (spec.find(',') != std::string_view::npos) return whole;
  const std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  const std::string_view first_text = spec.substr(0, dash);
  const std::string_view last_text = spec.substr(dash + 1);

  ByteRange range;
  if (first_text.empty()) {  // suffix: the last n bytes
    const auto suffix = parseDecimal(last_text);
    if (!suffix) return whole;
    if (*suffix == 0 || size == 0) return {ByteRange::Kind::kUnsatisfiable};
    range.first = *suffix >= size ? 0 : size - *suffix;
    range.last = size - 1;
    range.kind = ByteRange::Kind::kPartial;
    return range;
  }
  const auto first = parseDecimal(first_text);
  if (!first) return whole;
  std::uint64_t last = UINT64_MAX;
  if (!last_text.empty()) {
    const auto parsed = parseDecimal(last_text);
    if (!parsed || *parsed < *first) return whole;
    last = *parsed;
  }
  if (*first >= size) return {ByteRange::Kind::kUnsatisfiable};
  range.kind = ByteRange::Kind::kPartial;
  range.first = *first;
  range.last = last >= size ? size - 1 : last;
  return range;
}

}  // namespace server

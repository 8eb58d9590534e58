// The poster: one JPEG still of the recording, taken near 10% of its duration
// (past the usual black or shaky start), at most 640 pixels wide, turned by
// the display matrix (to the nearest quarter turn) so it stands upright like
// the video does in a player.
// Reads through the same guarded input as probe() and remux().
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "media/byte_io.h"
#include "media/probe.h"

namespace media {

inline constexpr int kPosterMaxWidth = 640;

// The JPEG bytes (small: kept in memory, written by the caller), or nullopt
// for a recording without video.
Result<std::optional<std::vector<std::uint8_t>>> makePoster(ByteSource& source,
                                                            const Limits& limits);

}  // namespace media

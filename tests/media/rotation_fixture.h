// Test helper: copies an MP4 with libav, setting a display matrix on its video
// stream — the rotation a phone records, which FFmpeg 5.1's command line cannot
// set. Returns false on any libav error.
#pragma once

#include <string>

namespace media::testing {

bool writeRotatedCopy(const std::string& input, const std::string& output, double degrees);

}  // namespace media::testing

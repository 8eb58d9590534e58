// The processing register (R15) that `lessonvault-admin register` prints:
// what is processed, why, for how long and shared with whom — generated from
// the configuration and live counts, so it cannot drift from what the
// service actually does.
#pragma once

#include <string>

#include "server/config.h"
#include "storage/statistics.h"

namespace server {

std::string processingRegister(const Config& config, const storage::Statistics& stats,
                               const std::string& generated_on);

}  // namespace server

// The person export (storage/person_export.h) as the JSON document the
// privacy officer hands over; the same document the API will serve later.
#pragma once

#include <string>

#include "storage/person_export.h"

namespace server {

std::string personExportJson(const storage::PersonExport& person);

}  // namespace server

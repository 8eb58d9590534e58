// Schema migrations, numbered by SQLite's user_version and applied at start.
#pragma once

#include "storage/database.h"

namespace storage {

// Applies every migration newer than the database's user_version, each in its
// own transaction. Refuses a database newer than this program.
Status migrate(Database& db);

// The user_version this program's schema ends at.
int schemaVersion();

}  // namespace storage

// Builds the Services the routes need from the configuration and an open
// vault: the ingest queue (with the unfinished ingests of an earlier run
// requeued), the tus upload registry, the viewing-session tracker, the
// network allowlists, the purpose caps and the upload limits. The server and
// the HTTP tests build them the same way. Authentication is wired by the
// caller (Services::authenticate).
#pragma once

#include <memory>

#include "server/config.h"
#include "server/ingest.h"
#include "server/routes.h"
#include "storage/vault.h"

namespace server {

// Throws std::invalid_argument for a CIDR list that config validation let
// through (it cannot: loadConfig checks them).
storage::Result<Services> makeServices(const Config& config,
                                       std::shared_ptr<storage::Vault> vault);

}  // namespace server

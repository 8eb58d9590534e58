// The web app's routes: GET / (index.html) and GET /assets/{name}. The page and its
// scripts hold no personal data, so they are served to anyone who reaches the server
// (a school may open uploads from home); every API call behind them is checked itself.
#pragma once

#include <memory>

#include "server/router.h"
#include "server/web_assets.h"

namespace server {

void addWebRoutes(Router& router, std::shared_ptr<const WebAssets> web);

}  // namespace server

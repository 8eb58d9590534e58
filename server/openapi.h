// The OpenAPI 3 document of the service (server/openapi.json, compiled in),
// served at GET /api/openapi.json. A test fails when it and the router disagree
// on a route, or when an error code the server answers with is missing from it.
#pragma once

#include <string_view>

namespace server {

std::string_view openApiDocument();

}  // namespace server

#pragma once
// file:// URIs <-> paths (percent-decoding); other schemes have no path.
#include <string>

namespace zerolock::lsp {

// "" for non-file URIs.
std::string uri_to_path(const std::string& uri);
std::string path_to_uri(const std::string& path);

}  // namespace zerolock::lsp

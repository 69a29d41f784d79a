#include "server/lsp/uri.h"

#include <cctype>

namespace zerolock::lsp {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string uri_to_path(const std::string& uri) {
  constexpr std::string_view prefix = "file://";
  if (uri.compare(0, prefix.size(), prefix) != 0) return {};
  std::string rest = uri.substr(prefix.size());
  // file://host/path: only the empty host (or localhost) is local.
  size_t slash = rest.find('/');
  if (slash == std::string::npos) return {};
  std::string host = rest.substr(0, slash);
  if (!host.empty() && host != "localhost") return {};
  std::string encoded = rest.substr(slash);
  std::string path;
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%' && i + 2 < encoded.size() && hex_value(encoded[i + 1]) >= 0 && hex_value(encoded[i + 2]) >= 0) {
      path.push_back(static_cast<char>(hex_value(encoded[i + 1]) * 16 + hex_value(encoded[i + 2])));
      i += 2;
    } else {
      path.push_back(encoded[i]);
    }
  }
  return path;
}

std::string path_to_uri(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string uri = "file://";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      uri.push_back(static_cast<char>(c));
    } else {
      uri.push_back('%');
      uri.push_back(hex[c >> 4]);
      uri.push_back(hex[c & 15]);
    }
  }
  return uri;
}

}  // namespace zerolock::lsp

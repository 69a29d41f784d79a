#pragma once
// ASCII whitespace trimming shared by the line-oriented parsers (suppression comments, Flyway
// .conf files, Liquibase attribute lists). One definition, so unity builds see no clashes.
#include <cctype>
#include <string>
#include <string_view>

namespace zerolock {
inline std::string_view trim_view(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}
inline std::string trim_copy(std::string_view s) { return std::string(trim_view(s)); }
}  // namespace zerolock

#include "locks/time_zone.h"

#include <array>
#include <cctype>
#include <string>

namespace zerolock {
namespace {

std::string lower_trimmed(std::string_view v) {
  size_t b = 0, e = v.size();
  while (b < e && std::isspace(static_cast<unsigned char>(v[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(v[e - 1]))) --e;
  std::string out(v.substr(b, e - b));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// tzdata zones whose only offset ever is zero (pg_get_timezone_offset succeeds with 0).
constexpr std::array<std::string_view, 9> kUtcZones = {"utc", "uct", "gmt", "gmt0", "gmt+0", "gmt-0",
                                                       "zulu", "universal", "greenwich"};

// [+-]h[h][:mm[:ss]] or [+-]digits[.digits] whose digits are all zero, from `i` to the end.
bool zero_offset_from(const std::string& v, size_t i) {
  if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
  bool digit = false;
  for (; i < v.size(); ++i) {
    char c = v[i];
    if (c == '0') {
      digit = true;
    } else if (c != ':' && c != '.') {
      return false;  // a non-zero digit, or a daylight-saving part (UTC0UTC, GMT0BST)
    }
  }
  return digit;
}

}  // namespace

bool time_zone_is_utc(std::string_view value) {
  std::string v = lower_trimmed(value);
  if (v.empty()) return false;
  std::string_view name = v;
  if (name.substr(0, 4) == "etc/") name.remove_prefix(4);
  for (std::string_view zone : kUtcZones) {
    if (name == zone) return true;
  }
  // A numeric offset: SET TIME ZONE 0, '+00:00', INTERVAL '+00:00' HOUR TO MINUTE.
  if (zero_offset_from(v, 0)) return true;
  // A POSIX zone: a name of three or more letters, or <...>, then the offset, and nothing else.
  size_t i = 0;
  if (v[0] == '<') {
    i = v.find('>');
    if (i == std::string::npos) return false;
    ++i;
  } else {
    while (i < v.size() && std::isalpha(static_cast<unsigned char>(v[i]))) ++i;
    if (i < 3) return false;
  }
  return i < v.size() && zero_offset_from(v, i);
}

SessionTimeZone session_time_zone_after_set(std::string_view value, bool is_default) {
  if (is_default) return SessionTimeZone::Unknown;
  return time_zone_is_utc(value) ? SessionTimeZone::Utc : SessionTimeZone::NotUtc;
}

}  // namespace zerolock

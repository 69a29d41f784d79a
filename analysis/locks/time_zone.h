#pragma once
// Which TimeZone settings PostgreSQL treats as UTC when it decides whether ALTER COLUMN ... TYPE
// between timestamp and timestamptz rewrites the table (PostgreSQL 12+, ATColumnChangeRequiresRewrite:
// no rewrite when the session zone has a fixed UTC offset of zero). Checked against a real
// PostgreSQL 15 by tests/pg_locks (catalogue entries type_timestamp_to_timestamptz*).
#include <cstdint>
#include <string_view>

namespace zerolock {

// What the migration itself says about the session time zone before a statement.
enum class SessionTimeZone : uint8_t {
  Unknown,  // never set (or RESET / SET ... DEFAULT): the server's or role's default, not known here
  Utc,      // set to a zone PostgreSQL treats as UTC
  NotUtc,   // set to another zone
};

// True for the values of `SET TIME ZONE` / `SET timezone` PostgreSQL treats as UTC: the zone names
// with a fixed offset of zero (UTC, Etc/UTC, GMT, Zulu, UCT, Universal, Greenwich, GMT0, Etc/GMT+0
// ... in any case), a numeric offset of zero (0, '+00:00', INTERVAL '+00:00'), and POSIX zones with
// a zero offset and no daylight-saving part (UTC0, UTC+0, '<+00>0', XYZ+00:00). Zones that are at
// offset zero today but have history (Africa/Abidjan, Iceland, WET) are not: PostgreSQL rewrites.
bool time_zone_is_utc(std::string_view value);

// The session time zone after `SET [LOCAL] TIME ZONE value` (`is_default`: DEFAULT / LOCAL / RESET).
SessionTimeZone session_time_zone_after_set(std::string_view value, bool is_default);

}  // namespace zerolock

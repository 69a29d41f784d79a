#include "server/cli/trace/pg_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <cstdlib>

#include "server/cli/trace/interrupt.h"

namespace zerolock::trace {
namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string field(const PGresult* res, int code) {
  const char* v = PQresultErrorField(res, code);
  return v ? v : "";
}

void collect_notice(void* arg, const PGresult* res) {
  auto* notices = static_cast<std::vector<std::string>*>(arg);
  notices->push_back(field(res, PG_DIAG_SEVERITY) + ": " + field(res, PG_DIAG_MESSAGE_PRIMARY));
}

}  // namespace

std::variant<std::unique_ptr<PgConnection>, std::string> PgConnection::open(const std::string& conninfo) {
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &parse_error);
  if (!parsed) {
    std::string why = parse_error ? trimmed(parse_error) : "out of memory";
    if (parse_error) PQfreemem(parse_error);
    return "bad database URL: " + why;
  }
  PQconninfoFree(parsed);
  // Keywords before dbname are defaults the URL may override (libpq keeps the last value).
  const char* keywords[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
  const char* values[] = {"10", "zerolock trace", conninfo.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, 1);
  if (!conn) return std::string("cannot connect: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return "cannot connect to the database: " + why;
  }
  auto c = std::unique_ptr<PgConnection>(new PgConnection(conn));
  PQsetNoticeReceiver(conn, collect_notice, &c->notices_);
  return c;
}

PgConnection::PgConnection(pg_conn* conn) : conn_(conn) {}
PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::send(const std::string& sql) {
  return PQsendQueryParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
}

bool PgConnection::busy() {
  if (PQconsumeInput(conn_) == 0) return false;  // connection trouble: finish() reports it
  return PQisBusy(conn_) == 1;
}

void PgConnection::cancel() {
  PGcancel* c = PQgetCancel(conn_);
  if (!c) return;
  char err[256];
  PQcancel(c, err, sizeof err);
  PQfreeCancel(c);
}

PgResult PgConnection::finish() {
  PgResult out = PgRows{};
  bool have_error = false;
  while (PGresult* res = PQgetResult(conn_)) {
    ExecStatusType status = PQresultStatus(res);
    if (status == PGRES_COPY_IN) {
      // The trace has no data to send: end the COPY with an error (the statement then fails).
      PQputCopyEnd(conn_, "zerolock trace does not send COPY ... FROM STDIN data");
    } else if (status == PGRES_COPY_OUT) {
      char* buffer = nullptr;
      while (PQgetCopyData(conn_, &buffer, 0) > 0) PQfreemem(buffer);
    } else if (status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE || status == PGRES_NONFATAL_ERROR) {
      if (!have_error) {
        PgError e;
        e.message = field(res, PG_DIAG_MESSAGE_PRIMARY);
        if (e.message.empty()) e.message = trimmed(PQresultErrorMessage(res));
        if (e.message.empty()) e.message = trimmed(PQerrorMessage(conn_));
        e.sqlstate = field(res, PG_DIAG_SQLSTATE);
        e.detail = field(res, PG_DIAG_MESSAGE_DETAIL);
        e.hint = field(res, PG_DIAG_MESSAGE_HINT);
        std::string pos = field(res, PG_DIAG_STATEMENT_POSITION);
        e.position = pos.empty() ? 0 : std::atoi(pos.c_str());
        out = e;
        have_error = true;
      }
    } else if (status == PGRES_TUPLES_OK && !have_error) {
      PgRows rows;
      for (int r = 0; r < PQntuples(res); ++r) {
        std::vector<std::optional<std::string>> row;
        for (int c = 0; c < PQnfields(res); ++c) {
          if (PQgetisnull(res, r, c)) row.emplace_back(std::nullopt);
          else row.emplace_back(std::string(PQgetvalue(res, r, c), static_cast<size_t>(PQgetlength(res, r, c))));
        }
        rows.rows.push_back(std::move(row));
      }
      out = std::move(rows);
    }
    PQclear(res);
  }
  if (!have_error && PQstatus(conn_) != CONNECTION_OK)
    return PgError{"lost the connection to the server: " + trimmed(PQerrorMessage(conn_)), "", "", "", 0};
  return out;
}

PgResult PgConnection::run(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  if (PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr,
                        0) != 1)
    return PgError{trimmed(PQerrorMessage(conn_)), "", "", "", 0};
  bool cancelled = false;
  while (busy()) {
    if (interrupted() && !cancelled) {
      cancel();
      cancelled = true;
    }
    pollfd p{PQsocket(conn_), POLLIN, 0};
    if (poll(&p, 1, 100) < 0 && errno != EINTR) break;
  }
  return finish();
}

int PgConnection::backend_pid() const { return PQbackendPID(conn_); }
bool PgConnection::in_transaction() const {
  PGTransactionStatusType s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}
bool PgConnection::transaction_failed() const { return PQtransactionStatus(conn_) == PQTRANS_INERROR; }
std::string PgConnection::database() const { return PQdb(conn_) ? PQdb(conn_) : ""; }
std::string PgConnection::host() const { return PQhost(conn_) ? PQhost(conn_) : ""; }
int PgConnection::server_version() const { return PQserverVersion(conn_); }
int PgConnection::socket() const { return PQsocket(conn_); }

std::vector<std::string> PgConnection::take_notices() {
  std::vector<std::string> out;
  out.swap(notices_);
  return out;
}

std::optional<std::string> single_value(const PgResult& result) {
  const PgRows* rows = std::get_if<PgRows>(&result);
  if (!rows || rows->rows.empty() || rows->rows[0].empty()) return std::nullopt;
  return rows->rows[0][0];
}

}  // namespace zerolock::trace

// Error encoding: message = "\x1e" + kind + type + "\x1f" + reason. The
// marker bytes cannot start a human message, so foreign Statuses decode as
// plain app errors.
#include "search/search_error.h"

#include "core/utf8.h"
#include "search/json_out.h"

namespace buildhub::search {
namespace {

constexpr char kMarker = '\x1e';
constexpr char kSep = '\x1f';

Status Encode(ErrorKind kind, std::string_view type, std::string_view reason) {
  std::string m;
  m.reserve(type.size() + reason.size() + 3);
  m.push_back(kMarker);
  m.push_back(static_cast<char>('0' + static_cast<int>(kind)));
  m.append(type);
  m.push_back(kSep);
  m.append(reason);
  return Status(StatusCode::kInvalidArgument, std::move(m));
}

void WriteCause(JsonOut& out, const DecodedError& e) {
  out.Key("type");
  out.String(e.type);
  out.Key("reason");
  out.String(e.reason);
}

}  // namespace

Status AppError(std::string_view message) { return Encode(ErrorKind::kApp, "", message); }
Status FlatError(std::string_view reason) { return Encode(ErrorKind::kFlat, "", reason); }
Status RequestError(std::string_view type, std::string_view reason) {
  return Encode(ErrorKind::kRequest, type, reason);
}
Status ShardError(std::string_view type, std::string_view reason) {
  return Encode(ErrorKind::kShard, type, reason);
}

DecodedError DecodeError(const Status& status) {
  DecodedError d;
  const std::string& m = status.message();
  if (m.size() >= 2 && m[0] == kMarker && m[1] >= '0' && m[1] <= '3') {
    d.kind = static_cast<ErrorKind>(m[1] - '0');
    size_t sep = m.find(kSep, 2);
    if (sep != std::string::npos) {
      // Messages quote request text; never let a cut character through.
      d.type = utf8::Repair(std::string_view(m).substr(2, sep - 2));
      d.reason = utf8::Repair(std::string_view(m).substr(sep + 1));
      return d;
    }
  }
  d.kind = ErrorKind::kApp;
  d.reason = m.empty() ? std::string("search failed") : utf8::Repair(m);
  return d;
}

std::string ErrorBody(const Status& status) {
  DecodedError e = DecodeError(status);
  std::string body;
  JsonOut out(&body);
  out.BeginObject();
  out.Key("error");
  switch (e.kind) {
    case ErrorKind::kApp:
    case ErrorKind::kFlat:
      out.String(e.reason);
      break;
    case ErrorKind::kRequest:
      out.BeginObject();
      out.Key("root_cause");
      out.BeginArray();
      out.BeginObject();
      WriteCause(out, e);
      out.EndObject();
      out.EndArray();
      WriteCause(out, e);
      out.EndObject();
      break;
    case ErrorKind::kShard:
      out.BeginObject();
      out.Key("root_cause");
      out.BeginArray();
      out.BeginObject();
      WriteCause(out, e);
      out.EndObject();
      out.EndArray();
      out.Key("type");
      out.String("search_phase_execution_exception");
      out.Key("reason");
      out.String("all shards failed");
      out.Key("phase");
      out.String("query");
      out.Key("grouped");
      out.Bool(true);
      out.Key("failed_shards");
      out.BeginArray();
      out.BeginObject();
      out.Key("shard");
      out.Int(0);
      out.Key("index");
      out.String("buildhub2");
      out.Key("node");
      out.String("buildhub");
      out.Key("reason");
      out.BeginObject();
      WriteCause(out, e);
      out.EndObject();
      out.EndObject();
      out.EndArray();
      out.EndObject();
      break;
  }
  if (e.kind == ErrorKind::kRequest || e.kind == ErrorKind::kShard) {
    out.Key("status");
    out.Int(400);
  }
  out.EndObject();
  return body;
}

}  // namespace buildhub::search

// The errors a search can end with, and the JSON body each kind gets.
//
// The original service answered bad requests in three shapes, which clients
// see and which we keep:
//   kApp      {"error": "<message>"}: the Django view's own checks (JSON
//             parse, size cap, elasticsearch-dsl's Q()/A() validation) and
//             ours (body size, depth, clause and time caps, unsupported
//             features).
//   kFlat     {"error": "<reason>"}: Elasticsearch answered with a 5xx and
//             the view flattened the body to its first root cause ("Result
//             window is too large, ...").
//   kRequest  the Elasticsearch 400 body, passed through: an error raised
//             while ES parsed the request ("field name is null or empty").
//   kShard    the Elasticsearch 400 body of a search whose every shard failed
//             ("Fielddata is disabled on text fields ...").
// All are HTTP 400. The kind and ES exception type travel inside a Status so
// that they cross Result<T> boundaries unchanged.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace buildhub::search {

enum class ErrorKind { kApp, kFlat, kRequest, kShard };

Status AppError(std::string_view message);
Status FlatError(std::string_view reason);
Status RequestError(std::string_view type, std::string_view reason);
Status ShardError(std::string_view type, std::string_view reason);

// Shorthands for the ES exception types we raise most.
inline Status IllegalArgument(std::string_view reason) {
  return RequestError("illegal_argument_exception", reason);
}
inline Status ParsingError(std::string_view reason) {
  return RequestError("parsing_exception", reason);
}

struct DecodedError {
  ErrorKind kind = ErrorKind::kApp;
  std::string type;    // ES exception type; empty for kApp/kFlat
  std::string reason;
};

// Any Status: ours decode to their kind; others (e.g. a deadline) become kApp
// with their message.
DecodedError DecodeError(const Status& status);

// The JSON body for a failed search.
std::string ErrorBody(const Status& status);

}  // namespace buildhub::search

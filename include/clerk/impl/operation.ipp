// Definitions for <clerk/operation.hpp>: the checks of request values.
#ifndef CLERK_IMPL_OPERATION_IPP
#define CLERK_IMPL_OPERATION_IPP

#include <clerk/detail/text.hpp>
#include <clerk/detail/wire.hpp>
#include <clerk/operation.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace detail {

inline invalid_request refused(std::string_view prefix, std::string_view label,
                               std::string reason) {
  std::string field(prefix);
  field.append(label);
  return invalid_request{std::move(field), std::move(reason)};
}

CLERK_BACKEND_DECL std::optional<invalid_request> check_text(std::string_view prefix,
                                                             std::string_view label,
                                                             std::string_view v, bool allow_empty) {
  if (v.empty() && !allow_empty)
    return refused(prefix, label, "must not be empty");
  if (has_control(v))
    return refused(prefix, label, "must not contain control characters");
  if (!is_valid_utf8(v))
    return refused(prefix, label, "must be valid UTF-8");
  return std::nullopt;
}

CLERK_BACKEND_DECL std::optional<invalid_request> check_segment(std::string_view label,
                                                                std::string_view v) {
  if (auto e = check_text("", label, v, false))
    return e;
  if (v == "." || v == "..")
    return refused("", label, "must not be \".\" or \"..\"");
  return std::nullopt;
}

CLERK_BACKEND_DECL std::optional<invalid_request> check_minimum(std::string_view prefix,
                                                                std::string_view label,
                                                                std::int64_t v, std::int64_t min,
                                                                bool seconds) {
  if (v >= min)
    return std::nullopt;
  std::string reason = "must be at least " + std::to_string(min);
  if (seconds)
    reason += min == 1 ? " second" : " seconds";
  return refused(prefix, label, std::move(reason));
}

CLERK_BACKEND_DECL std::optional<invalid_request> check_json_object(std::string_view prefix,
                                                                    std::string_view label,
                                                                    std::string_view text,
                                                                    const model_info* declared) {
  std::string_view name = label.empty() ? std::string_view("other members") : label;
  if (!is_valid_utf8(text))
    return refused(prefix, name, "must be valid UTF-8");
  boost::system::error_code ec;
  unsigned char buffer[1024];
  boost::json::monotonic_resource arena(buffer, sizeof buffer);
  boost::json::value v = boost::json::parse(text, ec, &arena);
  if (ec || !v.is_object())
    return refused(prefix, name, "must be the text of a JSON object");
  if (declared != nullptr)
    for (const auto& kv : v.get_object())
      for (std::size_t i = 0; i < declared->count; ++i)
        if (declared->fields[i].k != kind::rest && declared->fields[i].name == kv.key())
          return refused(prefix, kv.key(), "is a declared field, not one of the other members");
  return std::nullopt;
}

}  // namespace detail
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif

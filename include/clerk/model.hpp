// Models as declarations: a struct says once, in a static describe(), which
// JSON member each field is, and one engine parses, writes and prints it.
//
// How to declare a model (the declaration words are in clerk::decl, so that
// `using namespace clerk;` brings none of them):
//
//   struct user {
//     std::string id;                          // required: absent is an error
//     std::optional<std::string> username;     // optional: absent or null
//     std::vector<email_address> emails;       // array of declared models
//     std::vector<std::string> tags;           // array of anything below
//     std::map<std::string, double> scores;    // an object of one kind
//     clerk::raw_json public_metadata;         // any JSON value, as text
//     clerk::timestamp created_at{};           // Unix milliseconds, any int64
//     friend bool operator==(const user&, const user&) = default;
//     static constexpr auto describe() {
//       using namespace clerk::decl;
//       return model("user", constant("object", "user"),  // checked, not kept
//                    field("id", &user::id, non_empty), field("username", &user::username),
//                    field("email_addresses", &user::emails), field("tags", &user::tags),
//                    field("scores", &user::scores),
//                    field("public_metadata", &user::public_metadata),
//                    field("created_at", &user::created_at));
//     }
//   };
//
// A member's C++ type is its JSON kind: std::string, clerk::secret (a string
// never printed), an open enum (<clerk/open_enum.hpp>), clerk::timestamp (Unix
// milliseconds), std::int64_t, double (any JSON number), bool,
// std::chrono::seconds, std::chrono::sys_seconds (Unix seconds, as JWT claims
// are), clerk::raw_json (any JSON value, kept as text), another declared model,
// a std::vector of any of these (arrays of arrays too), a map from std::string
// to any of these (std::map, std::unordered_map: an object whose member names
// are data), a std::variant<a, b, ..., clerk::raw_json> of declared models
// (below), or a type of yours that specialises clerk::decl::json_kind (below).
// std::optional<T> makes a field optional and nullable. A member type with no
// JSON kind is a compile error naming the kinds. The parser ignores unknown
// members, refuses duplicates, checks types and names the field at fault
// ("client.sessions[0].id", "scores.math").
//
// A oneOf is a std::variant a user switches on (std::visit, std::get_if):
//
//   std::optional<std::variant<verification_otp, verification_admin, clerk::raw_json>>
//       verification;  // field("verification", &email_address::verification)
//
// Every alternative but the last is a declared model, and all of them
// declare constant(name, value) under one name, each with its own value
// (Clerk's "object": constant("object", "verification_otp")); the last is
// clerk::raw_json. An answer's object becomes the alternative its value names,
// checked as that model (problems named "verification.status"), or is kept
// whole as the raw_json when it names none or has none: a kind newer than the
// declaration is kept, never refused. A value that is not an object is refused
// (null is an unset optional). Written and printed as the alternative held; a
// request's raw_json alternative must be a JSON object.
//
// Options follow the member pointer; each says what it does when the model is
// sent (a request) and when it is read (an answer), and one that does not fit
// the member's kind is a compile error:
//   non_empty         a string: refused empty both ways (a request refuses an
//                     empty string already, unless may_be_empty)
//   may_be_empty      a string: an empty one is sent (an answer's may always be)
//   free_text         a string: a JSON body may carry newlines and tabs (other
//                     control characters, and any in a path, query, form or
//                     header, are still refused); an answer's may always
//   at_least(n)       an integer, number or duration: refused below n both ways;
//                     an array: a request's with fewer than n elements refused
//   at_most(n)        an integer, number or duration: refused above n both ways;
//                     an array: a request's with more than n elements refused
//                     (an answer's arrays are bounded by max_array_elements)
//                     (the document's minimum and maximum: "limit" is
//                     at_least(1), at_most(500))
//   present_or_null   a std::optional: an answer must have the member (null
//                     allowed); a request sends an unset one as null
//   absent_in_response  a member that is not std::optional: an answer may
//                     leave it out (it keeps its default); a request sends it
//   never_null        a std::optional: an answer may leave the member out,
//                     but a null is refused as of the wrong type (a JWT's
//                     typ or iat, which Clerk's SDKs refuse when null)
//   printed_as_url    a secret: printed as its origin and path (a ticket URL)
//   comma_separated, space_separated
//                     an array in a query or form: one name, its values joined
//                     ("?scope=a%20b") instead of the name repeated
//   named("x")        the name an invalid_request error gives the field
// Beside fields: constant(name, value) is a member every answer carries with
// one value ("object": "user"), checked, written, kept nowhere;
// other_members(&T::m) keeps every member the declaration does not name (a
// raw_json object); from_header("Name", &T::m) fills a string member from a
// response header instead of the body.
#ifndef CLERK_MODEL_HPP
#define CLERK_MODEL_HPP

#include <clerk/detail/model_info.hpp>
#include <clerk/open_enum.hpp>
#include <clerk/raw_json.hpp>
#include <clerk/secret.hpp>
#include <clerk/timestamp.hpp>
#include <clerk/version.hpp>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace decl {

// The customization point: your own type as a JSON kind. Specialise
//
//   template <> struct clerk::decl::json_kind<user_id> {
//     using json = std::string;  // or std::int64_t, double, bool
//     static std::string to_json(const user_id& id) { return id.text; }
//     // false refuses the value: the answer's error names the field
//     static bool from_json(std::string&& s, user_id& id) {
//       if (!s.starts_with("user_")) return false;
//       id.text = std::move(s);
//       return true;
//     }
//   };
//
// and a user_id member is read, written, checked and printed as its `json`.
template <class T>
struct json_kind;

// The options, each its own type so that field() can check it against the
// member's kind at compile time.
struct non_empty_t {};
struct may_be_empty_t {};
struct free_text_t {};
struct present_or_null_t {};
struct absent_in_response_t {};
struct never_null_t {};
struct printed_as_url_t {};
struct comma_separated_t {};
struct space_separated_t {};
struct at_least_t {
  std::int64_t min;
};
struct at_most_t {
  std::int64_t max;
};
struct named_t {
  std::string_view label;
};
inline constexpr non_empty_t non_empty{};
inline constexpr may_be_empty_t may_be_empty{};
inline constexpr free_text_t free_text{};
inline constexpr present_or_null_t present_or_null{};
inline constexpr absent_in_response_t absent_in_response{};
inline constexpr never_null_t never_null{};
inline constexpr printed_as_url_t printed_as_url{};
inline constexpr comma_separated_t comma_separated{};
inline constexpr space_separated_t space_separated{};
constexpr at_least_t at_least(std::int64_t n) {
  return {n};
}
constexpr at_most_t at_most(std::int64_t n) {
  return {n};
}
constexpr named_t named(std::string_view label) {
  return {label};
}

namespace check {
using detail::kind;
template <class M>
constexpr kind kind_of_member() {
  return detail::kind_of<typename detail::unwrap<M>::type>();
}
constexpr bool is_text(kind k) {
  return k == kind::string || k == kind::secret || k == kind::enumeration;
}
template <class M, class O>
constexpr void option_fits() {
  constexpr kind k = kind_of_member<M>();
  constexpr bool optional = detail::unwrap<M>::optional;
  if constexpr (std::is_same_v<O, non_empty_t> || std::is_same_v<O, may_be_empty_t> ||
                std::is_same_v<O, free_text_t>)
    static_assert(is_text(k),
                  "clerk::decl: non_empty, may_be_empty and free_text apply to strings, secrets "
                  "and open enums; remove it from this field");
  else if constexpr (std::is_same_v<O, at_least_t>)
    static_assert(k == kind::integer || k == kind::number || k == kind::seconds || k == kind::array,
                  "clerk::decl::at_least applies to std::int64_t, double and "
                  "std::chrono::seconds, and to an array's length; remove it from this field");
  else if constexpr (std::is_same_v<O, at_most_t>)
    static_assert(k == kind::integer || k == kind::number || k == kind::seconds || k == kind::array,
                  "clerk::decl::at_most applies to std::int64_t, double and "
                  "std::chrono::seconds, and to an array's length; remove it from this field");
  else if constexpr (std::is_same_v<O, present_or_null_t>)
    static_assert(optional,
                  "clerk::decl::present_or_null applies to a std::optional member; a member "
                  "that is not optional is always present");
  else if constexpr (std::is_same_v<O, never_null_t>)
    static_assert(optional, "clerk::decl::never_null applies to a std::optional member");
  else if constexpr (std::is_same_v<O, absent_in_response_t>)
    static_assert(!optional,
                  "clerk::decl::absent_in_response applies to a member that is not "
                  "std::optional; an optional one may be absent already");
  else if constexpr (std::is_same_v<O, printed_as_url_t>)
    static_assert(k == kind::secret, "clerk::decl::printed_as_url applies to a clerk::secret");
  else if constexpr (std::is_same_v<O, comma_separated_t> || std::is_same_v<O, space_separated_t>)
    static_assert(k == kind::array,
                  "clerk::decl::comma_separated and space_separated apply to an array (of a "
                  "query or form)");
  else if constexpr (!std::is_same_v<O, named_t>)
    static_assert(detail::no_json_kind<O>,
                  "clerk::decl::field: after the member pointer, only clerk::decl's options");
}
constexpr detail::field_option merge(detail::field_option o, detail::field_option b) {
  o.set |= b.set;
  if (b.set & detail::opt_at_least)
    o.min = b.min;
  if (b.set & detail::opt_at_most)
    o.max = b.max;
  if (b.set & detail::opt_named)
    o.label = b.label;
  return o;
}
template <class O>
constexpr detail::field_option bits(const O& o) {
  using namespace detail;
  if constexpr (std::is_same_v<O, non_empty_t>)
    return {opt_non_empty};
  else if constexpr (std::is_same_v<O, may_be_empty_t>)
    return {opt_may_be_empty};
  else if constexpr (std::is_same_v<O, free_text_t>)
    return {opt_free_text};
  else if constexpr (std::is_same_v<O, present_or_null_t>)
    return {opt_present_or_null};
  else if constexpr (std::is_same_v<O, absent_in_response_t>)
    return {opt_absent_in_response};
  else if constexpr (std::is_same_v<O, never_null_t>)
    return {opt_never_null};
  else if constexpr (std::is_same_v<O, printed_as_url_t>)
    return {opt_printed_as_url};
  else if constexpr (std::is_same_v<O, comma_separated_t>)
    return {opt_comma_separated};
  else if constexpr (std::is_same_v<O, space_separated_t>)
    return {opt_space_separated};
  else if constexpr (std::is_same_v<O, at_least_t>)
    return {opt_at_least, o.min, {}, 0};
  else if constexpr (std::is_same_v<O, at_most_t>)
    return {opt_at_most, 0, {}, o.max};
  else
    return {opt_named, 0, o.label, 0};
}
}  // namespace check

// A member: its wire name, the member pointer, options.
template <class T, class M, class... O>
constexpr detail::field_decl<T, M> field(std::string_view name, M T::*member, O... options) {
  (check::option_fits<M, O>(), ...);
  detail::field_option o;
  ((o = check::merge(o, check::bits(options))), ...);
  return {name, member, o};
}
// A member every answer carries with one value ("object": "user"): checked by
// the parser, written by the writer, kept nowhere.
constexpr detail::constant_decl constant(std::string_view name, std::string_view value) {
  return {name, value};
}
template <class T>
constexpr detail::rest_decl<T> other_members(raw_json T::*member) {
  return {member};
}
template <class T, class M>
constexpr detail::header_decl<T, M> from_header(std::string_view name, M T::*member) {
  static_assert(std::is_same_v<typename detail::unwrap<M>::type, std::string> ||
                    std::is_same_v<typename detail::unwrap<M>::type, secret>,
                "clerk::decl::from_header: the member must be a std::string or a clerk::secret");
  return {name, member};
}
template <class... F>
constexpr detail::model_decl<F...> model(std::string_view name, F... fields) {
  return {name, {{fields}...}};
}

}  // namespace decl

// The model as the JSON object Clerk sends, secrets included (tokens, ticket
// URLs): what this returns must be handled like the secrets themselves.
template <detail::declared_model T>
std::string to_json_revealing_secrets(const T& m) {
  std::string out;
  detail::write_object(out, *detail::info_ptr<T>(), &m);
  return out;
}

// One line for a log: every secret field redacted by its type, strings
// redacted of anything token-shaped. Models declare operator<< with it.
template <detail::declared_model T>
std::ostream& print(std::ostream& os, const T& m) {
  detail::print_object(os, *detail::info_ptr<T>(), &m);
  return os;
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif

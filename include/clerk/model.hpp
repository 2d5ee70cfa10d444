// Models as declarations: a struct says once, in a static describe(), which
// JSON member each field is, and one engine parses, writes and prints it.
//
// How to declare a model:
//
//   struct user {
//     std::string id;                          // required: absent is an error
//     std::optional<std::string> username;     // optional: absent or null
//     std::vector<email_address> emails;       // array of declared models
//     clerk::timestamp created_at{};           // Unix milliseconds, any int64
//     friend bool operator==(const user&, const user&) = default;
//     static constexpr auto describe() {
//       return clerk::model("user",
//                           clerk::constant("object", "user"),  // checked, not kept
//                           clerk::field("id", &user::id, clerk::non_empty),
//                           clerk::field("username", &user::username),
//                           clerk::field("email_addresses", &user::emails),
//                           clerk::field("created_at", &user::created_at));
//     }
//   };
//
// A member's C++ type is its JSON kind: std::string, clerk::secret (a string
// never printed), clerk::timestamp, std::int64_t, bool, std::chrono::seconds
// (requests only), std::chrono::sys_seconds (Unix seconds, as JWT claims are;
// responses only), std::vector<std::int64_t> (an array of integers), an open enum
// (clerk::open_enum), clerk::raw_json (any JSON object, kept as text), another declared model, or a
// std::vector of one. std::optional<T> makes a field optional and nullable; clerk::required makes
// it present but nullable; clerk::absent_in_response lets an answer omit a
// member a request requires. clerk::other_members(&T::m) keeps every member the
// declaration does not name (a raw_json object), and clerk::from_header("Name",
// &T::m) fills a string member from a response header instead of the body.
// A member type with no JSON kind is a compile error naming the kinds. The
// parser ignores unknown members, refuses duplicates, checks types and names
// the field at fault ("client.sessions[0].id").
#ifndef CLERK_MODEL_HPP
#define CLERK_MODEL_HPP

#include <clerk/detail/decl.hpp>
#include <clerk/raw_json.hpp>
#include <clerk/redact.hpp>
#include <clerk/secret.hpp>
#include <clerk/version.hpp>

#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// Unix time with millisecond precision, as Clerk sends it.
using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// The range format_timestamp() prints as a date: the epoch to the end of 9999.
inline constexpr timestamp min_timestamp{};
inline constexpr timestamp max_timestamp{std::chrono::milliseconds(253402300799999)};

// "2024-07-02T20:36:56.214Z"; outside [min_timestamp, max_timestamp], the
// count of milliseconds since the epoch ("-1ms").
CLERK_BACKEND_DECL std::string format_timestamp(timestamp t);

namespace detail {
struct open_enum_tag {};
struct enum_access;
}  // namespace detail

// An enum that keeps what it does not know: Derived declares `enum class kind
// { unknown, ... }` and `static constexpr std::string_view names[]`, the wire
// spelling of each kind after unknown (and, for brevity at call sites, a
// static constexpr kind per enumerator; `using enum kind` makes g++ 12 crash
// in templates). A value this version does not know is kind::unknown and
// keeps its text in raw().
template <class Derived>
class open_enum : public detail::open_enum_tag {
 public:
  open_enum() = default;
  explicit open_enum(std::string raw) : raw_(std::move(raw)) {}
  // D defers naming Derived::kind until use: Derived is incomplete here.
  template <class K, class D = Derived>
  requires std::same_as<K, typename D::kind> open_enum(K k) {
    if (k != K::unknown)
      raw_ = Derived::names[static_cast<std::size_t>(k) - 1];
  }

  auto value() const noexcept {
    using K = typename Derived::kind;
    for (std::size_t i = 0; i < std::size(Derived::names); ++i)
      if (Derived::names[i] == raw_)
        return static_cast<K>(i + 1);
    return K::unknown;
  }
  std::string_view raw() const noexcept { return raw_; }  // as received

  friend bool operator==(const open_enum& a, const open_enum& b) noexcept {
    return a.raw_ == b.raw_;
  }
  friend std::ostream& operator<<(std::ostream& os, const open_enum& e) {
    return os << http::redact_one_line(e.raw_);
  }

 private:
  friend struct detail::enum_access;
  std::string raw_;
};

// status == sign_in_token_status::pending
template <class D, class K>
requires std::derived_from<D, open_enum<D>> && std::same_as<K, typename D::kind>
bool operator==(const D& a, K b) noexcept {
  return a.value() == b;
}

// Field options, passed after the member pointer.
struct field_option {
  unsigned set = 0;
  std::int64_t min = 0;
  std::string_view label{};
};
inline constexpr field_option non_empty{1};       // a string must not be empty
inline constexpr field_option required{2};        // an optional<T> must be present (may be null)
inline constexpr field_option allow_empty{4};     // a request string may be empty
inline constexpr field_option printed_as_url{8};  // a secret URL prints its origin and path
// A response may leave the member out (it keeps its default); a request still
// requires it. For what Clerk's document makes optional in an answer only.
inline constexpr field_option absent_in_response{64};
// An integer (or duration in seconds) in a request must be at least n.
constexpr field_option at_least(std::int64_t n) {
  return {16, n, {}};
}
// The name an invalid_request error gives the field, when not its wire name.
constexpr field_option named(std::string_view label) {
  return {32, 0, label};
}

template <class T, class M>
struct field_decl {
  std::string_view name;
  M T::*member;
  field_option opt;
};
struct constant_decl {
  std::string_view name, value;
};
template <class T>
struct rest_decl {
  raw_json T::*member;
};
template <class T, class M>
struct header_decl {
  std::string_view name;
  M T::*member;
};
template <class... F>
struct model_decl {
  std::string_view name;
  std::tuple<F...> fields;
};

template <class T, class M, class... O>
constexpr field_decl<T, M> field(std::string_view name, M T::*member, O... options) {
  field_option o;
  ((o.set |= options.set, o.min = (options.set & 16) ? options.min : o.min,
    o.label = (options.set & 32) ? options.label : o.label),
   ...);
  return {name, member, o};
}
// A member every answer carries with one value ("object": "user"): checked by
// the parser, written by the writer, kept nowhere.
constexpr constant_decl constant(std::string_view name, std::string_view value) {
  return {name, value};
}
template <class T>
constexpr rest_decl<T> other_members(raw_json T::*member) {
  return {member};
}
template <class T, class M>
constexpr header_decl<T, M> from_header(std::string_view name, M T::*member) {
  return {name, member};
}
template <class... F>
constexpr model_decl<F...> model(std::string_view name, F... fields) {
  return {name, {fields...}};
}

namespace detail {

template <class T>
struct is_model_decl : std::false_type {};
template <class... F>
struct is_model_decl<model_decl<F...>> : std::true_type {};

template <class T>
concept declared_model = requires {
  T::describe();
}
&&is_model_decl<decltype(T::describe())>::value;

template <class T>
inline constexpr auto decl_of = T::describe();

template <class M>
struct unwrap {
  using type = M;
  static constexpr bool optional = false;
};
template <class M>
struct unwrap<std::optional<M>> {
  using type = M;
  static constexpr bool optional = true;
};

template <class V>
struct model_vector : std::false_type {};
template <class V>
struct model_vector<std::vector<V>> : std::bool_constant<declared_model<V>> {
  using element = V;
};

template <class>
inline constexpr bool no_json_kind = false;

enum class kind : unsigned char {
  string,
  secret,
  enumeration,
  timestamp,
  integer,
  seconds,
  unix_seconds,
  integer_array,
  boolean,
  json,
  model,
  model_array,
  constant,
  rest,
  header
};

template <class V>
constexpr kind kind_of() {
  if constexpr (std::is_same_v<V, std::string>)
    return kind::string;
  else if constexpr (std::is_same_v<V, secret>)
    return kind::secret;
  else if constexpr (std::is_base_of_v<open_enum_tag, V>)
    return kind::enumeration;
  else if constexpr (std::is_same_v<V, timestamp>)
    return kind::timestamp;
  else if constexpr (std::is_same_v<V, std::int64_t>)
    return kind::integer;
  else if constexpr (std::is_same_v<V, std::chrono::seconds>)
    return kind::seconds;
  else if constexpr (std::is_same_v<V, std::chrono::sys_seconds>)
    return kind::unix_seconds;
  else if constexpr (std::is_same_v<V, std::vector<std::int64_t>>)
    return kind::integer_array;
  else if constexpr (std::is_same_v<V, bool>)
    return kind::boolean;
  else if constexpr (std::is_same_v<V, raw_json>)
    return kind::json;
  else if constexpr (declared_model<V>)
    return kind::model;
  else if constexpr (model_vector<V>::value)
    return kind::model_array;
  else
    static_assert(no_json_kind<V>,
                  "clerk::field: this member type has no JSON kind. Use std::string, "
                  "clerk::secret, an open enum, clerk::timestamp, std::int64_t, "
                  "std::chrono::seconds, std::chrono::sys_seconds, std::vector<std::int64_t>, "
                  "bool, clerk::raw_json, a declared model or a "
                  "std::vector of one, each optionally in std::optional");
}

// Lets the engine reach the text inside an open enum or a raw_json.
struct enum_access {
  template <class E>
  static std::string& raw(E& e) noexcept {
    return e.raw_;
  }
  template <class E>
  static const std::string& raw(const E& e) noexcept {
    return e.raw_;
  }
  static std::string& text(raw_json& j) noexcept { return j.text_; }
};

struct model_info;

// One field, type-erased: what the one parser, writer, checker and printer
// need. `obj` is the object holding the field. value() returns where the
// parser writes the value (emplacing an optional); get() where the writer
// reads it, or nullptr for an unset optional. An open enum's value is its
// text (a std::string), a header field's a std::string or a secret.
struct field_info {
  std::string_view name;
  std::string_view label;     // the name an invalid_request gives the field
  std::string_view constant;  // kind::constant: the one value
  kind k;
  bool required;     // in a response
  bool nullable;     // a std::optional
  bool non_empty;    // in a response
  bool is_secret;    // a header field: the member is a clerk::secret
  bool allow_empty;  // in a request
  bool as_url;       // a secret printed as its origin and path
  bool has_min;      // in a request: at least `min`
  std::int64_t min;
  void* (*value)(void* obj);
  const void* (*get)(const void* obj);
  void (*reset)(void* obj);                           // optional members only, else nullptr
  void* (*element)(void* vec);                        // model arrays: appends one element
  std::size_t (*size)(const void* vec);               // model arrays
  const void* (*at)(const void* vec, std::size_t i);  // model arrays
  const model_info* (*child)();                       // a model, or an array's element model
};

struct model_info {
  std::string_view name;
  const field_info* fields;
  std::size_t count;
};

template <class T>
constexpr const model_info* info_ptr();

template <class F>
struct field_traits {
  static constexpr bool optional = false;
};
template <class T, class M>
struct field_traits<field_decl<T, M>> {
  using V = typename unwrap<M>::type;
  static constexpr bool optional = unwrap<M>::optional;
  static constexpr kind k = kind_of<V>();
};

// Where a declaration's fields are: a model's, or an operation's body or query.
template <class T>
struct model_fields {
  using object = T;
  static constexpr const auto& fields = decl_of<T>.fields;
};

template <class Src, std::size_t I>
struct field_at {
  using T = typename Src::object;
  static constexpr const auto& decl = std::get<I>(Src::fields);
  using F = std::remove_cvref_t<decltype(decl)>;

  static void* value(void* obj) {
    if constexpr (requires { decl.member; }) {
      auto& m = static_cast<T*>(obj)->*(decl.member);
      using M = std::remove_cvref_t<decltype(m)>;
      if constexpr (unwrap<M>::optional)
        return value_of(&m.emplace());
      else
        return value_of(&m);
    } else {
      return nullptr;
    }
  }
  static const void* get(const void* obj) {
    if constexpr (requires { decl.member; }) {
      const auto& m = static_cast<const T*>(obj)->*(decl.member);
      using M = std::remove_cvref_t<decltype(m)>;
      if constexpr (unwrap<M>::optional)
        return m ? value_of(&*m) : nullptr;
      else
        return value_of(&m);
    } else {
      return nullptr;
    }
  }
  template <class V>
  static auto* value_of(V* v) {
    if constexpr (std::is_base_of_v<open_enum_tag, std::remove_const_t<V>>)
      return &enum_access::raw(*v);
    else
      return v;
  }
  // The member's kind, for a field_decl; kind::constant for the other declarations.
  static constexpr kind field_kind() {
    if constexpr (requires { field_traits<F>::k; })
      return field_traits<F>::k;
    return kind::constant;
  }
  // Instantiated only for the fields that use them (see info()): an optional
  // member's reset, a model array's element, size and at.
  static void reset(void* obj) { (static_cast<T*>(obj)->*(decl.member)).reset(); }
  static void* element(void* vec) {
    return &static_cast<typename field_traits<F>::V*>(vec)->emplace_back();
  }
  static std::size_t size(const void* vec) {
    return static_cast<const typename field_traits<F>::V*>(vec)->size();
  }
  static const void* at(const void* vec, std::size_t i) {
    return &(*static_cast<const typename field_traits<F>::V*>(vec))[i];
  }
  using child_fn = const model_info* (*)();
  static constexpr child_fn child() {
    if constexpr (field_kind() == kind::model)
      return &info_ptr<typename field_traits<F>::V>;
    else if constexpr (field_kind() == kind::model_array)
      return &info_ptr<typename model_vector<typename field_traits<F>::V>::element>;
    return nullptr;
  }
  static constexpr field_info info() {
    field_info f{{},      {},      {},      kind::constant, false,  false,  false,
                 false,   false,   false,   false,          0,      &value, &get,
                 nullptr, nullptr, nullptr, nullptr,        child()};
    if constexpr (field_traits<F>::optional)
      f.reset = &reset;
    if constexpr (field_kind() == kind::model_array) {
      f.element = &element;
      f.size = &size;
      f.at = &at;
    }
    if constexpr (std::is_same_v<F, constant_decl>) {
      f.name = decl.name;
      f.required = true;
      f.constant = decl.value;
    } else if constexpr (std::is_same_v<F, rest_decl<T>>) {
      f.k = kind::rest;
    } else if constexpr (requires { decl.opt; }) {
      f.name = decl.name;
      f.label = decl.opt.label.empty() ? decl.name : decl.opt.label;
      f.k = field_traits<F>::k;
      f.required = (!field_traits<F>::optional || (decl.opt.set & required.set) != 0) &&
                   (decl.opt.set & absent_in_response.set) == 0;
      f.nullable = field_traits<F>::optional;
      f.non_empty = (decl.opt.set & non_empty.set) != 0;
      f.allow_empty = (decl.opt.set & allow_empty.set) != 0;
      f.as_url = (decl.opt.set & printed_as_url.set) != 0;
      f.has_min = (decl.opt.set & at_least(0).set) != 0;
      f.min = decl.opt.min;
    } else {
      using M = std::remove_cvref_t<decltype(std::declval<T&>().*(decl.member))>;
      static_assert(std::is_same_v<typename unwrap<M>::type, std::string> ||
                        std::is_same_v<typename unwrap<M>::type, secret>,
                    "clerk::from_header: the member must be a std::string or a clerk::secret");
      f.name = decl.name;
      f.k = kind::header;
      f.nullable = unwrap<M>::optional;
      f.is_secret = std::is_same_v<typename unwrap<M>::type, secret>;
    }
    return f;
  }
};

template <class Src, std::size_t... I>
constexpr auto make_fields(std::index_sequence<I...>) {
  static_assert(sizeof...(I) <= 64, "clerk::model: at most 64 fields a model");
  return std::array<field_info, sizeof...(I)>{field_at<Src, I>::info()...};
}

template <class Src>
inline constexpr auto fields_of = make_fields<Src>(
    std::make_index_sequence<std::tuple_size_v<std::remove_cvref_t<decltype(Src::fields)>>>());

template <class T>
inline constexpr model_info info_of = {decl_of<T>.name, fields_of<model_fields<T>>.data(),
                                       fields_of<model_fields<T>>.size()};

template <class T>
constexpr const model_info* info_ptr() {
  return &info_of<T>;
}

// ---- the writer (JSON) and the printer, over the type-erased declaration ----

// `s` (valid UTF-8) as a JSON string literal, or its escaped body only.
CLERK_BACKEND_DECL void append_json_string(std::string& out, std::string_view s);
CLERK_BACKEND_DECL void append_json_escaped(std::string& out, std::string_view s);
CLERK_BACKEND_DECL void append_integer(std::string& out, std::int64_t v);
// The members of a JSON object's text, after a comma unless `first`.
CLERK_BACKEND_DECL void append_members(std::string& out, std::string_view object_text, bool& first);

// The fields of `obj` as JSON members, after a comma unless `first`.
CLERK_BACKEND_DECL void write_members(std::string& out, const model_info& info, const void* obj,
                                      bool& first);
// `obj` as a JSON object.
CLERK_BACKEND_DECL void write_object(std::string& out, const model_info& info, const void* obj);
// `obj` as one line, every secret redacted: "name{field=value, ...}".
CLERK_BACKEND_DECL void print_object(std::ostream& os, const model_info& info, const void* obj);

}  // namespace detail

// The model as the JSON object Clerk sends, secrets included (tokens, ticket
// URLs): what this returns must be handled like the secrets themselves.
template <detail::declared_model T>
std::string to_json_revealing_secrets(const T& m) {
  std::string out;
  detail::write_object(out, detail::info_of<T>, &m);
  return out;
}

// One line for a log: every secret field redacted by its type, strings
// redacted of anything token-shaped. Models declare operator<< with it.
template <detail::declared_model T>
std::ostream& print(std::ostream& os, const T& m) {
  detail::print_object(os, detail::info_of<T>, &m);
  return os;
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#ifndef CLERK_BACKEND_SEPARATE_COMPILATION
#include <clerk/impl/model.ipp>
#endif

#endif

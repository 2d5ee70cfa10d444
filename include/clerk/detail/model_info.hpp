// The engine's tables: every declaration of <clerk/model.hpp> and
// <clerk/operation.hpp>, type-erased into constant arrays of field_info that
// one parser, one writer, one checker and one printer walk. Nothing here is
// written by users; the words that build these tables are in clerk::decl.
#ifndef CLERK_DETAIL_MODEL_INFO_HPP
#define CLERK_DETAIL_MODEL_INFO_HPP

#include <clerk/detail/decl.hpp>
#include <clerk/open_enum.hpp>
#include <clerk/raw_json.hpp>
#include <clerk/secret.hpp>
#include <clerk/timestamp.hpp>
#include <clerk/version.hpp>

#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
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

namespace decl {
// The customization point: see <clerk/model.hpp>.
template <class T>
struct json_kind;
}  // namespace decl

namespace detail {

// What a field's options say, as bits: see clerk::decl's options.
enum option_bit : unsigned {
  opt_non_empty = 1,
  opt_present_or_null = 2,
  opt_may_be_empty = 4,
  opt_printed_as_url = 8,
  opt_at_least = 16,
  opt_named = 32,
  opt_absent_in_response = 64,
  opt_free_text = 128,
  opt_comma_separated = 256,
  opt_space_separated = 512,
  opt_at_most = 1024,
  opt_never_null = 2048,
};
struct field_option {
  unsigned set = 0;
  std::int64_t min = 0;
  std::string_view label{};
  std::int64_t max = 0;
};

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
// A declaration's parts (a model's fields, a path's pieces): a plain
// aggregate with one base a part, so that a model of fifty fields costs no
// std::tuple (whose constructors check every element's conversions).
template <std::size_t I, class F>
struct part {
  F value;
};
template <class Seq, class... F>
struct parts_impl;
template <std::size_t... I, class... F>
struct parts_impl<std::index_sequence<I...>, F...> : part<I, F>... {};
template <class... F>
using parts = parts_impl<std::index_sequence_for<F...>, F...>;
template <std::size_t I, class F>
constexpr const F& get_part(const part<I, F>& p) {
  return p.value;
}
// Calls fn with each part, in order.
template <class Fn, std::size_t... I, class... F>
constexpr void for_each_part(const parts_impl<std::index_sequence<I...>, F...>& p, Fn&& fn) {
  (fn(static_cast<const part<I, F>&>(p).value), ...);
}
template <class P>
struct parts_size;
template <class S, class... F>
struct parts_size<parts_impl<S, F...>> : std::integral_constant<std::size_t, sizeof...(F)> {};

template <class... F>
struct model_decl {
  std::string_view name;
  parts<F...> fields;
};

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

// An array is a std::vector; a map any container keyed by std::string with
// find() and operator[] (std::map, std::unordered_map...), written in its
// iteration order.
template <class V>
struct container_of : std::false_type {};
template <class E, class A>
struct container_of<std::vector<E, A>> : std::true_type {
  using element = E;
  static constexpr bool is_map = false;
};
template <class V>
requires std::same_as<typename V::key_type, std::string> && requires(V& m, const V& c) {
  typename V::mapped_type;
  m[std::string()];
  c.find(std::string());
}
struct container_of<V> : std::true_type {
  using element = typename V::mapped_type;
  static constexpr bool is_map = true;
};

// A user's type that names its JSON kind (decl::json_kind<T>).
template <class V>
concept custom_kind = requires(const V& v, V& out, typename decl::json_kind<V>::json j) {
  { decl::json_kind<V>::to_json(v) } -> std::convertible_to<typename decl::json_kind<V>::json>;
  { decl::json_kind<V>::from_json(std::move(j), out) } -> std::same_as<bool>;
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
  number,
  boolean,
  json,
  model,
  array,
  map,
  variant,
  constant,
  rest,
  header
};

// `V` is an enumerator of its enum: the compilers spell a value that is none
// as a cast ("(kind)3"), an enumerator by its name.
template <auto V>
constexpr bool is_enumerator() {
  std::string_view s = __PRETTY_FUNCTION__;
  auto at = s.find("V = ");
  return at != std::string_view::npos && at + 4 < s.size() && s[at + 4] != '(';
}
// An open enum's names, one for each kind after unknown.
template <class E>
constexpr bool names_match_kinds() {
  using K = typename E::kind;
  constexpr std::size_t n = std::size(E::names);
  return static_cast<int>(K::unknown) == 0 && is_enumerator<static_cast<K>(n)>() &&
         !is_enumerator<static_cast<K>(n + 1)>();
}

// A std::variant<A, B, ..., raw_json>, known by its shape (a class template
// of types with index() and valueless_by_exception()) so that a TU without
// one needs no <variant>. `alt<I>` is its I-th alternative, `count` the
// declared models before the last.
template <class V>
struct variant_of : std::false_type {};
template <template <class...> class Tmpl, class... Ts>
requires requires(const Tmpl<Ts...>& v) {
  { v.valueless_by_exception() } -> std::same_as<bool>;
  { v.index() } -> std::same_as<std::size_t>;
}
struct variant_of<Tmpl<Ts...>> : std::true_type {
  template <std::size_t I>
  using alt = std::tuple_element_t<I, std::tuple<Ts...>>;
  static constexpr std::size_t count = sizeof...(Ts) - 1;
  static constexpr bool raw_last = std::is_same_v<alt<count>, raw_json>;
};
template <class V, std::size_t... I>
constexpr bool variant_models_of(std::index_sequence<I...>) {
  return sizeof...(I) > 0 && (declared_model<typename variant_of<V>::template alt<I>> && ...);
}
// Its alternatives before the last are declared models, at least one.
template <class V>
inline constexpr bool variant_models =
    variant_models_of<V>(std::make_index_sequence<variant_of<V>::count>());

// The value of model A's constant(name, ...), or empty when it declares none.
template <class A>
constexpr std::string_view constant_of(std::string_view name) {
  std::string_view value{};
  auto look = [&](const auto& f) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(f)>, constant_decl>)
      if (value.empty() && f.name == name)
        value = f.value;
  };
  for_each_part(decl_of<A>.fields, look);
  return value;
}
// The name of model A's n-th constant, or empty past the last.
template <class A>
constexpr std::string_view constant_name(std::size_t n) {
  std::string_view name{};
  std::size_t i = 0;
  auto look = [&](const auto& f) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(f)>, constant_decl>)
      if (i++ == n)
        name = f.name;
  };
  for_each_part(decl_of<A>.fields, look);
  return name;
}
// The first constant of First that every model declares, each with its own
// value: what tells the alternatives apart ("object"). Empty when none does.
template <class First, class... Rest>
constexpr std::string_view shared_tag() {
  for (std::size_t n = 0;; ++n) {
    const std::string_view name = constant_name<First>(n);
    if (name.empty())
      return {};
    const std::string_view values[] = {constant_of<First>(name), constant_of<Rest>(name)...};
    bool distinct = true;
    for (std::size_t i = 0; i < std::size(values); ++i)
      for (std::size_t j = 0; j < i; ++j)
        distinct = distinct && !values[i].empty() && values[i] != values[j];
    if (distinct && !values[0].empty())
      return name;
  }
}
template <class V, std::size_t... I>
constexpr std::string_view variant_tag_of(std::index_sequence<I...>) {
  return shared_tag<typename variant_of<V>::template alt<I>...>();
}
template <class V>
inline constexpr std::string_view variant_tag =
    variant_tag_of<V>(std::make_index_sequence<variant_of<V>::count>());
// What kind_of<V> checks: a raw_json last, declared models before it, and a
// constant that tells them apart.
template <class V>
constexpr bool variant_fits() {
  if constexpr (variant_of<V>::raw_last && variant_models<V>)
    return !variant_tag<V>.empty();
  else
    return false;
}

template <class V>
constexpr kind kind_of() {
  if constexpr (custom_kind<V>) {
    using J = typename decl::json_kind<V>::json;
    static_assert(std::is_same_v<J, std::string> || std::is_same_v<J, std::int64_t> ||
                      std::is_same_v<J, double> || std::is_same_v<J, bool>,
                  "clerk::decl::json_kind<T>::json must be std::string, std::int64_t, double "
                  "or bool");
    return kind_of<J>();
  } else if constexpr (std::is_same_v<V, std::string>) {
    return kind::string;
  } else if constexpr (std::is_same_v<V, secret>) {
    return kind::secret;
  } else if constexpr (std::is_base_of_v<open_enum_tag, V>) {
    static_assert(names_match_kinds<V>(),
                  "clerk::open_enum: `names` must hold one wire name for each enumerator after "
                  "`unknown` (which must be 0), in order; add or remove names to match");
    return kind::enumeration;
  } else if constexpr (std::is_same_v<V, timestamp>) {
    return kind::timestamp;
  } else if constexpr (std::is_same_v<V, std::int64_t>) {
    return kind::integer;
  } else if constexpr (std::is_same_v<V, std::chrono::seconds>) {
    return kind::seconds;
  } else if constexpr (std::is_same_v<V, std::chrono::sys_seconds>) {
    return kind::unix_seconds;
  } else if constexpr (std::is_same_v<V, double>) {
    return kind::number;
  } else if constexpr (std::is_same_v<V, bool>) {
    return kind::boolean;
  } else if constexpr (std::is_same_v<V, raw_json>) {
    return kind::json;
  } else if constexpr (declared_model<V>) {
    return kind::model;
  } else if constexpr (variant_of<V>::value) {
    static_assert(variant_of<V>::raw_last,
                  "clerk::decl::field: a std::variant member's last alternative must be "
                  "clerk::raw_json, which keeps an answer no alternative matches: "
                  "std::variant<a, b, clerk::raw_json>");
    static_assert(variant_models<V>,
                  "clerk::decl::field: a std::variant member's alternatives before the last "
                  "(clerk::raw_json) must be declared models, at least one");
    if constexpr (variant_models<V>)
      static_assert(!variant_tag<V>.empty(),
                    "clerk::decl::field: the alternatives of a std::variant member must each "
                    "declare constant(name, value) under one name, each with its own value "
                    "(Clerk's \"object\": constant(\"object\", \"verification_otp\")); add it "
                    "to each alternative's describe()");
    return kind::variant;
  } else if constexpr (container_of<V>::value) {
    using E = typename container_of<V>::element;
    static_assert(!unwrap<E>::optional,
                  "clerk::decl::field: an array or map holds values, not std::optional (use "
                  "clerk::raw_json for elements that may be null)");
    static_assert(kind_of<E>() != kind::seconds && kind_of<E>() != kind::secret,
                  "clerk::decl::field: arrays and maps of durations or secrets are not kinds");
    return container_of<V>::is_map ? kind::map : kind::array;
  } else {
    static_assert(no_json_kind<V>,
                  "clerk::decl::field: this member type has no JSON kind. Use std::string, "
                  "clerk::secret, an open enum, clerk::timestamp, std::int64_t, double, bool, "
                  "std::chrono::seconds, std::chrono::sys_seconds, clerk::raw_json, a declared "
                  "model, a std::vector or std::map<std::string, ...> of any of these, a "
                  "std::variant of declared models ending in clerk::raw_json, or specialise "
                  "clerk::decl::json_kind<T> for your own type");
    return kind::string;
  }
}

constexpr bool is_scalar(kind k) {
  return k != kind::json && k != kind::model && k != kind::array && k != kind::map &&
         k != kind::variant && k != kind::rest && k != kind::header;
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
struct field_info;

// A map element being read: value() of a map's element field takes one.
struct map_slot {
  void* map;
  std::string_view key;
};
// Called by field_info::each for each element (key empty in an array).
using visit_fn = void (*)(void* ctx, std::string_view key, const void* value);
// A user's type (decl::json_kind): `json` points at a std::string,
// std::int64_t, double or bool as the field's kind says.
struct custom_ops {
  bool (*from_json)(void* member, void* json);
  void (*to_json)(const void* member, void* json);
};
// A std::variant member: its alternatives are told apart by the constant
// `tag` they all declare; alternative i (i < count) is the declared model
// whose value of it is values[i], alternative `count` the raw_json that keeps
// what none matches.
struct variant_info {
  std::string_view tag;
  const std::string_view* values;
  std::size_t count;
  const model_info* (*alternative)(std::size_t i);  // i < count
  // Makes alternative i current (default-constructed) and returns it.
  void* (*emplace)(void* variant, std::size_t i);
  // The current alternative and its index, or nullptr when the variant is
  // valueless (an emplace threw).
  const void* (*held)(const void* variant, std::size_t& i);
};

// One field, type-erased: what the one parser, writer, checker and printer
// need. `obj` is the object holding the field. value() returns where the
// parser writes the value (emplacing an optional; for an element, appending
// to its array or inserting in its map through a map_slot); get() where the
// writer reads it, or nullptr for an unset optional. An open enum's value is
// its text (a std::string), a header field's a std::string or a secret.
struct field_info {
  std::string_view name{};
  std::string_view label{};     // the name an invalid_request gives the field
  std::string_view constant{};  // kind::constant: the one value
  kind k = kind::constant;
  bool required = false;         // in a response
  bool nullable = false;         // a std::optional
  bool non_empty = false;        // a string, both ways
  bool is_secret = false;        // a header field: the member is a clerk::secret
  bool allow_empty = false;      // a request string may be empty
  bool as_url = false;           // a secret printed as its origin and path
  bool has_min = false;          // a number at least `min`, both ways
  bool has_max = false;          // a number at most `max`, both ways
  bool free_text = false;        // a JSON body string may hold newlines and tabs
  bool null_when_unset = false;  // a request sends an unset optional as null
  bool never_null = false;       // an answer may omit the optional, never give null
  char joined = 0;               // an array in a query or form: one value, joined by ',' or ' '
  std::int64_t min = 0;
  std::int64_t max = 0;
  // The member: a pointer to its declaration's `M T::*`, which the three
  // functions below (one set for each member type of a model, not one for
  // each member) apply; null for a constant, an element or a root.
  const void* member = nullptr;
  void* (*value_fn)(void* obj, const void* member) = nullptr;
  const void* (*get_fn)(const void* obj, const void* member) = nullptr;
  void (*reset_fn)(void* obj, const void* member) = nullptr;   // optional members only
  const model_info* (*child)() = nullptr;                      // a model: its fields
  const field_info* (*element)() = nullptr;                    // an array or map: its elements
  void (*each)(const void* c, void* ctx, visit_fn) = nullptr;  // an array or map
  bool (*contains)(const void* map, std::string_view key) = nullptr;
  const custom_ops* custom = nullptr;
  const variant_info* variant = nullptr;  // kind::variant

  void* value(void* obj) const { return value_fn(obj, member); }
  const void* get(const void* obj) const { return get_fn(obj, member); }
  void reset(void* obj) const { reset_fn(obj, member); }
};

struct model_info {
  std::string_view name;
  const field_info* fields;
  std::size_t count;
};

// A model's table. With separate compilation this is a function template
// that is not constexpr, so that an explicit instantiation declaration
// (`extern template`, written by the generator after each Backend API model)
// keeps its table, the tables it nests and their accessors out of every
// translation unit but <clerk/src.hpp>'s; a model declared elsewhere is
// compiled where it is used, in either mode.
#ifdef CLERK_BACKEND_SEPARATE_COMPILATION
template <class T>
const model_info* info_ptr();
#else
template <class T>
constexpr const model_info* info_ptr();
#endif
template <class C>
constexpr const field_info* element_ptr();

// Where the engine reads and writes a value of type V: an open enum's text,
// else the value itself.
template <class V>
auto* storage_of(V* v) {
  if constexpr (std::is_base_of_v<open_enum_tag, std::remove_const_t<V>>)
    return &enum_access::raw(*v);
  else
    return v;
}

template <class V>
struct value_ops {
  static void each(const void* c, void* ctx, visit_fn fn) {
    if constexpr (container_of<V>::is_map) {
      for (const auto& [key, e] : *static_cast<const V*>(c))
        fn(ctx, key, storage_of(&e));
    } else {
      for (const auto& e : *static_cast<const V*>(c))
        fn(ctx, {}, storage_of(&e));
    }
  }
  static bool contains(const void* m, std::string_view key) {
    const V& map = *static_cast<const V*>(m);
    return map.find(std::string(key)) != map.end();
  }
  static bool from_json(void* member, void* json) {
    using J = typename decl::json_kind<V>::json;
    return decl::json_kind<V>::from_json(std::move(*static_cast<J*>(json)),
                                         *static_cast<V*>(member));
  }
  static void to_json(const void* member, void* json) {
    using J = typename decl::json_kind<V>::json;
    *static_cast<J*>(json) = decl::json_kind<V>::to_json(*static_cast<const V*>(member));
  }
  static constexpr custom_ops custom{&from_json, &to_json};
};

template <class V>
struct variant_ops {
  template <std::size_t I>
  using alt = typename variant_of<V>::template alt<I>;
  static constexpr std::size_t count = variant_of<V>::count;

  template <std::size_t... I>
  static const model_info* alternative_at(std::size_t i, std::index_sequence<I...>) {
    const model_info* m = nullptr;
    (void)((I == i && (m = info_ptr<alt<I>>(), true)) || ...);
    return m;
  }
  static const model_info* alternative(std::size_t i) {
    return alternative_at(i, std::make_index_sequence<count>());
  }
  template <std::size_t... I>
  static void* emplace_at(V& v, std::size_t i, std::index_sequence<I...>) {
    void* a = nullptr;
    (void)((I == i && (a = &v.template emplace<I>(), true)) || ...);
    return a;
  }
  static void* emplace(void* v, std::size_t i) {
    return emplace_at(*static_cast<V*>(v), i, std::make_index_sequence<count + 1>());
  }
  template <std::size_t... I>
  static const void* held_at(const V& v, std::size_t i, std::index_sequence<I...>) {
    const void* a = nullptr;
    // get_if is found by argument-dependent lookup: no <variant> here.
    (void)((I == i && (a = get_if<I>(&v), true)) || ...);
    return a;
  }
  static const void* held(const void* v, std::size_t& i) {
    const V& var = *static_cast<const V*>(v);
    i = var.index();
    return held_at(var, i, std::make_index_sequence<count + 1>());
  }
};
template <class V, std::size_t... I>
constexpr auto variant_values_of(std::index_sequence<I...>) {
  return std::array<std::string_view, sizeof...(I)>{
      constant_of<typename variant_of<V>::template alt<I>>(variant_tag<V>)...};
}
template <class V>
inline constexpr auto variant_values =
    variant_values_of<V>(std::make_index_sequence<variant_of<V>::count>());
template <class V>
inline constexpr variant_info variant_info_of{
    variant_tag<V>,           variant_values<V>.data(),
    variant_of<V>::count,     &variant_ops<V>::alternative,
    &variant_ops<V>::emplace, &variant_ops<V>::held};

// The parts of a field_info that its value's type V decides.
template <class V>
constexpr void describe_value(field_info& f) {
  f.k = kind_of<V>();
  if constexpr (custom_kind<V>) {
    f.custom = &value_ops<V>::custom;
  } else if constexpr (declared_model<V>) {
    f.child = &info_ptr<V>;
  } else if constexpr (variant_of<V>::value) {
    if constexpr (variant_fits<V>())  // else kind_of<V> has said what is wrong
      f.variant = &variant_info_of<V>;
  } else if constexpr (container_of<V>::value) {
    f.element = &element_ptr<V>;
    f.each = &value_ops<V>::each;
    if constexpr (container_of<V>::is_map)
      f.contains = &value_ops<V>::contains;
  }
}

// The field that describes each element of container C.
template <class C>
struct element_at {
  using E = typename container_of<C>::element;
  static void* add(void* c, const void*) {
    if constexpr (container_of<C>::is_map) {
      auto* slot = static_cast<map_slot*>(c);
      return storage_of(&(*static_cast<C*>(slot->map))[std::string(slot->key)]);
    } else {
      return storage_of(&static_cast<C*>(c)->emplace_back());
    }
  }
  static constexpr field_info info() {
    field_info f;
    describe_value<E>(f);
    f.required = true;
    f.value_fn = &add;
    return f;
  }
};
template <class C>
inline constexpr field_info element_info = element_at<C>::info();
template <class C>
constexpr const field_info* element_ptr() {
  return &element_info<C>;
}

// The whole answer of an operation whose response type is not a model (a
// bare JSON array): a field without a name whose value is the object itself.
template <class V>
struct root_at {
  static void* self(void* obj, const void*) { return obj; }
  static constexpr field_info info() {
    field_info f;
    describe_value<V>(f);
    f.required = true;
    f.value_fn = &self;
    return f;
  }
};
template <class V>
inline constexpr field_info root_info = root_at<V>::info();

// Where a declaration's fields are: a model's, or an operation's body or query.
template <class T>
struct model_fields {
  using object = T;
  static constexpr const auto& fields = decl_of<T>.fields;
};

// Reads and writes a member of type M of a T through a pointer to its
// `M T::*`: one set of functions for every member of that type.
template <class T, class M>
struct member_ops {
  static M& of(void* obj, const void* member) {
    return static_cast<T*>(obj)->*(*static_cast<M T::*const*>(member));
  }
  static const M& of(const void* obj, const void* member) {
    return static_cast<const T*>(obj)->*(*static_cast<M T::*const*>(member));
  }
  static void* value(void* obj, const void* member) {
    M& m = of(obj, member);
    if constexpr (unwrap<M>::optional)
      return storage_of(&m.emplace());
    else
      return storage_of(&m);
  }
  static const void* get(const void* obj, const void* member) {
    const M& m = of(obj, member);
    if constexpr (unwrap<M>::optional)
      return m ? storage_of(&*m) : nullptr;
    else
      return storage_of(&m);
  }
  // Instantiated only for the optional members (see make_field()).
  static void reset(void* obj, const void* member) { of(obj, member).reset(); }
};
inline void* no_place(void*, const void*) {
  return nullptr;
}
inline const void* no_value(const void*, const void*) {
  return nullptr;
}

// One field_info for each part of a declaration, by the part's type: `d` is
// a part of a declaration held in a constexpr variable, so &d.member is a
// constant.
constexpr field_info make_field(const constant_decl& d) {
  field_info f;
  f.value_fn = &no_place;
  f.get_fn = &no_value;
  f.name = d.name;
  f.required = true;
  f.constant = d.value;
  return f;
}
template <class T>
constexpr field_info make_field(const rest_decl<T>& d) {
  field_info f;
  f.member = &d.member;
  f.value_fn = &member_ops<T, raw_json>::value;
  f.get_fn = &member_ops<T, raw_json>::get;
  f.k = kind::rest;
  return f;
}
template <class T, class M>
constexpr field_info make_field(const field_decl<T, M>& d) {
  using V = typename unwrap<M>::type;
  constexpr bool optional = unwrap<M>::optional;
  field_info f;
  f.member = &d.member;
  f.value_fn = &member_ops<T, M>::value;
  f.get_fn = &member_ops<T, M>::get;
  describe_value<V>(f);
  if constexpr (optional)
    f.reset_fn = &member_ops<T, M>::reset;
  const unsigned set = d.opt.set;
  f.name = d.name;
  f.label = d.opt.label.empty() ? d.name : d.opt.label;
  f.required =
      (!optional || (set & opt_present_or_null) != 0) && (set & opt_absent_in_response) == 0;
  f.nullable = optional;
  f.null_when_unset = (set & opt_present_or_null) != 0;
  f.never_null = (set & opt_never_null) != 0;
  f.non_empty = (set & opt_non_empty) != 0;
  f.allow_empty = (set & opt_may_be_empty) != 0;
  f.as_url = (set & opt_printed_as_url) != 0;
  f.has_min = (set & opt_at_least) != 0;
  f.has_max = (set & opt_at_most) != 0;
  f.free_text = (set & opt_free_text) != 0;
  f.joined = (set & opt_comma_separated) ? ',' : (set & opt_space_separated) ? ' ' : '\0';
  f.min = d.opt.min;
  f.max = d.opt.max;
  return f;
}
template <class T, class M>
constexpr field_info make_field(const header_decl<T, M>& d) {
  field_info f;
  f.member = &d.member;
  f.value_fn = &member_ops<T, M>::value;
  f.get_fn = &member_ops<T, M>::get;
  f.name = d.name;
  f.k = kind::header;
  f.nullable = unwrap<M>::optional;
  f.is_secret = std::is_same_v<typename unwrap<M>::type, secret>;
  return f;
}

// No two fields of one object share a wire name: the parser could then fill
// neither (it refuses a repeated member), and a request would repeat it.
template <std::size_t N>
constexpr bool distinct_names(const std::array<field_info, N>& fields) {
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = i + 1; j < N; ++j)
      if (fields[i].k != kind::rest && fields[j].k != kind::rest &&
          fields[i].name == fields[j].name)
        return false;
  return true;
}
// A field's at_least is not above its at_most: no value could pass both.
template <std::size_t N>
constexpr bool bounds_ordered(const std::array<field_info, N>& fields) {
  for (const auto& f : fields)
    if (f.has_min && f.has_max && f.min > f.max)
      return false;
  return true;
}
template <std::size_t N>
constexpr bool one_rest(const std::array<field_info, N>& fields) {
  std::size_t n = 0;
  for (const auto& f : fields)
    n += f.k == kind::rest ? 1 : 0;
  return n <= 1;
}

template <std::size_t... I, class... F>
constexpr auto make_fields(const parts_impl<std::index_sequence<I...>, F...>& p) {
  return std::array<field_info, sizeof...(F)>{
      make_field(static_cast<const part<I, F>&>(p).value)...};
}

template <class Src>
constexpr auto checked_fields() {
  constexpr auto fields = make_fields(Src::fields);
  static_assert(fields.size() <= 64, "clerk::decl::model: at most 64 fields a model");
  static_assert(distinct_names(fields),
                "clerk::decl: two fields of one object have the same wire name; rename or "
                "remove one");
  static_assert(one_rest(fields), "clerk::decl::other_members: at most once an object");
  static_assert(bounds_ordered(fields),
                "clerk::decl: a field's at_least(n) is above its at_most(m), so no value "
                "passes; fix the bound that is wrong");
  return fields;
}

template <class Src>
inline constexpr auto fields_of = checked_fields<Src>();

template <class T>
inline constexpr model_info info_of = {decl_of<T>.name, fields_of<model_fields<T>>.data(),
                                       fields_of<model_fields<T>>.size()};

#ifdef CLERK_BACKEND_SEPARATE_COMPILATION
template <class T>
const model_info* info_ptr() {
  return &info_of<T>;
}
#else
template <class T>
constexpr const model_info* info_ptr() {
  return &info_of<T>;
}
#endif

// ---- the writer (JSON) and the printer, over the type-erased declaration ----

// `s` (valid UTF-8) as a JSON string literal, or its escaped body only.
CLERK_BACKEND_DECL void append_json_string(std::string& out, std::string_view s);
CLERK_BACKEND_DECL void append_json_escaped(std::string& out, std::string_view s);
CLERK_BACKEND_DECL void append_integer(std::string& out, std::int64_t v);
// The shortest text that reads back as `v` (finite).
CLERK_BACKEND_DECL void append_number(std::string& out, double v);
// The members of a JSON object's text, after a comma unless `first`.
CLERK_BACKEND_DECL void append_members(std::string& out, std::string_view object_text, bool& first);

// The fields of `obj` as JSON members, after a comma unless `first`.
CLERK_BACKEND_DECL void write_members(std::string& out, const model_info& info, const void* obj,
                                      bool& first);
// `obj` as a JSON object.
CLERK_BACKEND_DECL void write_object(std::string& out, const model_info& info, const void* obj);
// The value at `v` of field `f` as JSON.
CLERK_BACKEND_DECL void write_value(std::string& out, const field_info& f, const void* v);
// `obj` as one line, every secret redacted: "name{field=value, ...}".
CLERK_BACKEND_DECL void print_object(std::ostream& os, const model_info& info, const void* obj);
CLERK_BACKEND_DECL void print_value(std::ostream& os, const field_info& f, const void* v);

}  // namespace detail
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#ifndef CLERK_BACKEND_SEPARATE_COMPILATION
#include <clerk/impl/model.ipp>
#endif

#endif

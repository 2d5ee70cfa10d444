// What of Clerk's API the engine can express (issue 21): walks Clerk's Backend
// and Frontend API OpenAPI documents (../shared/clerk-api/, YAML turned into
// JSON by yaml_to_json.mjs) and sorts every operation's parameters, request
// body and 2xx answers into the JSON kinds the engine's members have
// (include/clerk/model.hpp): string, integer, number, boolean, model, array<T>,
// map<T> and raw_json, each nullable or optional. It prints the figures as
// Markdown and checks that nothing but a multipart upload is out of reach.
// When a document, node or js-yaml is missing, the document cases do
// nothing and the program exits 77 (CTest: skipped), or 1 when CI is set
// (cannot_run.hpp); the classifier's own cases always run.
#include "cannot_run.hpp"
#include "process.hpp"

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

bool is_scalar(const std::string& k) {
  return k == "string" || k == "integer" || k == "number" || k == "boolean";
}
bool is_scalar_or_array_of_scalars(const std::string& k) {
  return is_scalar(k) || (k.starts_with("array<") && is_scalar(k.substr(6, k.size() - 7)));
}
bool is_json_media(std::string_view m) {
  return m.starts_with("application/json") || m.find("+json") != std::string_view::npos;
}

// One operation's verdict: why it cannot be declared (reason -> detail; none:
// it can), where a schema that says what it holds still became raw_json, and
// each part's kind.
struct verdict {
  std::map<std::string, std::string> reasons;
  std::set<std::string> fallbacks;
  std::vector<std::string> parts;  // "query user_id array<string>", "answer 200 model"
  std::vector<std::string> answers;
};

class classifier {
 public:
  explicit classifier(const json::value& doc) : doc_(doc) {}

  // A schema's kind: "string", "model", "array<model>", "map<integer>",
  // "raw_json". A polymorphic schema (oneOf/anyOf of several kinds, several
  // types, not) is raw_json and adds "where: why" to `fallbacks`; an untyped
  // one ({}, an object without properties, metadata) is raw_json alone.
  std::string kind(const json::value& schema, const std::string& where,
                   std::set<std::string>& fallbacks) {
    if (const auto* only = single_ref(schema))
      return kind(*only, where, fallbacks);
    const auto* ref = schema.is_object() ? schema.as_object().if_contains("$ref") : nullptr;
    if (!ref || !ref->is_string())
      return kind_of(flat(schema), where, fallbacks);
    // A named schema is walked once, its fallbacks named after it.
    std::string name(ref->as_string());
    if (auto m = memo_.find(name); m != memo_.end()) {
      fallbacks.insert(m->second.second.begin(), m->second.second.end());
      return m->second.first;
    }
    if (!open_.insert(name).second) {
      recursive.insert(name);  // declared as a model that holds itself
      return "model";
    }
    std::set<std::string> own;
    std::string k = kind_of(flat(schema), name.substr(name.rfind('/') + 1), own);
    open_.erase(name);
    memo_[name] = {k, own};
    fallbacks.insert(own.begin(), own.end());
    return k;
  }

  verdict operation(const json::object& path_item, const json::object& op) {
    verdict v;
    std::vector<const json::value*> params;
    for (const auto* owner : {&path_item, &op})
      if (const auto* ps = owner->if_contains("parameters"); ps && ps->is_array())
        for (const auto& p : ps->as_array())
          params.push_back(resolve(&p));
    for (const auto* pv : params) {
      if (!pv || !pv->is_object()) {
        add(v, "unresolvable parameter", "?");
        continue;
      }
      const auto& p = pv->as_object();
      std::string in = str(p, "in"), name = str(p, "name");
      std::string k = kind(schema_of(p), "parameter " + name, v.fallbacks);
      v.parts.push_back(in + ' ' + name + ' ' + k);
      if (in == "cookie")
        add(v, "cookie parameter", name);
      else if (in == "header" && !is_scalar(k))  // decl::headers() takes scalars
        add(v, "header parameter of kind " + k, name);
      else if (in == "path" && k != "string")
        add(v, "path parameter of kind " + k, name);
      else if (in == "query" && !is_scalar_or_array_of_scalars(k))
        add(v, "query parameter of kind " + k, name);
      else if (in == "query" && !is_scalar(k)) {
        // The engine sends an array as repeated names (style form, explode),
        // or joined by commas (form, explode: false: decl::comma_separated) or
        // spaces (spaceDelimited: decl::space_separated).
        std::string style = str(p, "style", "form");
        if (style != "form" && style != "spaceDelimited")
          add(v, "query array of style " + style, name);
      }
    }
    if (const auto* rb = op.contains("requestBody") ? resolve(&op.at("requestBody")) : nullptr)
      body(v, content_of(*rb));
    // The answer's type: a kind, clerk::no_content (no 2xx has a body), or
    // clerk::http_response (unparsed: not JSON, a redirect only, or 2xx
    // answers of several kinds), which is expressible but not typed.
    std::set<std::string> kinds;
    if (const auto* rs = op.if_contains("responses"); rs && rs->is_object())
      for (const auto& [code, r] : rs->as_object()) {
        if (!code.starts_with("2"))
          continue;
        const auto* answered = resolve(&r);
        kinds.insert(answer(v, std::string(code), answered ? content_of(*answered) : nullptr));
      }
    if (kinds.empty()) {
      v.answers.push_back("http_response");
      v.fallbacks.insert("answer: no 2xx, " + codes(op) + " (http_response)");
    } else if (kinds.size() > 1) {
      v.answers.push_back("http_response");
      v.fallbacks.insert("answer: 2xx of several kinds (http_response)");
    } else if (const std::string& k = *kinds.begin(); k.starts_with("http_response")) {
      v.answers.push_back("http_response");
      v.fallbacks.insert("answer: " + k);
    } else {
      v.answers.push_back(k.starts_with("array<") ? "array" : k);
    }
    return v;
  }

  std::set<std::string> recursive;     // named schemas that hold themselves
  std::map<std::string, int> members;  // model members by kind (a named schema's once)

 private:
  const json::value& doc_;
  std::map<std::string, std::pair<std::string, std::set<std::string>>> memo_;
  std::set<std::string> open_;

  static void add(verdict& v, const std::string& reason, const std::string& detail) {
    auto& d = v.reasons[reason];
    d += (d.empty() ? "" : ", ") + detail;
  }
  static std::string str(const json::object& o, std::string_view key, std::string dflt = "") {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : dflt;
  }
  static std::string codes(const json::object& op) {
    std::string out;
    if (const auto* rs = op.if_contains("responses"); rs && rs->is_object())
      for (const auto& [code, r] : rs->as_object())
        if (code.starts_with("3"))
          out += (out.empty() ? "" : " ") + std::string(code);
    return out.empty() ? "none" : "redirects " + out;
  }

  // Follows $refs ("#/components/..."); null when one leads nowhere.
  const json::value* resolve(const json::value* v) const {
    for (int hops = 0; v && v->is_object() && hops < 16; ++hops) {
      const auto* ref = v->as_object().if_contains("$ref");
      if (!ref || !ref->is_string())
        return v;
      std::string_view r = ref->as_string();
      std::error_code ec;
      v = r.starts_with("#") ? doc_.find_pointer(r.substr(1), ec) : nullptr;
    }
    return v;
  }

  // {"allOf": [{"$ref": X}], "nullable": true}: X, walked (and named) as X.
  static const json::value* single_ref(const json::value& schema) {
    if (!schema.is_object())
      return nullptr;
    const auto& s = schema.as_object();
    const auto* all = s.if_contains("allOf");
    if (!all || !all->is_array() || all->as_array().size() != 1 ||
        !all->as_array()[0].is_object() || !all->as_array()[0].as_object().contains("$ref"))
      return nullptr;
    for (const char* word :
         {"properties", "additionalProperties", "items", "oneOf", "anyOf", "not"})
      if (s.contains(word))
        return nullptr;
    return &all->as_array()[0];
  }

  // The schema with its allOf parts merged in (properties and required
  // joined, nullable if any part is), its own words last.
  json::object flat(const json::value& schema) const {
    json::object out;
    const auto* s = resolve(&schema);
    if (!s || !s->is_object())
      return out;
    if (const auto* all = s->as_object().if_contains("allOf"); all && all->is_array())
      for (const auto& part : all->as_array())
        merge(out, flat(part));
    merge(out, s->as_object());
    out.erase("allOf");
    return out;
  }
  static void merge(json::object& into, const json::object& from) {
    for (const auto& [k, v] : from) {
      auto* have = into.if_contains(k);
      if (have && k == "properties" && have->is_object() && v.is_object())
        for (const auto& [name, p] : v.as_object())
          have->as_object()[name] = p;
      else if (have && k == "required" && have->is_array() && v.is_array())
        have->as_array().insert(have->as_array().end(), v.as_array().begin(), v.as_array().end());
      else if (!(have && k == "nullable" && *have == true))
        into[k] = v;
    }
  }

  // Whether a schema says anything of what it holds (an additionalProperties
  // of {} or a description alone says nothing).
  bool says_something(const json::value& schema) const {
    auto s = flat(schema);
    for (const char* word :
         {"type", "properties", "additionalProperties", "items", "oneOf", "anyOf", "enum", "not"})
      if (s.contains(word))
        return true;
    return false;
  }

  std::string kind_of(const json::object& s, const std::string& where,
                      std::set<std::string>& fallbacks) {
    // A null alternative makes the rest nullable; one kind left is that kind.
    for (const char* word : {"oneOf", "anyOf"})
      if (const auto* alts = s.if_contains(word); alts && alts->is_array()) {
        std::set<std::string> kinds, inner;
        std::size_t n = 0;
        // An alternative that only constrains ({"required": ["domain"]}) is
        // no shape: the schema's own words say what it holds.
        for (const auto& a : alts->as_array()) {
          auto alt = flat(a);
          const auto* t = alt.if_contains("type");
          if (!says_something(a) || (t && *t == "null"))
            continue;
          kinds.insert(kind(a, where, inner));
          ++n;
        }
        if (n == 0)
          continue;
        if (kinds.size() == 1 && (n == 1 || is_scalar(*kinds.begin()))) {
          fallbacks.insert(inner.begin(), inner.end());
          return *kinds.begin();
        }
        fallbacks.insert(where + ": " + word + " of " + std::to_string(n));
        return "raw_json";
      }
    if (s.contains("not")) {
      fallbacks.insert(where + ": not");
      return "raw_json";
    }
    std::string type;
    if (const auto* t = s.if_contains("type"); t && t->is_string()) {
      type = t->as_string();
    } else if (t && t->is_array()) {  // OpenAPI 3.1: [x, "null"]
      std::vector<std::string> types;
      for (const auto& e : t->as_array())
        if (e.is_string() && e != "null")
          types.emplace_back(e.as_string());
      if (types.size() > 1) {
        fallbacks.insert(where + ": " + std::to_string(types.size()) + " types");
        return "raw_json";
      }
      type = types.empty() ? "" : types[0];
    } else if (s.contains("properties") || s.contains("additionalProperties")) {
      type = "object";
    } else if (s.contains("items")) {
      type = "array";
    } else if (const auto* e = s.if_contains("enum");
               e && e->is_array() && !e->as_array().empty()) {
      type = e->as_array()[0].is_string() ? "string" : "";
    }
    if (is_scalar(type))
      return type;
    if (type == "array") {
      const auto* items = s.if_contains("items");
      return "array<" + (items ? kind(*items, where + "[]", fallbacks) : "raw_json") + ">";
    }
    if (type == "object") {
      if (const auto* ps = s.if_contains("properties");
          ps && ps->is_object() && !ps->as_object().empty()) {
        for (const auto& [name, p] : ps->as_object())
          ++members[kind(p, where + "." + std::string(name), fallbacks)];
        return "model";  // additionalProperties beside: other_members
      }
      if (const auto* ap = s.if_contains("additionalProperties"); ap && says_something(*ap))
        return "map<" + kind(*ap, where + "{}", fallbacks) + ">";
      return "raw_json";  // an object that names no member
    }
    if (!type.empty() && type != "null")
      fallbacks.insert(where + ": type " + type);
    return "raw_json";  // {}: any JSON value
  }

  static json::value schema_of(const json::object& o) {
    if (const auto* s = o.if_contains("schema"))
      return *s;
    if (const auto* c = o.if_contains("content"); c && c->is_object())
      for (const auto& [media, m] : c->as_object())
        if (m.is_object() && m.as_object().contains("schema"))
          return m.as_object().at("schema");
    return json::object();
  }
  static const json::object* content_of(const json::value& v) {
    const auto* c = v.is_object() ? v.as_object().if_contains("content") : nullptr;
    return c && c->is_object() && !c->as_object().empty() ? &c->as_object() : nullptr;
  }

  // A body is sent as JSON if it may be, else as a form of scalars.
  void body(verdict& v, const json::object* content) {
    if (!content)
      return;
    for (const auto& [media, m] : *content)
      if (is_json_media(media) && m.is_object()) {
        std::string k = kind(schema_of(m.as_object()), "body", v.fallbacks);
        v.parts.push_back("body json " + k);
        // json_body() writes an object (its fields, and other_members),
        // json_array_body() a bare array (one array member's value).
        if (k != "model" && k != "raw_json" && !k.starts_with("array<"))
          add(v, "JSON body of kind " + k, "body");
        return;
      }
    if (const auto* m = content->if_contains("application/x-www-form-urlencoded")) {
      auto schema = schema_of(m->as_object());
      std::string k = kind(schema, "body", v.fallbacks);
      v.parts.push_back("body form " + k);
      if (k != "model" && k != "raw_json")
        add(v, "form body of kind " + k, "body");
      auto fields = flat(schema);
      if (const auto* ps = fields.if_contains("properties"); ps && ps->is_object())
        for (const auto& [name, p] : ps->as_object())
          if (auto pk = kind(p, "body." + std::string(name), v.fallbacks);
              !is_scalar_or_array_of_scalars(pk))
            add(v, "form field of kind " + pk, std::string(name));
      return;
    }
    if (content->contains("multipart/form-data"))
      add(v, "multipart upload", "body");
    else
      add(v, "request body of type " + std::string(content->begin()->key()), "body");
  }

  // One 2xx answer's type (see operation()).
  std::string answer(verdict& v, const std::string& code, const json::object* content) {
    if (!content) {
      v.parts.push_back("answer " + code + " no_content");
      return "no_content";
    }
    for (const auto& [media, m] : *content)
      if (is_json_media(media) && m.is_object()) {
        std::string k = kind(schema_of(m.as_object()), "answer " + code, v.fallbacks);
        v.parts.push_back("answer " + code + ' ' + k);
        return k;  // any kind is a response_type
      }
    std::string media(content->begin()->key());
    v.parts.push_back("answer " + code + " http_response (" + media + ")");
    return "http_response (" + media + ")";
  }
};

// One document's figures.
struct tally {
  int operations = 0, expressible = 0, typed = 0;
  std::map<std::string, std::vector<std::string>> by_reason;  // reason -> "GET /x (detail)"
  std::vector<std::string> not_expressible, not_typed, lines;
  std::map<std::string, int> answers;         // 2xx answers by kind
  std::map<std::string, int> fallback_sites;  // "User.x: oneOf of 2" -> operations reaching it
  std::set<std::string> recursive;
  std::map<std::string, int> members;
};

std::string join(const auto& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts)
    out += (out.empty() ? "" : std::string(sep)) + p;
  return out;
}

tally walk(const json::value& doc) {
  classifier c(doc);
  tally t;
  for (const auto& [path, item] : doc.at("paths").as_object())
    for (const auto& [method, op] : item.as_object()) {
      static const std::set<std::string_view> methods = {"get",   "put",  "post",    "delete",
                                                         "patch", "head", "options", "trace"};
      if (!methods.contains(method))
        continue;
      verdict v = c.operation(item.as_object(), op.as_object());
      std::string name;
      for (char ch : method)
        name += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      name += ' ' + std::string(path);
      ++t.operations;
      std::vector<std::string> why;
      for (const auto& [reason, detail] : v.reasons) {
        t.by_reason[reason].push_back(name);
        why.push_back(reason + " (" + detail + ")");
      }
      if (!why.empty())
        t.not_expressible.push_back("`" + name + "`: " + join(why, "; "));
      else if (++t.expressible; v.fallbacks.empty())
        ++t.typed;
      else
        t.not_typed.push_back(name);
      for (const auto& f : v.fallbacks)
        ++t.fallback_sites[f];
      for (const auto& a : v.answers)
        ++t.answers[a];
      t.lines.push_back(name + ": " + join(v.parts, "; "));
    }
  t.recursive = c.recursive;
  t.members = c.members;
  return t;
}

std::string markdown(const std::string& title, const tally& t) {
  std::ostringstream o;
  o << "\n### " << title << "\n\n| operations | expressible | typed | not expressible |\n"
    << "| ---: | ---: | ---: | ---: |\n| " << t.operations << " | " << t.expressible << " | "
    << t.typed << " | " << t.not_expressible.size() << " |\n\n2xx JSON answers by kind:";
  for (const auto& [k, n] : t.answers)
    o << ' ' << k << ' ' << n << ';';
  o << "\n\nModel members by kind:";
  for (const auto& [k, n] : t.members)
    o << ' ' << k << ' ' << n << ';';
  o << "\n\n| not expressible because | operations |\n| --- | ---: |\n";
  for (const auto& [reason, ops] : t.by_reason)
    o << "| " << reason << " | " << ops.size() << " |\n";
  o << "\nNot expressible:\n";
  for (const auto& l : t.not_expressible)
    o << "- " << l << '\n';
  o << "\nExpressible, not typed (" << t.not_typed.size() << "): " << join(t.not_typed, ", ")
    << "\n\nWhere a schema that says what it holds is kept as raw_json (operations reaching "
       "it):\n";
  for (const auto& [site, n] : t.fallback_sites)
    o << "- " << site << " (" << n << ")\n";
  if (!t.recursive.empty())
    o << "\nSchemas that hold themselves: " << join(t.recursive, ", ") << '\n';
  return o.str();
}

}  // namespace

namespace {

// node's full path (run_process takes no search), or empty.
std::string find_node() {
  std::istringstream dirs(std::getenv("PATH") ? std::getenv("PATH") : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && ::access((fs::path(dir) / "node").c_str(), X_OK) == 0)
      return (fs::path(dir) / "node").string();
  return {};
}

// The document as JSON, or why it cannot be read here (a skip).
struct loaded {
  json::value doc;
  std::string skip;
};

loaded load(const char* env, const char* built_in) {
  const fs::path path = std::getenv(env) ? std::getenv(env) : built_in;
  const fs::path dir = CLERK_CONFORMANCE_DIR;
  if (!fs::exists(path))
    return {{}, "Clerk's OpenAPI document is not at " + path.string() + " (set " + env + ")"};
  std::string node = find_node();
  if (node.empty())
    return {{}, "node is not installed (bash tests/setup.sh installs it)"};
  if (!fs::exists(dir / "node_modules/js-yaml/package.json"))
    return {{}, "js-yaml is not in tests/conformance/node_modules (npm ci there)"};
  auto r = clerk_test::run_process(node, {(dir / "yaml_to_json.mjs").string(), path.string()},
                                   {"PATH=" + std::string(std::getenv("PATH"))},
                                   std::chrono::seconds(120));
  REQUIRE_MESSAGE(r.exit_code == 0, "yaml_to_json.mjs " << path << ": " << r.err);
  boost::system::error_code ec;
  auto doc = json::parse(r.out, ec);
  REQUIRE_MESSAGE(!ec, "yaml_to_json.mjs printed no JSON: " << ec.message());
  REQUIRE(doc.is_object());
  REQUIRE(doc.as_object().contains("paths"));
  return {std::move(doc), ""};
}

// Why document cases could not run, if any did not.
std::string cannot_read;

// Walks one document, prints its figures and checks that every operation
// the engine cannot declare is a multipart upload: each other reason is a
// failing check naming the operations that need it.
std::optional<tally> check_document(const char* env, const char* built_in,
                                    const std::string& title) {
  loaded l = load(env, built_in);
  if (!l.skip.empty()) {
    cannot_read += (cannot_read.empty() ? "" : "; ") + l.skip;
    return std::nullopt;
  }
  tally t = walk(l.doc);
  std::cout << markdown(title, t);
  if (std::getenv("CLERK_EXPRESSIBLE_VERBOSE"))
    for (const auto& line : t.lines)
      std::cout << "  " << line << '\n';
  REQUIRE(t.operations > 0);
  for (const auto& [reason, ops] : t.by_reason) {
    // Plain locals: clang++ 14 cannot capture a structured binding in a message.
    const bool allowed = reason == "multipart upload";
    const std::string need =
        std::to_string(ops.size()) + " operations need: " + reason + ": " + join(ops, ", ");
    CHECK_MESSAGE(allowed, need);
  }
  return t;
}

// What tests/codegen/generate.mjs wrote into include/clerk/backend/: the
// operations its tag headers declare (one response_type each), and the ones
// all.hpp lists as left out ("// - POST /users/{user_id}/profile_image (Id): why").
struct generated {
  int operations = 0;
  std::set<std::string> left_out;
};

generated read_generated(const fs::path& dir) {
  generated g;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".hpp")
      continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("  using response_type = "))
        ++g.operations;
      if (entry.path().filename() == "all.hpp" && line.starts_with("// - ")) {
        auto end = line.find(" (");
        if (end != std::string::npos)
          g.left_out.insert(line.substr(5, end - 5));
      }
    }
  }
  return g;
}

// A document small enough to know every verdict: the classifier's own test.
const char* const sample = R"({
  "paths": {
    "/users": {"get": {
      "parameters": [
        {"in": "query", "name": "user_id", "schema": {"type": "array", "items": {"type": "string"}}},
        {"in": "query", "name": "limit", "schema": {"type": "integer"}},
        {"in": "query", "name": "ids", "style": "form", "explode": false,
         "schema": {"type": "array", "items": {"type": "string"}}}],
      "responses": {"200": {"content": {"application/json": {"schema":
        {"type": "array", "items": {"$ref": "#/components/schemas/User"}}}}}}}},
    "/users/{id}": {
      "parameters": [{"$ref": "#/components/parameters/Id"}],
      "delete": {"responses": {"200": {"$ref": "#/components/responses/User"}, "400": {}}},
      "put": {"requestBody": {"content": {"multipart/form-data": {}}},
              "responses": {"204": {"description": "done"}}},
      "patch": {
        "parameters": [{"in": "header", "name": "Origin", "schema": {"type": "string"}}],
        "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {
          "type": "object", "properties": {"a": {"type": "string"},
          "b": {"type": "array", "items": {"type": "integer"}}, "c": {"$ref": "#/components/schemas/Org"}}}}}},
        "responses": {"200": {"$ref": "#/components/responses/User"}}}},
    "/poly": {"post": {
      "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Org"}}}},
      "responses": {"201": {"content": {"application/json": {"schema":
        {"oneOf": [{"$ref": "#/components/schemas/User"}, {"type": "string"}]}}}}}}},
    "/redirect": {"get": {"responses": {"307": {"description": "elsewhere"}}}},
    "/page": {"get": {"responses": {"200": {"content": {"text/html": {}}}}}},
    "/pipes": {"get": {"parameters": [
      {"in": "query", "name": "ids", "style": "pipeDelimited",
       "schema": {"type": "array", "items": {"type": "string"}}},
      {"in": "cookie", "name": "session", "schema": {"type": "string"}}],
      "responses": {"204": {"description": "none"}}}}
  },
  "components": {
    "parameters": {"Id": {"in": "path", "name": "id", "schema": {"type": "string"}}},
    "responses": {"User": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}}},
    "schemas": {
      "User": {"type": "object", "additionalProperties": true, "properties": {
        "id": {"type": "string"},
        "public_metadata": {"type": "object", "additionalProperties": true},
        "scores": {"type": "object", "additionalProperties": {"type": "number"}},
        "org": {"allOf": [{"$ref": "#/components/schemas/Org"}], "nullable": true},
        "tags": {"type": ["array", "null"], "items": {"type": "string", "enum": ["a", "b"]}}}},
      "Org": {"type": "object", "anyOf": [{"required": ["id"]}, {"required": ["role"]}],
        "properties": {"id": {"type": "string"},
        "parent": {"$ref": "#/components/schemas/Org"},
        "role": {"anyOf": [{"type": "string"}, {"type": "null"}]}}},
      "Logo": {"oneOf": [{"type": "string"}, {"type": "integer"}]}
    }
  }
})";

}  // namespace

TEST_CASE("the classifier sorts schemas into the engine's kinds") {
  const auto doc = json::parse(sample);
  classifier c(doc);
  std::set<std::string> fallbacks;
  auto kind = [&](std::string_view pointer) {
    return c.kind(doc.at_pointer(pointer), "x", fallbacks);
  };
  const std::string user = "/components/schemas/User/properties/";
  CHECK(kind(user + "id") == "string");
  CHECK(kind(user + "public_metadata") == "raw_json");
  CHECK(kind(user + "scores") == "map<number>");
  CHECK(kind(user + "org") == "model");
  CHECK(kind(user + "tags") == "array<string>");
  CHECK(kind("/components/schemas/Org/properties/role") == "string");
  CHECK(fallbacks.empty());  // none of these is a fallback
  CHECK(kind("/components/schemas/Logo") == "raw_json");
  CHECK(fallbacks == std::set<std::string>{"x: oneOf of 2"});
  CHECK(c.recursive == std::set<std::string>{"#/components/schemas/Org"});
}

TEST_CASE("the classifier names why an operation is out of reach") {
  const auto doc = json::parse(sample);
  tally t = walk(doc);
  CHECK(t.operations == 8);
  // GET /users (a comma-joined array), DELETE /users/{id}, POST /poly,
  // GET /redirect (http_response), GET /page (http_response)
  CHECK(t.expressible == 5);
  CHECK(t.typed == 2);  // GET /users and DELETE /users/{id}
  const std::map<std::string, std::vector<std::string>> expected = {
      {"query array of style pipeDelimited", {"GET /pipes"}},
      {"cookie parameter", {"GET /pipes"}},
      {"form field of kind model", {"PATCH /users/{id}"}},
      {"multipart upload", {"PUT /users/{id}"}}};
  CHECK(t.by_reason == expected);
  CHECK(t.not_typed == std::vector<std::string>{"POST /poly", "GET /redirect", "GET /page"});
  CHECK(t.fallback_sites ==
        std::map<std::string, int>{{"answer 201: oneOf of 2", 1},
                                   {"answer: http_response (text/html)", 1},
                                   {"answer: no 2xx, redirects 307 (http_response)", 1}});
  CHECK(t.answers ==
        std::map<std::string, int>{
            {"array", 1}, {"http_response", 2}, {"model", 2}, {"no_content", 2}, {"raw_json", 1}});
}

TEST_CASE("every operation of Clerk's Backend API is expressible but multipart uploads") {
  auto t =
      check_document("CLERK_API_DOCUMENT", CLERK_API_DOCUMENT, "Backend API (bapi-2026-05-12.yml)");
  if (!t)
    return;
  // The generated API is every operation the engine can express: the same
  // count, and the rest exactly what all.hpp says it left out.
  generated g = read_generated(CLERK_BACKEND_HEADERS);
  CHECK(g.operations == t->expressible);
  std::set<std::string> out;
  for (const auto& [reason, ops] : t->by_reason)
    out.insert(ops.begin(), ops.end());
  CHECK(g.left_out == out);
  std::cout << "\nGenerated (include/clerk/backend/): " << g.operations << " operations; left out "
            << g.left_out.size() << ": " << join(g.left_out, ", ") << '\n';
}

TEST_CASE("every operation of Clerk's Frontend API is expressible but multipart uploads") {
  check_document("CLERK_FAPI_DOCUMENT", CLERK_FAPI_DOCUMENT, "Frontend API (fapi-2026-05-12.yml)");
}

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  const int result = context.run();
  if (result != 0 || context.shouldExit() || cannot_read.empty())
    return result;
  return clerk_test::cannot_run(cannot_read);
}

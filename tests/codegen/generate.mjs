// Writes include/clerk/backend/ from Clerk's Backend API OpenAPI document and
// overlay.yml: every operation the engine can send, as the declarations a
// person would write (<clerk/model.hpp>, <clerk/operation.hpp>). Offline and
// deterministic: the same document and overlay give the same bytes (sorted,
// no dates), formatted by clang-format 14 with the repository's style.
//
//   node tests/codegen/generate.mjs [--document bapi.yml] [--out dir] [--check]
//
// The document is CLERK_API_DOCUMENT, else ../shared/clerk-api/bapi-2026-05-12.yml
// beside the repository. It writes include/clerk/backend/,
// tests/codegen/declarations.cpp and tests/conformance/backend_calls.hpp (a
// request of each operation, for the conformance test) under the repository,
// or under --out DIR;
// --check writes into a temporary folder and exits 1 when the committed files
// differ (the codegen CTest test). Exit 77: something it needs is
// missing (the document, js-yaml, clang-format 14), said on stderr.
//
// The rules, each applied the same way everywhere:
//
// Layout. One header per tag (its name in snake_case: "Organization
// Memberships" -> organization_memberships.hpp) with the tag's operations and
// the models only they use; an operation with several tags is in its first.
// A model used by the operations of several tags is in models/<model>.hpp,
// included by each header that needs it. all.hpp includes every header and
// says which operations are left out and why.
//
// Names. snake_case of the operationId or schema name, acronyms kept whole
// (VerifyTOTP -> verify_totp, ListOAuthApplications -> list_oauth_applications,
// createM2MToken -> create_m2m_token, ListRedirectURLs -> list_redirect_urls).
// A member is named as its parameter or property, in snake_case when the
// document spells it otherwise (apiKeyID -> api_key_id); the wire name is
// always declared. An inline schema is named after where it is: a member's
// object or enum <parent>_<member> (an array's element too), an operation's
// answer <operation>_response, or the name of the components/responses entry
// that holds it (Machine.Created -> machine_created); overlay.yml may rename
// it. A member that is a C++ keyword or a macro gets a trailing underscore, as
// does a second member of the same name (frontendApi beside frontend_api);
// one named as its struct (email_address.email_address) keeps its name, and
// the struct names itself backend::email_address. A type a member's name
// hides is qualified (clerk::secret secret), a clerk::decl word a member's
// name hides too (decl::query beside a query parameter). A type named
// like a C++ keyword or a word of clerk::decl gets a trailing underscore; two
// generated types of one name are told apart by _2, _3... on the later one:
// operations claim their names first, then schemas as the operations, sorted
// by name, reach them. An enum value becomes an enumerator in lower snake
// case ("-manual_invitation" -> minus_manual_invitation, "*" -> all, "" ->
// empty), with a trailing
// underscore when it is a keyword or one of open_enum's own names.
//
// Types. string -> std::string (clerk::secret where overlay.yml says),
// integer -> std::int64_t, number -> double, boolean -> bool, a string enum ->
// an open enum (unknown values kept), an object with properties -> a model,
// an object whose members are data (additionalProperties of a kind) ->
// std::map<std::string, kind>, any other object ({}, metadata) ->
// clerk::raw_json, an array -> std::vector. allOf is merged; a oneOf/anyOf of
// one shape (null aside) is that shape; a oneOf whose alternatives a member
// tells apart (a discriminator, or an "object" or "strategy" of one value in
// each) becomes std::variant<alternatives..., clerk::raw_json>, each
// alternative declaring that member as its constant() (raw_json keeps an
// answer none matches); any other oneOf/anyOf stays raw_json. overlay.yml
// turns integers into clerk::timestamp (Unix milliseconds),
// std::chrono::seconds and std::chrono::sys_seconds.
//
// Checks. required -> a member that is not std::optional (present_or_null
// when also nullable); not required or nullable -> std::optional; minimum ->
// at_least (exclusiveMinimum adds one); maximum -> at_most; a model member
// "object" with one enum value is a constant() (left out when not required). Empty strings in requests: a path
// parameter, a required member and an identifier (id, *_id, an array of them)
// are refused empty, as the engine does by default; any other optional string
// of a request is sent even when empty (may_be_empty), since the document
// never forbids it and an update may clear a value with "". An enum is never
// sent empty. Arrays in a query are sent as repeated names, or joined
// (explode: false -> comma_separated, spaceDelimited -> space_separated); an
// optional array in a query is a plain std::vector (empty sends nothing).
//
// Bodies: a JSON object as json_body() of its properties, a bare JSON array
// (the bulk creates) as json_array_body() of one member named after the
// path's resource, a form as form_body(). minItems and maxItems bound an
// array as minimum and maximum bound a number. Left out: multipart uploads
// (the engine sends JSON and forms only).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");

const SKIP = 77;
function fail(message, code = 1) {
  process.stderr.write(`generate.mjs: ${message}\n`);
  process.exit(code);
}

// ---- arguments and inputs ----

const args = process.argv.slice(2);
function option(name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
const check = args.includes("--check");
const documentPath = resolve(
  option("--document") ?? process.env.CLERK_API_DOCUMENT ?? join(repo, "../shared/clerk-api/bapi-2026-05-12.yml"),
);
const out = check ? mkdtempSync(join(tmpdir(), "clerk-codegen-")) : resolve(option("--out") ?? repo);

let yaml;
try {
  yaml = createRequire(join(here, "package.json"))("js-yaml");
} catch {
  fail("js-yaml is not in tests/codegen/node_modules (npm ci there, or bash tests/setup.sh)", SKIP);
}
if (!existsSync(documentPath)) fail(`Clerk's Backend API document is not at ${documentPath} (set CLERK_API_DOCUMENT)`, SKIP);
const clangFormat = findClangFormat();
if (!clangFormat) fail("clang-format 14 is not installed (bash tests/setup.sh installs it)", SKIP);

const doc = yaml.safeLoad(readFileSync(documentPath, "utf8"));
const overlay = yaml.safeLoad(readFileSync(join(here, "overlay.yml"), "utf8"));

function findClangFormat() {
  for (const name of [process.env.CLANG_FORMAT, "clang-format-14", "clang-format"]) {
    if (!name) continue;
    const r = spawnSync(name, ["--version"], { encoding: "utf8" });
    if (r.status === 0 && /version 14\./.test(r.stdout)) return name;
  }
  return null;
}

// ---- names ----

const keywords = new Set(
  ("alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t char32_t class " +
    "compl concept const consteval constexpr constinit const_cast continue co_await co_return co_yield decltype " +
    "default delete do double dynamic_cast else enum explicit export extern false float for friend goto if inline " +
    "int long mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected public register " +
    "reinterpret_cast requires return short signed sizeof static static_assert static_cast struct switch template " +
    "this thread_local throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t " +
    "while xor xor_eq " +
    // macros of the C library and GNU mode
    "assert errno linux unix major minor NULL EOF").split(/\s+/),
);
// Words generated code uses unqualified in clerk::backend: a type named so
// would hide them.
const declWords = [
  "path", "param", "query", "json_body", "json_array_body", "form_body", "headers", "field", "endpoint", "idempotent", "already_done",
  "model", "constant", "other_members", "non_empty", "may_be_empty", "free_text", "at_least", "at_most",
  "present_or_null", "absent_in_response", "printed_as_url", "comma_separated", "space_separated", "named",
];
const reservedTypes = new Set([
  ...declWords, "decl", "detail", "http_method", "timestamp", "secret", "raw_json", "open_enum", "no_content",
  "http_response", "print", "backend", "clerk", "std",
]);

// snake_case with acronyms kept whole: OAuth is one word, digits stay with
// the word before them (Web3), a plural acronym keeps its s (URLs).
function snake(name) {
  const words = [];
  for (const part of String(name).split(/[^A-Za-z0-9]+/)) {
    const re = /OAuth|[A-Z0-9]+s?(?=[A-Z][a-z]|$)|[A-Z]?[a-z]+[0-9]*|[A-Z0-9]+|[0-9]+/g;
    for (const m of part.match(re) ?? []) words.push(m.toLowerCase());
  }
  return words.join("_");
}
const isIdentifier = (s) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
const memberName = (wire) => (isIdentifier(wire) && wire === wire.toLowerCase() ? wire : snake(wire) || "member");

// One namespace of generated type names.
const typeNames = new Map(); // name -> what claimed it
function claimType(wanted, what) {
  let base = wanted;
  if (keywords.has(base) || reservedTypes.has(base)) base += "_";
  let name = base;
  for (let n = 2; typeNames.has(name); ++n) name = `${base}_${n}`;
  typeNames.set(name, what);
  return name;
}

// ---- the document ----

function pointer(ref) {
  if (!ref.startsWith("#/")) fail(`unsupported $ref ${ref}`);
  let v = doc;
  for (const k of ref.slice(2).split("/")) {
    v = v?.[k.replace(/~1/g, "/").replace(/~0/g, "~")];
    if (v === undefined) fail(`$ref ${ref} leads nowhere`);
  }
  return v;
}
function deref(v) {
  for (let hops = 0; v && v.$ref; ++hops) {
    if (hops > 16) fail(`$ref loop at ${v.$ref}`);
    v = pointer(v.$ref);
  }
  return v;
}
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

// The schema with its allOf parts merged in (properties and required joined,
// nullable if any part is), its own words last.
function flat(schema) {
  const s = deref(schema);
  if (!isObject(s)) return {};
  const out = {};
  for (const part of s.allOf ?? []) merge(out, flat(part));
  merge(out, s);
  delete out.allOf;
  return out;
}
function merge(into, from) {
  for (const [k, v] of Object.entries(from)) {
    if (k === "properties" && isObject(into.properties)) into.properties = { ...into.properties, ...v };
    else if (k === "required" && Array.isArray(into.required)) into.required = [...new Set([...into.required, ...v])];
    else if (!(k === "nullable" && into.nullable === true)) into[k] = v;
  }
}
// {"allOf": [{"$ref": X}], "nullable": true}: X itself, nullable.
function singleRef(s) {
  if (!isObject(s) || !Array.isArray(s.allOf) || s.allOf.length !== 1 || !s.allOf[0].$ref) return null;
  for (const w of ["properties", "additionalProperties", "items", "oneOf", "anyOf", "not", "enum", "type"])
    if (w in s) return null;
  return s.allOf[0];
}
function saysSomething(schema) {
  const s = flat(schema);
  return ["type", "properties", "additionalProperties", "items", "oneOf", "anyOf", "enum", "not"].some((w) => w in s);
}
function schemaType(s) {
  if (typeof s.type === "string") return s.type;
  if (Array.isArray(s.type)) {
    const t = s.type.filter((x) => x !== "null");
    return t.length === 1 ? t[0] : t.length ? "several" : "";
  }
  if (s.properties || s.additionalProperties) return "object";
  if (s.items) return "array";
  if (Array.isArray(s.enum) && s.enum.length) return typeof s.enum[0] === "string" ? "string" : "";
  return "";
}
const isJsonMedia = (m) => m.startsWith("application/json") || m.includes("+json");

// ---- what overlay.yml says, each entry checked off when used ----

const used = new Set();
function lookup(section, key) {
  const table = overlay[section];
  if (Array.isArray(table)) {
    if (table.includes(key)) return used.add(`${section}:${key}`), true;
    return undefined;
  }
  if (isObject(table) && key in table) {
    used.add(`${section}:${key}`);
    return table[key] ?? true;
  }
  return undefined;
}
function typesEntry(list, key) {
  const l = overlay.types?.[list] ?? [];
  if (l.includes(key)) return used.add(`types.${list}:${key}`), true;
  return false;
}

// ---- the model: types, models, enums, operations ----

// A type: {k: "string"|"secret"|"int"|"double"|"bool"|"timestamp"|"seconds"|
// "unix_seconds"|"json"|"model"|"enum"|"array"|"map"|"variant", of, ref, alts},
// with `fallback` on a raw_json that stands for a schema that says what it
// holds (a oneOf the engine cannot type yet).
const models = new Map(); // name -> model
const enums = new Map(); // name -> enum
const componentTypes = new Map(); // "#/components/schemas/X" -> {type, nullable}
const responseTypes = new Map(); // "#/components/responses/X" -> type
const namedInline = new Map(); // inline schema text -> name overlay.yml gave it
const inlineModels = new Map(); // overlay name -> model
const fallbacks = []; // where a schema that says something became raw_json

// An entity (model or enum) lives in its home's header: an inline one in its
// parent's (a model or an operation), a component schema or a renamed inline
// one in its own place.
function newModel(name, origin, parent) {
  const m = { kind: "model", name, origin, parent, members: [], constant: null, rest: null, description: "" };
  models.set(name, m);
  return m;
}

function typeOf(schemaIn, derived, parent, where) {
  const s0 = isObject(schemaIn) ? schemaIn : {};
  if (s0.$ref) {
    const r = componentType(s0.$ref);
    return { type: r.type, nullable: r.nullable };
  }
  const only = singleRef(s0);
  if (only) {
    const r = typeOf(only, derived, parent, where);
    return { type: r.type, nullable: r.nullable || s0.nullable === true };
  }
  const s = flat(s0);
  const nullable = s.nullable === true || (Array.isArray(s.type) && s.type.includes("null"));
  for (const word of ["oneOf", "anyOf"]) {
    if (!Array.isArray(s[word])) continue;
    const alts = s[word].filter((a) => saysSomething(a) && flat(a).type !== "null");
    const nullAlt = s[word].some((a) => flat(a).type === "null");
    if (alts.length === 0) continue;
    if (alts.length === 1) {
      const r = typeOf(alts[0], derived, parent, where);
      return { type: r.type, nullable: r.nullable || nullable || nullAlt };
    }
    // Alternatives of one scalar type (a string, or an enum of strings): that type.
    const scalars = alts.map((a) => schemaType(flat(a)));
    if (["string", "integer", "number", "boolean"].includes(scalars[0]) && scalars.every((t) => t === scalars[0]))
      return { type: typeOf({ type: scalars[0] }, derived, parent, where).type, nullable: nullable || nullAlt };
    const disc = s.discriminator?.propertyName ?? toldApartBy(alts);
    if (disc && alts.every((a) => a.$ref || toldApartBy([a]))) {
      const altTypes = alts.map((a) => {
        if (a.$ref) return componentType(a.$ref, disc).type;
        const value = flat(a).properties[disc].enum[0];
        return typeOf(a, `${derived}_${snake(value)}`, parent, where).type;
      });
      if (!altTypes.every((t) => t.k === "model" && t.ref.constant))
        fail(`${where}: a variant's alternatives must each declare the constant ${disc}`);
      return { type: { k: "variant", alts: altTypes, disc }, nullable: nullable || nullAlt };
    }
    fallbacks.push(`${where}: ${word} of ${alts.length}${disc ? ` (told apart by ${disc})` : ""}`);
    return { type: { k: "json", fallback: true }, nullable: nullable || nullAlt };
  }
  const t = schemaType(s);
  if (t === "string") {
    if (Array.isArray(s.enum)) {
      const values = s.enum.filter((v) => typeof v === "string");
      if (values.length) return { type: { k: "enum", ref: newEnum(derived, values, parent) }, nullable };
    }
    return { type: { k: "string" }, nullable };
  }
  if (t === "integer") return { type: { k: "int" }, nullable };
  if (t === "number") return { type: { k: "double" }, nullable };
  if (t === "boolean") return { type: { k: "bool" }, nullable };
  if (t === "array") {
    const e = s.items ? typeOf(s.items, derived, parent, `${where}[]`) : { type: { k: "json" } };
    // An array holds values, never null: elements that may be null are raw_json.
    const of = e.nullable ? { k: "json", fallback: true } : e.type;
    if (e.nullable) fallbacks.push(`${where}[]: nullable elements`);
    return { type: { k: "array", of }, nullable };
  }
  if (t === "object") {
    if (isObject(s.properties) && Object.keys(s.properties).length) {
      return { type: { k: "model", ref: inlineModel(s0, s, derived, parent) }, nullable };
    }
    if (s.additionalProperties && saysSomething(s.additionalProperties)) {
      const v = typeOf(s.additionalProperties, derived, parent, `${where}{}`);
      return { type: { k: "map", of: v.nullable ? { k: "json", fallback: true } : v.type }, nullable };
    }
    return { type: { k: "json" }, nullable };
  }
  if (t === "several") {
    fallbacks.push(`${where}: several types`);
    return { type: { k: "json", fallback: true }, nullable };
  }
  return { type: { k: "json" }, nullable };
}
// The member that tells a oneOf's alternatives apart without a discriminator:
// "object" (or "strategy"), one value in each alternative, a different one.
function toldApartBy(alts) {
  for (const name of ["object", "strategy"]) {
    const values = alts.map((a) => {
      const p = flat(a).properties?.[name];
      const e = p ? flat(p).enum : null;
      return Array.isArray(e) && e.length === 1 && typeof e[0] === "string" ? e[0] : null;
    });
    if (values.every((v) => v !== null) && new Set(values).size === values.length) return name;
  }
  return null;
}

function inlineModel(s0, s, derived, parent) {
  const text = JSON.stringify(s0);
  const said = lookup("names", derived);
  const renamed = namedInline.get(text) ?? said;
  if (renamed && inlineModels.has(renamed)) return inlineModels.get(renamed);
  if (renamed) namedInline.set(text, renamed);
  const m = newModel(claimType(renamed ?? derived, `inline ${derived}`), `inline ${derived}`, renamed ? null : parent);
  if (renamed) inlineModels.set(renamed, m);
  fillModel(m, s);
  return m;
}

function componentType(ref, discriminator) {
  if (componentTypes.has(ref)) return componentTypes.get(ref);
  const key = ref.split("/").pop();
  const s = flat(pointer(ref));
  const nullable = s.nullable === true;
  const t = schemaType(s);
  let entry;
  if (t === "object" && isObject(s.properties) && Object.keys(s.properties).length) {
    const m = newModel(claimType(lookup("names", snake(key)) ?? snake(key), ref), ref, null);
    entry = { type: { k: "model", ref: m }, nullable };
    componentTypes.set(ref, entry); // before its members: a model may hold itself
    m.description = s.description ?? "";
    fillModel(m, s, discriminator);
    return entry;
  }
  const r = typeOf({ ...s, nullable: false }, snake(key), null, key);
  entry = { type: r.type, nullable };
  componentTypes.set(ref, entry);
  return entry;
}

function newEnum(derived, values, parent) {
  const e = { kind: "enum", name: claimType(derived, `enum ${derived}`), values, parent };
  const taken = new Set(["kind", "names", "value", "raw", "open_enum", "unknown", e.name]);
  e.enumerators = values.map((v) => {
    // "*" (every permission) is "all"; "" is "empty".
    let id = v === "*" ? "all" : v.replace(/^-/, "minus_").replace(/^\+/, "plus_");
    id = snake(id) || "empty";
    if (/^[0-9]/.test(id)) id = `v${id}`;
    if (keywords.has(id) || taken.has(id)) id += "_";
    while (taken.has(id)) id += "_";
    taken.add(id);
    return id;
  });
  enums.set(e.name, e);
  return e;
}

function fillModel(m, s, discriminator) {
  const required = new Set(s.required ?? []);
  if (discriminator) required.add(discriminator);
  for (const [wire, ps] of Object.entries(s.properties)) {
    const p = flat(ps);
    const where = `${m.name}.${wire}`;
    const single = Array.isArray(p.enum) && p.enum.length === 1 && typeof p.enum[0] === "string";
    if (single && (wire === "object" || wire === discriminator)) {
      if (m.constant && wire !== discriminator) continue;
      if (required.has(wire)) m.constant = { name: wire, value: p.enum[0] };
      continue; // an optional constant says nothing a reader needs
    }
    const r = typeOf(ps, `${m.name}_${memberName(wire)}`, m, where);
    m.members.push(member(m.name, wire, ps, r, required.has(wire), "model"));
  }
  if (s.additionalProperties === true || (isObject(s.additionalProperties) && s.additionalProperties !== null))
    m.open = true; // other members allowed: kept where the model is sent
}

// A member of a model or an operation.
function member(owner, wire, schema, r, required, location) {
  const s = flat(schema);
  const key = `${owner}.${wire}`;
  let type = friendly(owner, wire, r.type, location);
  const nullable = r.nullable || s.nullable === true;
  const secretSays = lookup("secrets", key);
  const m = {
    wire, type, location, required,
    optional: !required || nullable,
    presentOrNull: required && nullable,
    deprecated: s.deprecated === true || deref(schema)?.deprecated === true,
    min: undefined, max: undefined, freeText: lookup("free_text", key) === true,
    nonEmpty: false, asUrl: false, minLength: s.minLength,
    schema, // for the conformance test's requests (callsUnit)
  };
  if (secretSays !== undefined) {
    if (type.k !== "string") fail(`overlay.yml: ${key} is a secret but not a string`);
    m.type = type = { k: "secret" };
    m.asUrl = secretSays === "printed_as_url";
  }
  if (typeof s.minimum === "number") m.min = s.exclusiveMinimum === true ? s.minimum + 1 : s.minimum;
  if (typeof s.maximum === "number") m.max = s.exclusiveMaximum === true ? s.maximum - 1 : s.maximum;
  if (m.min !== undefined && !Number.isInteger(m.min)) m.min = Math.ceil(m.min);
  if (typeof s.minItems === "number" && s.minItems > 0) m.min = s.minItems;
  if (typeof s.maxItems === "number") m.max = s.maxItems;
  const minimum = lookup("minimum", key);
  if (minimum !== undefined) {
    if (m.min !== undefined) fail(`overlay.yml: the document gives ${key} a minimum already`);
    m.min = minimum;
  }
  if (location === "model" && (overlay.non_empty ?? []).includes(wire) && type.k === "string") {
    used.add(`non_empty:${wire}`);
    m.nonEmpty = true;
  }
  if (lookup("absent_in_response", key)) m.absentInResponse = true;
  return m;
}

// overlay.yml's types: timestamps, durations, integers and booleans.
function friendly(owner, wire, type, location) {
  const key = `${owner}.${wire}`;
  const numeric = type.k === "int" || type.k === "double";
  const types = overlay.types ?? {};
  const model = lookup("models", key);
  if (model) return { k: "model", pending: model };
  if (typesEntry("unix_seconds", key)) return numericOnly(key, type, { k: "unix_seconds" });
  if (typesEntry("timestamps", key)) return numericOnly(key, type, { k: "timestamp" });
  if (typesEntry("seconds", key)) return numericOnly(key, type, { k: "seconds" });
  if (typesEntry("integers", key)) return numericOnly(key, type, { k: "int" });
  if (typesEntry("booleans", key)) return { k: "bool" };
  if (numeric && (types.timestamp_suffixes ?? []).some((x) => wire.endsWith(x))) return { k: "timestamp" };
  if (numeric && (types.seconds_suffixes ?? []).some((x) => wire.endsWith(x))) return { k: "seconds" };
  return type;
}
function numericOnly(key, type, to) {
  if (type.k !== "int" && type.k !== "double") fail(`overlay.yml: ${key} is not a number in the document`);
  return to;
}

// ---- operations ----

const methods = ["get", "post", "put", "patch", "delete"];
const operations = [];
const leftOut = [];
let documentOperations = 0;

function paramOf(p) {
  const d = deref(p);
  return { ...d, schema: d.schema ?? {} };
}

function buildOperation(path, item, method, op) {
  const name = op.$name;
  const o = {
    kind: "operation", name, id: op.operationId, method, path, tag: (op.tags ?? ["Miscellaneous"])[0],
    summary: (op.summary ?? "").trim(), members: [], body: null, response: null,
    idempotent: method !== "post" && method !== "patch", alreadyDone: "",
  };
  const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(paramOf);
  const pathNames = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  for (const n of pathNames) {
    const p = params.find((x) => x.in === "path" && x.name === n);
    if (!p) fail(`${op.operationId}: path parameter ${n} is not declared`);
    if (schemaType(flat(p.schema)) !== "string") fail(`${op.operationId}: path parameter ${n} is not a string`);
    o.members.push({ ...member(name, n, p.schema, { type: { k: "string" }, nullable: false }, true, "path") });
  }
  for (const p of params) {
    if (p.in === "path") continue;
    if (p.in === "cookie") return { out: "a cookie parameter" };
    const r = typeOf(p.schema, `${name}_${memberName(p.name)}`, o, `${name}(${p.in} ${p.name})`);
    const m = member(name, p.name, p.schema, r, p.required === true, p.in);
    if (p.in === "query" && m.type.k === "array") {
      const style = p.style ?? "form";
      if (style === "spaceDelimited") m.joined = " ";
      else if (style === "form" && p.explode === false) m.joined = ",";
      else if (style !== "form") return { out: `a query array of style ${style}` };
      m.optional = false; // an empty array sends nothing
    }
    o.members.push(m);
  }
  const rb = op.requestBody ? deref(op.requestBody) : null;
  if (rb && isObject(rb.content)) {
    const media = Object.keys(rb.content);
    const json = media.find(isJsonMedia);
    const form = media.includes("application/x-www-form-urlencoded") ? "application/x-www-form-urlencoded" : null;
    if (!json && !form) {
      if (media.includes("multipart/form-data")) return { out: "a multipart upload" };
      return { out: `a request body of type ${media[0]}` };
    }
    const schema = rb.content[json ?? form].schema ?? {};
    const s = flat(schema);
    if (json && schemaType(s) === "array") {
      // A bare JSON array (the bulk creates): one member holds it, named after
      // the path's resource (/invitations/bulk -> invitations).
      const literal = path.split("/").filter((x) => x && !x.startsWith("{") && x !== "bulk");
      const wire = literal.at(-1) ?? "items";
      const r = typeOf(schema, `${name}_item`, o, `${name}[]`);
      o.body = "json_array";
      o.members.push({ ...member(name, wire, schema, r, true, "body"), optional: false });
      return finish(o, op, name);
    }
    if (schemaType(s) !== "object") return { out: `a JSON body of type ${schemaType(s)}` };
    o.body = json ? "json" : "form";
    o.bodySchema = s;
    const required = new Set(s.required ?? []);
    for (const [wire, ps] of Object.entries(s.properties ?? {})) {
      const r = typeOf(ps, `${name}_${memberName(wire)}`, o, `${name}.${wire}`);
      o.members.push(member(name, wire, ps, r, required.has(wire), "body"));
    }
  }
  return finish(o, op, name);
}

function finish(o, op, name) {
  o.response = responseOf(o, op);
  const idem = lookup("idempotent", name);
  if (idem !== undefined) {
    if (o.idempotent) fail(`overlay.yml: ${name} is idempotent by its method already`);
    o.idempotent = true;
    if (typeof idem === "string") o.alreadyDone = idem;
  }
  return { op: o };
}

// The answer's type: a JSON kind, no_content (no 2xx has a body) or
// http_response (not JSON, redirects only, or 2xx of several kinds).
function responseOf(o, op) {
  const said = lookup("responses", o.name);
  if (said) return { k: said };
  const kinds = [];
  for (const [code, r0] of Object.entries(op.responses ?? {})) {
    if (!code.startsWith("2")) continue;
    const r = deref(r0);
    const content = isObject(r.content) && Object.keys(r.content).length ? r.content : null;
    if (!content) {
      kinds.push({ k: "no_content" });
      continue;
    }
    const json = Object.keys(content).find(isJsonMedia);
    if (!json) {
      kinds.push({ k: "http_response" });
      continue;
    }
    if (r0.$ref && !content[json].schema?.$ref) {
      // An inline schema of a components/responses entry: one model, named
      // after the entry, whichever operations answer it.
      if (!responseTypes.has(r0.$ref)) {
        const named = snake(r0.$ref.split("/").pop());
        responseTypes.set(r0.$ref, typeOf(content[json].schema ?? {}, named, null, named).type);
      }
      kinds.push(responseTypes.get(r0.$ref));
      continue;
    }
    kinds.push(typeOf(content[json].schema ?? {}, `${o.name}_response`, o, `${o.name}(${code})`).type);
  }
  if (kinds.length === 0) return { k: "http_response" };
  const text = new Set(kinds.map((k) => JSON.stringify(k, (key, v) => (key === "ref" ? v.name : v))));
  return text.size === 1 ? kinds[0] : { k: "http_response" };
}

function buildAll() {
  for (const [path, item] of Object.entries(doc.paths))
    for (const method of Object.keys(item)) {
      if (!methods.includes(method)) continue;
      const op = item[method];
      ++documentOperations;
      op.$name = claimType(snake(op.operationId), `operation ${op.operationId}`);
      op.$path = path;
      op.$item = item;
      op.$method = method;
    }
  const all = Object.values(doc.paths)
    .flatMap((item) => methods.filter((m) => item[m]).map((m) => item[m]))
    .sort((a, b) => (a.$name < b.$name ? -1 : 1));
  for (const op of all) {
    const r = buildOperation(op.$path, op.$item, op.$method, op);
    if (r.out) leftOut.push({ method: op.$method.toUpperCase(), path: op.$path, id: op.operationId, why: r.out });
    else operations.push(r.op);
  }
  // overlay.yml's models: a member typed as a named model.
  const resolvePending = (t) => {
    if (t.k === "model" && t.pending) {
      const m = models.get(t.pending);
      if (!m) fail(`overlay.yml: no model ${t.pending}`);
      return { k: "model", ref: m };
    }
    if (t.of) t.of = resolvePending(t.of);
    return t;
  };
  for (const x of [...models.values(), ...operations])
    for (const m of x.members) m.type = resolvePending(m.type);
}

// ---- C++ names of members, and where each model is used ----

function nameMembers(owner, words) {
  const taken = new Set(["response_type", "describe", ...words]);
  // Names spelt as the document spells them first, then converted ones.
  const order = [...owner.members].sort((a, b) => Number(memberName(a.wire) !== a.wire) - Number(memberName(b.wire) !== b.wire));
  for (const m of order) {
    let n = memberName(m.wire);
    if (keywords.has(n)) n += "_";
    while (taken.has(n)) n += "_";
    taken.add(n);
    m.cpp = n;
  }
}

// Marks each model with where it is sent and read, and the tags that reach it.
function reach(t, tag, side, seen = new Set()) {
  if (!t) return;
  if (t.k === "array" || t.k === "map") return reach(t.of, tag, side, seen);
  if (t.k === "variant") return t.alts.forEach((a) => reach(a, tag, side, seen));
  if (t.k !== "model" && t.k !== "enum") return;
  const e = t.ref;
  e.tags ??= new Set();
  e.tags.add(tag);
  e[side] = true;
  if (seen.has(e)) return;
  seen.add(e);
  for (const m of e.members ?? []) reach(m.type, tag, side, seen);
}

function deps(entity) {
  const out = new Set();
  const add = (t) => {
    if (!t) return;
    if (t.k === "model" || t.k === "enum") out.add(t.ref);
    if (t.of) add(t.of);
    for (const a of t.alts ?? []) add(a);
  };
  for (const m of entity.members ?? []) add(m.type);
  if (entity.response) add(entity.response);
  return out;
}

// ---- C++ text ----

function cppType(t, clash) {
  const q = (name, ns) => (clash.has(name) ? `${ns}::${name}` : name);
  switch (t.k) {
    case "string": return "std::string";
    case "secret": return q("secret", "clerk");
    case "int": return "std::int64_t";
    case "double": return "double";
    case "bool": return "bool";
    case "timestamp": return q("timestamp", "clerk");
    case "seconds": return "std::chrono::seconds";
    case "unix_seconds": return "std::chrono::sys_seconds";
    case "json": return q("raw_json", "clerk");
    case "model": case "enum": return q(t.ref.name, "backend");
    case "array": return `std::vector<${cppType(t.of, clash)}>`;
    case "map": return `std::map<std::string, ${cppType(t.of, clash)}>`;
    case "variant": return `std::variant<${t.alts.map((a) => cppType(a, clash)).join(", ")}, ${q("raw_json", "clerk")}>`;
    case "no_content": return "no_content";
    case "http_response": return "http_response";
  }
  fail(`no C++ type for ${t.k}`);
}

// An identifier or a cursor: never sent empty.
const isId = (wire) => wire === "id" || wire.endsWith("_id") || wire.endsWith("_ids") || wire === "starting_after";
const isText = (t) => t.k === "string" || t.k === "secret" || t.k === "enum";
// The checks a member's declaration carries (clerk::decl's options).
function options(m, sent) {
  const o = [];
  const text = isText(m.type);
  if (m.nonEmpty) o.push("non_empty");
  const refusedEmpty = m.location === "path" || m.required || isId(m.wire) || m.type.k === "enum" || m.minLength >= 1;
  if (text && sent && !m.nonEmpty && !refusedEmpty) o.push("may_be_empty");
  if (m.freeText) o.push("free_text");
  const bounded = ["int", "double", "seconds", "array"].includes(m.type.k);
  if (bounded && m.min !== undefined) o.push(`at_least(${m.min})`);
  if (bounded && m.max !== undefined) o.push(`at_most(${m.max})`);
  if (m.presentOrNull) o.push("present_or_null");
  if (m.absentInResponse) o.push("absent_in_response");
  if (m.asUrl) o.push("printed_as_url");
  if (m.joined === ",") o.push("comma_separated");
  if (m.joined === " ") o.push("space_separated");
  return o;
}

function memberLine(m, clash) {
  let t = cppType(m.type, clash);
  if (m.optional) t = `std::optional<${t}>`;
  return `  ${t} ${m.cpp}{};${m.deprecated ? "  // deprecated" : ""}`;
}

// Unqualified words a describe() uses, qualified when a member hides one.
function word(w, owner) {
  const hidden = owner.members.some((m) => m.cpp === w);
  return hidden ? (w === "http_method" ? `clerk::${w}` : `decl::${w}`) : w;
}

function fieldCall(m, self, owner, sent) {
  const opts = options(m, sent);
  return `${word("field", owner)}("${m.wire}", &${self}::${m.cpp}${opts.map((x) => `, ${optCall(x, owner)}`).join("")})`;
}
function optCall(x, owner) {
  const name = x.replace(/\(.*/, "");
  return word(name, owner) + x.slice(name.length);
}

function comment(text) {
  return text ? `// ${text.replace(/\s+/g, " ").trim()}\n` : "";
}
function firstSentence(text) {
  const t = (text ?? "").replace(/\s+/g, " ").trim();
  const m = t.match(/^(.*?[.!?])(\s|$)/);
  const s = m ? m[1] : t;
  return s.length <= 160 ? s : "";
}

function emitEnum(e) {
  const kinds = e.enumerators.join(", ");
  const statics = e.enumerators.map((k) => `${k} = kind::${k}`).join(", ");
  return `class ${e.name} : public open_enum<${e.name}> {
 public:
  enum class kind { unknown, ${kinds} };
  static constexpr kind unknown = kind::unknown, ${statics};
  static constexpr std::string_view names[] = {${e.values.map((v) => JSON.stringify(v)).join(", ")}};
  using open_enum::open_enum;
};
`;
}

function emitModel(m) {
  const members = [...m.members];
  const sent = m.sent === true;
  if (m.open && sent) {
    const rest = overlay.other_members?.[m.name] ?? "other_members";
    if (overlay.other_members?.[m.name]) used.add(`other_members:${m.name}`);
    m.rest = rest;
  }
  nameMembers(m, m.rest ? [m.rest] : []);
  const clash = new Set(members.map((x) => x.cpp).concat(m.rest ? [m.rest] : []));
  const lines = members.map((x) => memberLine(x, clash));
  if (m.rest) lines.push(`  ${cppType({ k: "json" }, clash)} ${m.rest}{};  // members the document does not name`);
  const parts = [`"${m.name}"`];
  if (m.constant) parts.push(`${word("constant", m)}("${m.constant.name}", "${m.constant.value}")`);
  for (const x of members) parts.push(fieldCall(x, "M", m, sent));
  if (m.rest) parts.push(`${word("other_members", m)}(&M::${m.rest})`);
  const self = clash.has(m.name) ? `backend::${m.name}` : m.name;
  return `${comment(firstSentence(m.description))}struct ${m.name} {
${lines.join("\n")}

  friend bool operator==(const ${self}&, const ${self}&) = default;
  template <class M = ${self}>
  static constexpr auto describe() {
    using namespace decl;
    return ${word("model", m)}(${parts.join(", ")});
  }
};
`;
}

function refusals(o) {
  const empty = [], bounds = [];
  for (const m of o.members) {
    if (isText(m.type) && !options(m, true).includes("may_be_empty")) empty.push(m.wire);
    const max = m.max;
    const last = max ?? m.min;
    const unit = m.type.k === "seconds" ? (last === 1 ? " second" : " seconds") : m.type.k === "array" ? (last === 1 ? " element" : " elements") : "";
    if (m.min !== undefined && max !== undefined) bounds.push(`${m.wire} outside ${m.min} to ${max}${unit}`);
    else if (m.min !== undefined) bounds.push(`${m.wire} below ${m.min}${unit}`);
    else if (max !== undefined) bounds.push(`${m.wire} above ${max}${unit}`);
  }
  const said = [];
  if (empty.length) said.push(`an empty ${empty.length > 1 ? `${empty.slice(0, -1).join(", ")} or ${empty.at(-1)}` : empty[0]}`);
  said.push(...bounds);
  return said.length ? ` Refused before sending: ${said.join("; ")}.` : "";
}

function emitOperation(o) {
  nameMembers(o, []);
  const clash = new Set(o.members.map((x) => x.cpp));
  const lines = o.members.map((x) => memberLine(x, clash));
  const pieces = [];
  let rest = o.path;
  for (const m of o.members.filter((x) => x.location === "path")) {
    const at = rest.indexOf(`{${m.wire}}`);
    if (at > 0) pieces.push(JSON.stringify(rest.slice(0, at)));
    pieces.push(`${word("param", o)}("${m.wire}", &O::${m.cpp})`);
    rest = rest.slice(at + m.wire.length + 2);
  }
  if (rest) pieces.push(JSON.stringify(rest));
  const parts = [`${word("http_method", o)}::${o.method === "delete" ? "delete_" : o.method}`, `${word("path", o)}(${pieces.join(", ")})`];
  const group = (loc, w) => {
    const ms = o.members.filter((x) => x.location === loc);
    if (ms.length) parts.push(`${word(w, o)}(${ms.map((x) => fieldCall(x, "O", o, true)).join(", ")})`);
  };
  group("query", "query");
  group("header", "headers");
  if (o.body === "json") {
    const ms = o.members.filter((x) => x.location === "body");
    parts.push(`${word("json_body", o)}(${ms.map((x) => fieldCall(x, "O", o, true)).join(", ")})`);
  } else if (o.body === "json_array") {
    const [m] = o.members.filter((x) => x.location === "body");
    parts.push(`${word("json_array_body", o)}(${fieldCall(m, "O", o, true)})`);
  } else if (o.body === "form") group("body", "form_body");
  if (o.idempotent) parts.push(word("idempotent", o));
  if (o.alreadyDone) parts.push(`${word("already_done", o)}("${o.alreadyDone}")`);
  const summary = o.summary ? `${o.summary.replace(/\.$/, "")}: ` : "";
  const self = clash.has(o.name) ? `backend::${o.name}` : o.name;
  return `// ${summary}${o.method.toUpperCase()} ${o.path}.${refusals(o)}
struct ${o.name} {
${lines.join("\n")}${lines.length ? "\n\n" : ""}  using response_type = ${cppType(o.response, clash)};
  friend bool operator==(const ${self}&, const ${self}&) = default;
  template <class O = ${self}>
  static constexpr auto describe() {
    using namespace decl;
    return ${word("endpoint", o)}(${parts.join(", ")});
  }
};
`;
}

// What a header's text needs included.
function includesFor(entities, ops, own) {
  const engine = new Set(["<clerk/version.hpp>"]);
  const std = new Set();
  const models = new Set();
  const walk = (t) => {
    if (!t) return;
    switch (t.k) {
      case "string": std.add("<string>"); break;
      case "secret": engine.add("<clerk/secret.hpp>"); break;
      case "int": std.add("<cstdint>"); break;
      case "timestamp": engine.add("<clerk/timestamp.hpp>"); break;
      case "seconds": case "unix_seconds": std.add("<chrono>"); break;
      case "json": engine.add("<clerk/raw_json.hpp>"); break;
      case "array": std.add("<vector>"); walk(t.of); break;
      case "map": std.add("<map>"); std.add("<string>"); walk(t.of); break;
      case "variant": std.add("<variant>"); engine.add("<clerk/raw_json.hpp>"); t.alts.forEach(walk); break;
      case "model": case "enum": if (!own.has(t.ref)) models.add(t.ref.file); break;
      case "http_response": engine.add("<clerk/http.hpp>"); break;
    }
  };
  for (const e of entities) {
    if (e.kind === "enum") {
      engine.add("<clerk/open_enum.hpp>");
      std.add("<string_view>");
    } else {
      engine.add("<clerk/model.hpp>");
      engine.add("<clerk/backend/print.hpp>");
    }
    for (const m of e.members ?? []) {
      walk(m.type);
      if (m.optional) std.add("<optional>");
    }
  }
  for (const o of ops) {
    engine.add("<clerk/http.hpp>");
    engine.add("<clerk/operation.hpp>");
    walk(o.response);
    for (const m of o.members) {
      walk(m.type);
      if (m.optional) std.add("<optional>");
    }
  }
  const sorted = (s) => [...s].sort();
  const local = [...models].map((f) => `<clerk/backend/${f}>`);
  return [...sorted([...local, ...engine]).map((i) => `#include ${i}`), "", ...sorted(std).map((i) => `#include ${i}`)].join("\n");
}

function guard(file) {
  return `CLERK_BACKEND_${file.replace(/\.hpp$/, "").replace(/[^A-Za-z0-9]/g, "_").toUpperCase()}_HPP`;
}

const documentName = basename(documentPath);
const banner = (what) =>
  `// ${what}. Generated by tests/codegen/generate.mjs from Clerk's Backend API document
// (${documentName}) and tests/codegen/overlay.yml: edit those, never this file.`;

function header(file, what, body, includes, extra = "") {
  const g = guard(file);
  return `${banner(what)}
#ifndef ${g}
#define ${g}

${includes}

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace backend {

${body}
}  // namespace backend
${extra}
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
`;
}

// The entities of one file in an order C++ accepts: what each uses first,
// then by name.
function ordered(entities) {
  const inFile = new Set(entities);
  const out = [];
  const state = new Map();
  const visit = (e) => {
    if (state.get(e) === "done") return;
    if (state.get(e) === "open") return; // a model that holds itself through an array
    state.set(e, "open");
    for (const d of [...deps(e)].sort(byName)) if (inFile.has(d) && d !== e) visit(d);
    state.set(e, "done");
    out.push(e);
  };
  for (const e of [...entities].sort(byName)) visit(e);
  return out;
}
const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

// With separate compilation, the tables of a header's models are compiled
// in <clerk/src.hpp> only (impl/models.ipp), not in every translation unit
// that reads one of them.
function externTables(names) {
  if (!names.length) return "";
  return `
#ifdef CLERK_BACKEND_SEPARATE_COMPILATION
${names.map((n) => `extern template const detail::model_info* detail::info_ptr<backend::${n}>();`).join("\n")}
#endif
`;
}

function inClerk(names) {
  const list = names.filter((n) => (overlay.in_clerk ?? []).includes(n)).sort();
  for (const n of list) used.add(`in_clerk:${n}`);
  if (!list.length) return "";
  return `\n// Reachable in clerk:: too: the library's first names.\n${list.map((n) => `using backend::${n};`).join("\n")}\n`;
}

function generate() {
  buildAll();
  // Each operation's tag reaches what it sends and reads.
  for (const o of operations) {
    for (const m of o.members) reach(m.type, o.tag, "sent");
    reach(o.response, o.tag, "read");
  }
  // An entity's home: its inline parent's, up to a component schema, a
  // renamed inline schema or an operation.
  const home = (e) => {
    while (e.parent) e = e.parent;
    return e;
  };
  const files = new Map(); // file -> {what, entities, ops}
  const fileOf = (e) => {
    const h = home(e);
    if (h.kind === "operation") return `${snake(h.tag)}.hpp`;
    if (h.tags.size > 1) return `models/${h.name}.hpp`;
    return `${snake([...h.tags][0])}.hpp`;
  };
  for (const e of [...models.values(), ...enums.values()]) {
    if (!e.tags) continue; // reached by no operation
    e.file = fileOf(e);
  }
  const add = (file) => {
    if (!files.has(file)) files.set(file, { entities: [], ops: [] });
    return files.get(file);
  };
  for (const o of operations) add(`${snake(o.tag)}.hpp`).ops.push(o);
  for (const e of [...models.values(), ...enums.values()]) if (e.file) add(e.file).entities.push(e);
  const texts = new Map();
  for (const [file, f] of [...files].sort()) {
    const own = new Set(f.entities);
    const ents = ordered(f.entities);
    const ops = f.ops.sort((a, b) => (a.path !== b.path ? (a.path < b.path ? -1 : 1) : methods.indexOf(a.method) - methods.indexOf(b.method)));
    const body = [...ents.map((e) => (e.kind === "enum" ? emitEnum(e) : emitModel(e))), ...ops.map(emitOperation)].join("\n");
    const title = file.startsWith("models/")
      ? `${home(f.entities[0]).name}: a model that several headers of the Backend API use`
      : `${f.ops[0].tag}: the Backend API's ${f.ops.length === 1 ? "operation" : `${f.ops.length} operations`} of this tag`;
    const names = [...ents.map((e) => e.name), ...ops.map((o) => o.name)];
    const tables = externTables(ents.filter((e) => e.kind === "model").map((e) => e.name));
    texts.set(file, header(file, title, body, includesFor(ents, ops, own), tables + inClerk(names)));
  }
  // all.hpp, impl/models.ipp and print.hpp
  const headers = [...texts.keys()].filter((f) => !f.startsWith("models/")).sort();
  const allModels = [...models.values()].filter((m) => m.file).map((m) => m.name).sort();
  texts.set(
    "impl/models.ipp",
    `// The table of every Backend API model, compiled once per program: with
// CLERK_BACKEND_SEPARATE_COMPILATION, <clerk/src.hpp> includes this, and every
// other translation unit finds the tables here (each header declares its
// models' tables \`extern template\`). Generated by tests/codegen/generate.mjs
// from Clerk's Backend API document (${documentName}) and tests/codegen/overlay.yml:
// edit those, never this file.
#ifndef CLERK_BACKEND_IMPL_MODELS_IPP
#define CLERK_BACKEND_IMPL_MODELS_IPP

#include <clerk/backend/all.hpp>
#include <clerk/detail/model_info.hpp>
#include <clerk/version.hpp>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

${allModels.map((n) => `template const detail::model_info* detail::info_ptr<backend::${n}>();`).join("\n")}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
`,
  );
  const left = leftOut
    .sort((a, b) => (a.path < b.path ? -1 : 1))
    .map((l) => `// - ${l.method} ${l.path} (${l.id}): ${l.why}`)
    .join("\n");
  texts.set(
    "all.hpp",
    `// Every Backend API header: ${operations.length} of the ${documentOperations} operations of Clerk's Backend API
// document (${documentName}), generated by tests/codegen/generate.mjs. Left out, because the
// engine sends JSON and forms only:
//
${left}
#ifndef CLERK_BACKEND_ALL_HPP
#define CLERK_BACKEND_ALL_HPP

${headers.map((h) => `#include <clerk/backend/${h}>`).join("\n")}

#endif
`,
  );
  texts.set(
    "print.hpp",
    `// Printing a Backend API model: \`os << user\` writes one line, every secret
// redacted (clerk::print). A template, so that a model's printer is compiled
// only where something prints it.
#ifndef CLERK_BACKEND_PRINT_HPP
#define CLERK_BACKEND_PRINT_HPP

#include <clerk/model.hpp>
#include <clerk/version.hpp>

#include <ostream>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace backend {

template <detail::declared_model T>
std::ostream& operator<<(std::ostream& os, const T& m) {
  return print(os, m);
}

}  // namespace backend
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
`,
  );
  return texts;
}

// tests/codegen/declarations.cpp: every declaration's engine table, so that
// one compile checks all of them (describe() is a template, compiled where
// it is used).
function declarationsUnit() {
  const names = (xs) => xs.map((x) => `    clerk::backend::${x.name}`).join(",\n");
  const ms = [...models.values()].filter((m) => m.tags).sort(byName);
  const ops = [...operations].sort(byName);
  return `// Every generated model and operation, compiled: describe() is a template,
// checked only where it is used, so this unit uses each once (the codegen
// CTest test compiles it). Generated by tests/codegen/generate.mjs.
#include <clerk/backend/all.hpp>

template <class... T>
constexpr bool models() {
  return ((clerk::detail::info_of<T>.name.size() > 0) && ...);
}
template <class... T>
constexpr bool operations() {
  return ((clerk::detail::operation_info_of<T>.path_count > 0) && ...);
}

static_assert(models<
${names(ms)}>());
static_assert(operations<
${names(ops)}>());
`;
}

// ---- requests for the conformance test ----
//
// tests/conformance/backend_calls.hpp: for every generated operation, one
// request with each member the document requires filled with a value the
// document accepts (an enum's first value, a number at its minimum or 1, an
// array of minItems elements, a string of its format or pattern, a required
// model with its own required members), in two parts split by tag so that the
// test compiles as two units. Optional members stay unset.

// The schema a scalar or array value is read from: a oneOf/anyOf's first
// alternative that is not null, through $refs and allOf.
function valueSchema(schema) {
  let s = flat(schema ?? {});
  for (let hops = 0; hops < 8; ++hops) {
    const alts = s.oneOf ?? s.anyOf;
    if (!Array.isArray(alts)) break;
    const a = alts.find((x) => flat(x).type !== "null");
    if (!a) break;
    s = flat(a);
  }
  return s;
}

// A string that the regular expression `pattern` matches: the first
// alternative of each group, one of each optional or repeated atom, the
// lowest count of each {n,m}. Fails on a pattern it does not read, or when
// its string does not match.
function fromPattern(pattern) {
  let i = 0;
  const src = pattern;
  const escape = (c) => ({ w: "a", S: "a", d: "0", s: " " })[c] ?? c;
  const fromClass = (body) => {
    if (body.startsWith("^")) {
      const re = new RegExp(`[${body}]`);
      const c = ["a", "A", "0"].find((x) => re.test(x));
      if (!c) fail(`pattern ${pattern}: cannot choose a character for [${body}]`);
      return c;
    }
    return body[0] === "\\" ? escape(body[1]) : body[0];
  };
  const alternatives = () => {
    const first = sequence();
    while (src[i] === "|") {
      ++i;
      sequence();
    }
    return first;
  };
  const sequence = () => {
    let out = "";
    while (i < src.length && src[i] !== "|" && src[i] !== ")") {
      const c = src[i];
      let atom;
      if (c === "^" || c === "$") {
        ++i;
        continue;
      }
      if (c === "(") {
        i += src.startsWith("?:", i + 1) ? 3 : 1;
        atom = alternatives();
        if (src[i] !== ")") fail(`pattern ${pattern}: unbalanced group`);
        ++i;
      } else if (c === "[") {
        const end = src.indexOf("]", i + 2);
        atom = fromClass(src.slice(i + 1, end));
        i = end + 1;
      } else if (c === "\\") {
        atom = escape(src[i + 1]);
        i += 2;
      } else {
        atom = c === "." ? "a" : c;
        ++i;
      }
      let n = 1;
      if (src[i] === "{") {
        const end = src.indexOf("}", i);
        n = Number(src.slice(i + 1, end).split(",")[0]);
        i = end + 1;
      } else if ("?*+".includes(src[i])) ++i;
      out += atom.repeat(n);
    }
    return out;
  };
  const text = alternatives();
  if (i !== src.length || !new RegExp(pattern).test(text)) fail(`pattern ${pattern}: made "${text}", which it does not match`);
  return text;
}

const formats = {
  email: "user@example.com",
  uri: "https://example.com/",
  url: "https://example.com/",
  "date-time": "2026-05-12T00:00:00Z",
  date: "2026-05-12",
  uuid: "00000000-0000-4000-8000-000000000000",
};
function sampleString(schema, name) {
  const s = valueSchema(schema);
  if (Array.isArray(s.enum) && typeof s.enum[0] === "string") return s.enum[0];
  let text = formats[s.format] ?? (s.pattern ? fromPattern(s.pattern) : `${name || "value"}_1`);
  if (typeof s.maxLength === "number" && text.length > s.maxLength) text = text.slice(0, s.maxLength);
  if (typeof s.minLength === "number" && text.length < s.minLength) text = text.padEnd(s.minLength, "x");
  return text;
}
// A number within the schema's bounds: its minimum, else 1 (or its maximum
// when that is below 1).
function sampleNumber(s, min, max) {
  const lo = min ?? (typeof s.minimum === "number" ? (s.exclusiveMinimum === true ? s.minimum + 1 : s.minimum) : undefined);
  const hi = max ?? (typeof s.maximum === "number" ? s.maximum : undefined);
  if (lo !== undefined) return Math.ceil(lo);
  return hi !== undefined && hi < 1 ? Math.floor(hi) : 1;
}
// Any JSON value the schema accepts, for a raw_json member.
function sampleJson(schema, name, depth = 0) {
  const s = valueSchema(schema);
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  const t = schemaType(s);
  if (t === "string") return sampleString(s, name);
  if (t === "integer" || t === "number") return sampleNumber(s);
  if (t === "boolean") return false;
  if (t === "array") {
    const n = s.minItems ?? 0;
    return Array.from({ length: n }, () => sampleJson(s.items ?? {}, name, depth + 1));
  }
  if (t === "object" && depth < 8) {
    const out = {};
    for (const k of s.required ?? []) out[k] = sampleJson(s.properties?.[k] ?? {}, k, depth + 1);
    return out;
  }
  return {};
}

function qualifiedType(t) {
  switch (t.k) {
    case "model": case "enum": return `clerk::backend::${t.ref.name}`;
    case "array": return `std::vector<${qualifiedType(t.of)}>`;
    case "map": return `std::map<std::string, ${qualifiedType(t.of)}>`;
    case "variant": return `std::variant<${t.alts.map(qualifiedType).join(", ")}, clerk::raw_json>`;
  }
  return cppType(t, new Set(["secret", "timestamp", "raw_json"]));
}

// The C++ expression of a value of type `t` the schema accepts, or null when
// the type's default ({}: an empty array or map) is one.
function cppValue(t, schema, m, stack) {
  const s = valueSchema(schema);
  const n = () => sampleNumber(s, m?.min, m?.max);
  switch (t.k) {
    case "string": return JSON.stringify(sampleString(schema, m?.wire));
    case "secret": return `clerk::secret(${JSON.stringify(sampleString(schema, m?.wire))})`;
    case "int": return `std::int64_t{${n()}}`;
    case "double": return `${n()}.0`;
    case "bool": return s.enum?.[0] === true ? "true" : "false";
    case "timestamp": return `clerk::timestamp{std::chrono::milliseconds{${n()}}}`;
    case "seconds": return `std::chrono::seconds{${n()}}`;
    case "unix_seconds": return `std::chrono::sys_seconds{std::chrono::seconds{${n()}}}`;
    case "json": return `clerk::raw_json(${JSON.stringify(JSON.stringify(sampleJson(schema, m?.wire)))})`;
    case "enum": return `clerk::backend::${t.ref.name}::${t.ref.enumerators[0]}`;
    case "map": return null;
    case "array": {
      const count = m?.min ?? s.minItems ?? 0;
      if (count === 0) return null;
      const v = cppValue(t.of, s.items ?? {}, null, stack) ?? `${qualifiedType(t.of)}{}`;
      return `${qualifiedType(t)}{${Array(count).fill(v).join(", ")}}`;
    }
    case "variant": return `${qualifiedType(t)}{${cppValue(t.alts[0], {}, null, stack)}}`;
    case "model": {
      if (stack.includes(t.ref)) fail(`${t.ref.name}: a model that requires itself`);
      const inits = filled(t.ref.members, [...stack, t.ref]);
      return `clerk::backend::${t.ref.name}{${inits.join(", ")}}`;
    }
  }
  fail(`no value for a member of type ${t.k}`);
}
// The designated initializers of the members a request must send: the
// required ones, and those `also` names.
function filled(members, stack, also = new Set()) {
  const out = [];
  for (const m of members) {
    if (m.optional && !m.presentOrNull && !also.has(m.wire)) continue;
    const v = cppValue(m.type, m.schema, m, stack);
    if (v !== null) out.push(`.${m.cpp} = ${v}`);
  }
  return out;
}

function callsUnit() {
  const byTag = new Map();
  for (const o of [...operations].sort(byName)) {
    if (!byTag.has(o.tag)) byTag.set(o.tag, []);
    byTag.get(o.tag).push(o);
  }
  const tags = [...byTag.keys()].sort();
  const parts = [[], []];
  let first = 0;
  for (const tag of tags) {
    const ops = byTag.get(tag);
    const part = first + ops.length <= operations.length / 2 ? 0 : 1;
    if (part === 0) first += ops.length;
    parts[part].push(...ops);
  }
  // A body whose anyOf or oneOf requires one of several members: the first
  // alternative's.
  const alternative = (o) => new Set((o.bodySchema?.anyOf ?? o.bodySchema?.oneOf ?? [])[0]?.required ?? []);
  const call = (o) =>
    `  visit("${o.method.toUpperCase()} ${o.path}", clerk::backend::${o.name}{${filled(o.members, [], alternative(o)).join(", ")}});`;
  const fn = (ops, n) => `// Part ${n} of 2: visits ${ops.length} operations, and returns that count.
template <class Visit>
std::size_t backend_calls_${n}(Visit&& visit) {
${ops.map(call).join("\n")}
  return ${ops.length};
}`;
  return `// For every generated Backend API operation, a request with the members
// Clerk's document requires filled with values it accepts; optional members
// unset. Generated by tests/codegen/generate.mjs: edit it, never this file.
// Used by tests/conformance/test_conformance_backend*.cpp.
#ifndef CLERK_TESTS_CONFORMANCE_BACKEND_CALLS_HPP
#define CLERK_TESTS_CONFORMANCE_BACKEND_CALLS_HPP

#include <clerk/backend/all.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace clerk_test {

${fn(parts[0], 1)}

${fn(parts[1], 2)}

}  // namespace clerk_test

#endif
`;
}

// Every overlay entry must have been used.
function checkOverlayUsed() {
  const unused = [];
  for (const [section, table] of Object.entries(overlay)) {
    if (section === "types") {
      for (const [list, l] of Object.entries(table))
        if (Array.isArray(l) && !list.endsWith("_suffixes"))
          for (const k of l) if (!used.has(`types.${list}:${k}`)) unused.push(`types.${list}: ${k}`);
      continue;
    }
    const keys = Array.isArray(table) ? table : Object.keys(table ?? {});
    for (const k of keys) if (!used.has(`${section}:${k}`)) unused.push(`${section}: ${k}`);
  }
  if (unused.length) fail(`overlay.yml entries that name nothing:\n  ${unused.join("\n  ")}`);
}

// ---- formatting, writing, comparing ----

function format(texts) {
  const work = mkdtempSync(join(tmpdir(), "clerk-codegen-fmt-"));
  const names = [...texts.keys()];
  names.forEach((n, i) => writeFileSync(join(work, `${i}.hpp`), texts.get(n)));
  const r = spawnSync(clangFormat, [`--style=file:${join(repo, ".clang-format")}`, "-i", ...names.map((_, i) => join(work, `${i}.hpp`))], { encoding: "utf8" });
  if (r.status !== 0) fail(`clang-format failed: ${r.stderr}`);
  const formatted = new Map(names.map((n, i) => [n, readFileSync(join(work, `${i}.hpp`), "utf8")]));
  rmSync(work, { recursive: true, force: true });
  return formatted;
}

function listFiles(dir, prefix = "") {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? listFiles(p, `${prefix}${n}/`) : [`${prefix}${n}`];
  });
}

// Writes `texts` under `root`, removing what the generator wrote before and
// no longer does.
function write(texts, root) {
  for (const f of owned(root)) if (!texts.has(f)) rmSync(join(root, f));
  for (const [f, text] of texts) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), text);
  }
}

// ---- the summary ----

function summary() {
  let total = 0, typed = 0, untyped = 0, fallback = 0;
  for (const m of models.values()) {
    if (!m.tags) continue;
    for (const x of m.members) {
      ++total;
      const j = (t) => (t.k === "json" ? t : t.of ? j(t.of) : null);
      const js = j(x.type);
      if (!js) ++typed;
      else if (js.fallback) ++fallback;
      else ++untyped;
    }
  }
  const reached = [...models.values()].filter((m) => m.tags).length;
  const enumCount = [...enums.values()].filter((e) => e.tags).length;
  const pct = (n) => ((100 * n) / total).toFixed(1);
  return [
    `operations: ${operations.length} generated of ${documentOperations}; left out ${leftOut.length}:`,
    ...leftOut.map((l) => `  ${l.method} ${l.path} (${l.id}): ${l.why}`),
    `models: ${reached}, open enums: ${enumCount}, headers: ${new Set(operations.map((o) => o.tag)).size} tags + ${
      [...models.values()].filter((m) => m.file?.startsWith("models/") && !m.parent).length
    } shared models`,
    `model members: ${total}; typed ${typed} (${pct(typed)}%), raw_json for any JSON (metadata, {}) ${untyped} (${pct(untyped)}%), raw_json for a oneOf or anyOf no member tells apart ${fallback} (${pct(fallback)}%)`,
  ].join("\n");
}

// ---- main ----

// A first pass learns which inline schemas overlay.yml names, so that the
// second gives every copy of one that name, wherever it is met first.
{
  const saved = { typeNames: new Map(typeNames) };
  buildAll();
  const learned = new Map(namedInline);
  // Start again from nothing but what was learned.
  models.clear(); enums.clear(); componentTypes.clear(); responseTypes.clear(); inlineModels.clear();
  operations.length = 0; leftOut.length = 0; fallbacks.length = 0; documentOperations = 0;
  typeNames.clear();
  for (const [k, v] of saved.typeNames) typeNames.set(k, v);
  namedInline.clear();
  for (const [k, v] of learned) namedInline.set(k, v);
  used.clear();
  for (const op of Object.values(doc.paths).flatMap((item) => methods.filter((m) => item[m]).map((m) => item[m]))) delete op.$name;
}
const generated = new Map([...generate()].map(([f, t]) => [`include/clerk/backend/${f}`, t]));
generated.set("tests/codegen/declarations.cpp", declarationsUnit());
generated.set("tests/conformance/backend_calls.hpp", callsUnit());
const texts = format(generated);
checkOverlayUsed();

// What the generator owns under a root: every file under include/clerk/backend/,
// the declarations unit and the conformance test's requests.
function owned(root) {
  const files = listFiles(join(root, "include/clerk/backend")).map((f) => `include/clerk/backend/${f}`);
  for (const f of ["tests/codegen/declarations.cpp", "tests/conformance/backend_calls.hpp"])
    if (existsSync(join(root, f))) files.push(f);
  return files;
}

write(texts, out);
if (check) {
  const a = new Set(owned(out)), b = new Set(owned(repo));
  const differ = [];
  for (const f of [...new Set([...a, ...b])].sort()) {
    if (!a.has(f)) differ.push(`${f}: committed, no longer generated`);
    else if (!b.has(f)) differ.push(`${f}: generated, not committed`);
    else if (readFileSync(join(out, f), "utf8") !== readFileSync(join(repo, f), "utf8")) differ.push(`${f}: differs`);
  }
  rmSync(out, { recursive: true, force: true });
  if (differ.length) {
    process.stderr.write(
      `The committed output is not what tests/codegen/generate.mjs writes from ${documentPath}:\n  ${differ.join("\n  ")}\n` +
        "Run `node tests/codegen/generate.mjs` and commit the result.\n",
    );
    process.exit(1);
  }
  process.stdout.write(`include/clerk/backend/ is fresh: ${texts.size} files\n${summary()}\n`);
} else {
  process.stdout.write(`wrote ${texts.size} files under ${out}\n${summary()}\n`);
  if (args.includes("--fallbacks")) process.stdout.write(`${[...new Set(fallbacks)].sort().join("\n")}\n`);
}

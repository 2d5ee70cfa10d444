// Definitions for <clerk/authorization.hpp>.
#ifndef CLERK_IMPL_AUTHORIZATION_IPP
#define CLERK_IMPL_AUTHORIZATION_IPP

#include <clerk/authorization.hpp>
#include <clerk/impl/session_tokens.ipp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace detail {

// The three answers of each of createCheckAuthorization's dimensions.
enum class verdict { skip, pass, fail };

// prefixWithOrg: every leading "org:" made one.
inline std::string with_org_prefix(std::string_view s) {
  while (s.starts_with("org:"))
    s.remove_prefix(4);
  return "org:" + std::string(s);
}

// checkOrgAuthorization.
inline verdict organization_verdict(const session_claims& c, const authorization_check& check) {
  if (!check.role && !check.permission)
    return verdict::skip;
  const organization_claims* o = c.organization ? &*c.organization : nullptr;
  if (o == nullptr || o->id.empty())
    return verdict::fail;
  // The role as @clerk/shared has it: v2 "org:" + rol when rol is not
  // empty, v1 org_role (the verifier kept it without one "org:", which the
  // comparison's prefixing restores); either way empty is none.
  if (check.role && (o->role.empty() || with_org_prefix(o->role) != with_org_prefix(*check.role)))
    return verdict::fail;
  if (check.permission) {
    const std::string wanted = with_org_prefix(*check.permission);
    bool found = false;
    for (const auto& p : o->permissions)
      found = found || p == wanted;
    if (!found)
      return verdict::fail;
  }
  return verdict::pass;
}

// checkForFeatureOrPlan: whether `claim` (fea or pla: "o:a,u:b,ou:c") lists
// `wanted` ("a", "o:a", "user:b"); nullopt where @clerk/shared throws (an
// element without a colon, a scope it does not know), which fails.
inline std::optional<bool> lists(std::string_view claim, std::string_view wanted) {
  std::vector<std::string_view> org, user;
  for (auto part : split_commas(claim)) {
    part = js_trim(part);
    const auto colon = part.find(':');
    if (colon == std::string_view::npos)
      return std::nullopt;
    const auto scope = part.substr(0, colon), value = part.substr(colon + 1);
    if (scope == "o" || scope == "ou" || scope == "uo")
      org.push_back(value);
    if (scope == "u" || scope == "ou" || scope == "uo")
      user.push_back(value);
  }
  // split(":"): the scope, and the id up to a second colon if any.
  const auto colon = wanted.find(':');
  const std::string_view scope = wanted.substr(0, colon);
  std::string_view id = scope;
  if (colon != std::string_view::npos) {
    const std::string_view rest = wanted.substr(colon + 1);
    if (!rest.empty() && rest.front() != ':')
      id = rest.substr(0, rest.find(':'));
  }
  const auto in = [&](const std::vector<std::string_view>& list) {
    for (auto v : list)
      if (v == id)
        return true;
    return false;
  };
  if (colon == std::string_view::npos)
    return in(org) || in(user);
  if (scope == "o" || scope == "org" || scope == "organization")
    return in(org);
  if (scope == "u" || scope == "user")
    return in(user);
  return std::nullopt;
}

// checkBillingAuthorization.
inline verdict billing_verdict(const session_claims& c, const authorization_check& check) {
  if (!check.feature && !check.plan)
    return verdict::skip;
  const auto passes = [](const std::optional<std::string>& claim, const std::string& wanted) {
    if (!claim || claim->empty())
      return false;
    return lists(*claim, wanted).value_or(false);
  };
  if (check.feature && !passes(c.features, *check.feature))
    return verdict::fail;
  if (check.plan && !passes(c.plans, *check.plan))
    return verdict::fail;
  return verdict::pass;
}

// checkReverificationAuthorization over fva.
inline verdict reverification_verdict(const session_claims& c, const authorization_check& check) {
  if (!check.reverification)
    return verdict::skip;
  const auto& fva = c.factor_verification_age;
  if (fva.size() != 2 || fva[0] < -1 || fva[1] < -1)
    return verdict::fail;
  const reverification_policy& p = *check.reverification;
  const std::int64_t after = p.after().count();
  if (after <= 0)
    return verdict::fail;  // validateReverificationConfig: afterMinutes > 0
  const std::int64_t f1 = fva[0], f2 = fva[1];
  if (f1 == -1 && f2 == -1)
    return verdict::fail;
  const bool fresh1 = f1 != -1 && after > f1, fresh2 = f2 != -1 && after > f2;
  bool ok = false;
  switch (p.level()) {
    case reverification_level::first_factor:
      ok = fresh1;
      break;
    case reverification_level::second_factor:
      ok = f2 == -1 ? fresh1 : fresh2;
      break;
    case reverification_level::multi_factor:
      ok = f2 == -1 ? fresh1 : (f1 != -1 && fresh1 && fresh2);
      break;
  }
  return ok ? verdict::pass : verdict::fail;
}

}  // namespace detail

CLERK_BACKEND_DECL bool has(const session_claims& claims, const authorization_check& check) {
  using detail::verdict;
  if (claims.user_id.empty())
    return false;
  const verdict v[] = {detail::organization_verdict(claims, check),
                       detail::billing_verdict(claims, check),
                       detail::reverification_verdict(claims, check)};
  bool passed = false;
  for (verdict x : v) {
    if (x == verdict::fail)
      return false;
    passed = passed || x == verdict::pass;
  }
  return passed;
}

CLERK_BACKEND_DECL std::string reverification_error_body(const reverification_policy& policy) {
  std::string out =
      R"({"clerk_error":{"type":"forbidden","reason":"reverification-error","metadata":{"reverification":)";
  if (!policy.preset().empty()) {
    out += '"';
    out += policy.preset();
    out += '"';
  } else {
    std::string_view level = "first_factor";
    if (policy.level() == reverification_level::second_factor)
      level = "second_factor";
    else if (policy.level() == reverification_level::multi_factor)
      level = "multi_factor";
    out += R"({"level":")";
    out += level;
    out += R"(","afterMinutes":)";
    out += std::to_string(policy.after().count());
    out += '}';
  }
  out += "}}}";
  return out;
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif

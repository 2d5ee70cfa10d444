// commerce_credit_balance_response: a model that several headers of the Backend API use. Generated
// by tests/codegen/generate.mjs from Clerk's Backend API document (bapi-2026-05-12.yml) and
// tests/codegen/overlay.yml: edit those, never this file.
#ifndef CLERK_BACKEND_MODELS_COMMERCE_CREDIT_BALANCE_RESPONSE_HPP
#define CLERK_BACKEND_MODELS_COMMERCE_CREDIT_BALANCE_RESPONSE_HPP

#include <clerk/backend/models/commerce_money_response.hpp>
#include <clerk/backend/print.hpp>
#include <clerk/model.hpp>
#include <clerk/version.hpp>

#include <optional>
#include <string>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace backend {

struct commerce_credit_balance_response {
  std::string object{};
  std::optional<commerce_money_response> balance{};

  friend bool operator==(const commerce_credit_balance_response&,
                         const commerce_credit_balance_response&) = default;
  template <class M = commerce_credit_balance_response>
  static constexpr auto describe() {
    using namespace decl;
    return model("commerce_credit_balance_response", field("object", &M::object),
                 field("balance", &M::balance, present_or_null));
  }
};

}  // namespace backend

#ifdef CLERK_BACKEND_SEPARATE_COMPILATION
extern template const detail::model_info*
detail::info_ptr<backend::commerce_credit_balance_response>();
#endif

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif

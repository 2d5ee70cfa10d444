// commerce_credit_ledger_response: a model that several headers of the Backend API use. Generated
// by tests/codegen/generate.mjs from Clerk's Backend API document (bapi-2026-05-12.yml) and
// tests/codegen/overlay.yml: edit those, never this file.
#ifndef CLERK_BACKEND_MODELS_COMMERCE_CREDIT_LEDGER_RESPONSE_HPP
#define CLERK_BACKEND_MODELS_COMMERCE_CREDIT_LEDGER_RESPONSE_HPP

#include <clerk/backend/models/commerce_money_response.hpp>
#include <clerk/backend/print.hpp>
#include <clerk/model.hpp>
#include <clerk/version.hpp>

#include <optional>
#include <string>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace backend {

struct commerce_credit_ledger_response {
  std::string object{};
  std::string id{};
  std::string payer_id{};
  commerce_money_response amount{};
  std::string source_type{};
  std::string source_id{};
  std::optional<std::string> note{};
  std::string created_at{};

  friend bool operator==(const commerce_credit_ledger_response&,
                         const commerce_credit_ledger_response&) = default;
  template <class M = commerce_credit_ledger_response>
  static constexpr auto describe() {
    using namespace decl;
    return model("commerce_credit_ledger_response", field("object", &M::object),
                 field("id", &M::id, non_empty), field("payer_id", &M::payer_id),
                 field("amount", &M::amount), field("source_type", &M::source_type),
                 field("source_id", &M::source_id), field("note", &M::note),
                 field("created_at", &M::created_at));
  }
};

}  // namespace backend

#ifdef CLERK_BACKEND_SEPARATE_COMPILATION
extern template const detail::model_info*
detail::info_ptr<backend::commerce_credit_ledger_response>();
#endif

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif

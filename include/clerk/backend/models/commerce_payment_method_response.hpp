// commerce_payment_method_response: a model that several headers of the Backend API use. Generated
// by tests/codegen/generate.mjs from Clerk's Backend API document (bapi-2026-05-12.yml) and
// tests/codegen/overlay.yml: edit those, never this file.
#ifndef CLERK_BACKEND_MODELS_COMMERCE_PAYMENT_METHOD_RESPONSE_HPP
#define CLERK_BACKEND_MODELS_COMMERCE_PAYMENT_METHOD_RESPONSE_HPP

#include <clerk/backend/print.hpp>
#include <clerk/model.hpp>
#include <clerk/open_enum.hpp>
#include <clerk/timestamp.hpp>
#include <clerk/version.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace backend {

class commerce_payment_method_response_payment_type
    : public open_enum<commerce_payment_method_response_payment_type> {
 public:
  enum class kind { unknown, card, link, payer_credits };
  static constexpr kind unknown = kind::unknown, card = kind::card, link = kind::link,
                        payer_credits = kind::payer_credits;
  static constexpr std::string_view names[] = {"card", "link", "payer-credits"};
  using open_enum::open_enum;
};

class commerce_payment_method_response_status
    : public open_enum<commerce_payment_method_response_status> {
 public:
  enum class kind { unknown, active, disconnected };
  static constexpr kind unknown = kind::unknown, active = kind::active,
                        disconnected = kind::disconnected;
  static constexpr std::string_view names[] = {"active", "disconnected"};
  using open_enum::open_enum;
};

struct commerce_payment_method_response {
  std::string id{};
  std::string payer_id{};
  commerce_payment_method_response_payment_type payment_type{};
  std::optional<bool> is_default{};
  std::string gateway{};
  std::string gateway_external_id{};
  std::optional<std::string> gateway_external_account_id{};
  std::optional<std::string> last4{};
  commerce_payment_method_response_status status{};
  std::optional<std::string> wallet_type{};
  std::optional<std::string> card_type{};
  std::optional<std::int64_t> expiry_year{};
  std::optional<std::int64_t> expiry_month{};
  std::optional<timestamp> created_at{};
  std::optional<timestamp> updated_at{};
  std::optional<bool> is_removable{};

  friend bool operator==(const commerce_payment_method_response&,
                         const commerce_payment_method_response&) = default;
  template <class M = commerce_payment_method_response>
  static constexpr auto describe() {
    using namespace decl;
    return model(
        "commerce_payment_method_response", constant("object", "commerce_payment_method"),
        field("id", &M::id, non_empty), field("payer_id", &M::payer_id),
        field("payment_type", &M::payment_type), field("is_default", &M::is_default),
        field("gateway", &M::gateway), field("gateway_external_id", &M::gateway_external_id),
        field("gateway_external_account_id", &M::gateway_external_account_id, present_or_null),
        field("last4", &M::last4, present_or_null), field("status", &M::status),
        field("wallet_type", &M::wallet_type), field("card_type", &M::card_type, present_or_null),
        field("expiry_year", &M::expiry_year), field("expiry_month", &M::expiry_month),
        field("created_at", &M::created_at), field("updated_at", &M::updated_at),
        field("is_removable", &M::is_removable));
  }
};

}  // namespace backend

#ifdef CLERK_BACKEND_SEPARATE_COMPILATION
extern template const detail::model_info*
detail::info_ptr<backend::commerce_payment_method_response>();
#endif

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif

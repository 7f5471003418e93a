// Accounts: creation, passwords (Argon2id, policy, re-hash on login), the
// TOTP second factor with recovery codes, disabling.
//
// Thread-safe; every call blocks (database, hashing): worker threads only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "core/crypto/password.hpp"
#include "core/db/database.hpp"
#include "platform/types.hpp"

namespace ruche::platform {

// Lower-cases and trims an email address and checks its shape. Errors:
// invalid ("invalid_email").
Result<std::string> normalize_email(std::string_view email);
// Checks a display name: 1-100 bytes, one line. Errors: invalid.
Result<std::string> check_name(std::string_view name);

struct TotpEnrollment {
  std::string secret_base32;   // for manual entry
  std::string otpauth_uri;     // for the QR code
};

class Accounts {
 public:
  // `instance_key` (32 bytes) seals TOTP secrets at rest.
  Accounts(db::Database& db, const Clock& clock, crypto::PasswordHasher& hasher,
           std::string instance_key, std::string issuer);

  // Creates an account. Errors: invalid (email, name), invalid/"weak_password",
  // conflict/"email_taken".
  Result<User> create(std::string_view email, std::string_view name, std::string_view password,
                      InstanceRole role);
  // The same inside a write transaction (invitation acceptance); the password
  // is already checked and hashed.
  Result<User> create_in(db::Conn& c, const std::string& email, const std::string& name,
                         const std::string& password_hash, InstanceRole role);
  // An account an import makes for an exported member with none here: `id`
  // chosen beforehand (the imported records already name it), disabled until
  // an administrator enables it and sets its password. Errors: conflict/"email_taken".
  Result<User> create_imported_in(db::Conn& c, const UserId& id, const std::string& email, const std::string& name,
                                  const std::string& password_hash, InstanceRole role);
  // Checks the policy and hashes. Errors: invalid/"weak_password".
  Result<std::string> hash_new_password(std::string_view password, std::string_view email,
                                        std::string_view name);

  Result<User> get(const UserId& id);
  Result<std::optional<User>> find_by_email(std::string_view email);
  Result<void> set_disabled(const UserId& id, bool disabled);
  // `changed`, when the role changes, runs in the same transaction.
  Result<void> set_role(const UserId& id, InstanceRole role,
                        const std::function<Result<void>(db::Conn&)>& changed = {});
  // What a person changes of their profile; what is absent stays.
  struct ProfileChange {
    std::optional<std::string> name, locale;
    // Whether unread notices are emailed (a digest), and the topics that
    // are not (each of kNoticeTopics).
    std::optional<bool> notice_email;
    std::optional<std::vector<std::string>> notice_email_off;
    // Whether calendar reminders are emailed as they go off too.
    std::optional<bool> reminder_email;
    // Their time zone (an IANA name the server knows, "" for none).
    std::optional<std::string> time_zone;
  };
  // `changed`, when the name or the time zone changes, runs in the same
  // transaction, told which.
  Result<void> set_profile(
      const UserId& id, ProfileChange change,
      const std::function<Result<void>(db::Conn&, const PersonChanged&)>& changed = {});
  // Sets a new password (policy-checked). Errors: not_found, weak_password.
  Result<void> set_password(const UserId& id, std::string_view password);

  // Checks email and password. Unknown accounts, wrong passwords and
  // disabled accounts all give the same unauthenticated error after the same
  // amount of hashing work. Re-hashes with current parameters when needed.
  Result<User> check_password(std::string_view email, std::string_view password);
  // Whether `password` is the user's (for re-authentication).
  Result<bool> password_matches(const UserId& id, std::string_view password);

  // Starts TOTP enrolment: a new secret, stored but not active until confirmed.
  Result<TotpEnrollment> totp_begin(const UserId& id);
  // Activates TOTP when `code` matches the pending secret; returns ten new
  // recovery codes (shown once). Errors: invalid ("bad_code"), conflict when
  // there is no pending secret.
  Result<std::vector<std::string>> totp_confirm(const UserId& id, std::string_view code);
  Result<void> totp_disable(const UserId& id);
  // Replaces the recovery codes. Errors: conflict when TOTP is off.
  Result<std::vector<std::string>> new_recovery_codes(const UserId& id);
  Result<int> recovery_codes_left(const UserId& id);
  // Checks a TOTP code (each time step usable once) or a recovery code
  // (usable once). false on mismatch.
  Result<bool> check_second_factor(const UserId& id, std::string_view code);

  // The instance's Argon2id hasher (share-link passwords use it too).
  crypto::PasswordHasher& hasher() { return hasher_; }

 private:
  Result<User> insert_user(db::Conn& c, const UserId& id, const std::string& email, const std::string& name,
                           const std::string& password_hash, InstanceRole role, bool disabled);
  Result<std::vector<std::string>> store_recovery_codes(db::Conn& c, const UserId& id);

  db::Database& db_;
  const Clock& clock_;
  crypto::PasswordHasher& hasher_;
  std::string key_;
  std::string issuer_;
};

// `user_id`'s time zone, read through `c` ("" when none, or no such person).
Result<std::string> time_zone_of(db::Conn& c, const std::string& user_id);

User user_from_row(const db::Row& r);  // id, email, name, instance_role, disabled, totp_enabled, created_at_ms, locale
inline constexpr const char* kUserColumns =
    "id, email, name, instance_role, disabled, totp_enabled, created_at_ms, locale, notice_email, "
    "notice_email_off, reminder_email, time_zone";
// How many columns kUserColumns reads: what a query adds comes after.
inline constexpr std::size_t kUserColumnCount = 12;

}  // namespace ruche::platform

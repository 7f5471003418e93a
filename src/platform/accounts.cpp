#include "platform/accounts.hpp"

#include <algorithm>

#include "base/json.hpp"
#include "core/crypto/aead.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"
#include "core/crypto/totp.hpp"
#include "dav/ical_object.hpp"
#include "platform/notices.hpp"

namespace ruche::platform {

Result<std::string> normalize_email(std::string_view in) {
  while (!in.empty() && (in.front() == ' ' || in.front() == '\t')) in.remove_prefix(1);
  while (!in.empty() && (in.back() == ' ' || in.back() == '\t')) in.remove_suffix(1);
  std::string e;
  e.reserve(in.size());
  for (char c : in) e += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  auto at = e.find('@');
  bool ok = !e.empty() && e.size() <= 254 && at != std::string::npos && at > 0 &&
            at == e.rfind('@') && at + 1 < e.size();
  if (ok) {
    std::string_view domain = std::string_view(e).substr(at + 1);
    ok = domain.find('.') != std::string_view::npos && domain.front() != '.' &&
         domain.back() != '.';
    for (unsigned char c : e)
      if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' ||
          c == '\\')
        ok = false;
  }
  if (!ok) return fail(Errc::invalid, "email is not a valid address", "invalid_email");
  return e;
}

Result<std::string> check_name(std::string_view name) {
  std::string why = json::check_string(name, {.min = 1, .max = 100});
  if (!why.empty()) return fail(Errc::invalid, "name " + why, "invalid_name");
  if (name.find_first_not_of(" \t") == std::string_view::npos)
    return fail(Errc::invalid, "name must not be blank", "invalid_name");
  return std::string(name);
}

Result<std::string> time_zone_of(db::Conn& c, const std::string& user_id) {
  RUCHE_TRY(auto row, c.query_one("SELECT time_zone FROM users WHERE id = $1", {user_id}));
  return row ? row->text(0) : std::string();
}

User user_from_row(const db::Row& r) {
  User u;
  u.id = UserId(r.text(0));
  u.email = r.text(1);
  u.name = r.text(2);
  u.role = parse_instance_role(r.text(3)).value_or(InstanceRole::guest);
  u.disabled = r.boolean(4);
  u.totp_enabled = r.boolean(5);
  u.created_at_ms = r.i64(6);
  u.locale = r.text(7);
  u.notice_email = r.boolean(8);
  if (auto off = json::parse(r.text(9)); off && off->is_array())
    for (const auto& topic : off->as_array())
      if (topic.is_string()) u.notice_email_off.emplace_back(topic.as_string());
  u.reminder_email = r.boolean(10);
  u.time_zone = r.text(11);
  return u;
}

Accounts::Accounts(db::Database& db, const Clock& clock, crypto::PasswordHasher& hasher,
                   std::string instance_key, std::string issuer)
    : db_(db), clock_(clock), hasher_(hasher), key_(std::move(instance_key)),
      issuer_(std::move(issuer)) {}

Result<std::string> Accounts::hash_new_password(std::string_view password, std::string_view email,
                                                std::string_view name) {
  std::vector<std::string_view> context{email, name};
  RUCHE_CHECK(crypto::check_password_policy(password, context));
  return hasher_.hash(password);
}

Result<User> Accounts::create_in(db::Conn& c, const std::string& email, const std::string& name,
                                 const std::string& password_hash, InstanceRole role) {
  return insert_user(c, crypto::new_id_of<UserId>(), email, name, password_hash, role, false);
}

Result<User> Accounts::create_imported_in(db::Conn& c, const UserId& id, const std::string& email,
                                          const std::string& name, const std::string& password_hash,
                                          InstanceRole role) {
  return insert_user(c, id, email, name, password_hash, role, true);
}

Result<User> Accounts::insert_user(db::Conn& c, const UserId& id, const std::string& email, const std::string& name,
                                   const std::string& password_hash, InstanceRole role, bool disabled) {
  User u;
  u.id = id;
  u.email = email;
  u.name = name;
  u.role = role;
  u.disabled = disabled;
  u.created_at_ms = clock_.now_ms();
  auto n = c.exec(
      "INSERT INTO users (id, email, name, password_hash, instance_role, created_at_ms, "
      "password_changed_at_ms, disabled) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
      {u.id, u.email, u.name, password_hash, to_string(role), u.created_at_ms, disabled});
  if (!n) {
    if (n.error().code == Errc::conflict)
      return fail(Errc::conflict, "an account with this email exists", "email_taken");
    return tl::unexpected<Error>(n.error());
  }
  return u;
}

Result<User> Accounts::create(std::string_view email_in, std::string_view name_in,
                              std::string_view password, InstanceRole role) {
  RUCHE_TRY(std::string email, normalize_email(email_in));
  RUCHE_TRY(std::string name, check_name(name_in));
  RUCHE_TRY(std::string hash, hash_new_password(password, email, name));
  return db_.write([&](db::Conn& c) { return create_in(c, email, name, hash, role); });
}

Result<User> Accounts::get(const UserId& id) {
  return db_.read([&](db::Conn& c) -> Result<User> {
    RUCHE_TRY(auto row, c.query_one(std::string("SELECT ") + kUserColumns +
                                        " FROM users WHERE id = $1",
                                    {id}));
    if (!row) return fail(Errc::not_found, "no such user");
    return user_from_row(*row);
  });
}

Result<std::optional<User>> Accounts::find_by_email(std::string_view email_in) {
  auto email = normalize_email(email_in);
  if (!email) return std::optional<User>{};
  return db_.read([&](db::Conn& c) -> Result<std::optional<User>> {
    RUCHE_TRY(auto row, c.query_one(std::string("SELECT ") + kUserColumns +
                                        " FROM users WHERE email = $1",
                                    {*email}));
    if (!row) return std::optional<User>{};
    return std::optional<User>(user_from_row(*row));
  });
}

Result<void> Accounts::set_disabled(const UserId& id, bool disabled) {
  return db_.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto n, c.exec("UPDATE users SET disabled = $2 WHERE id = $1", {id, disabled}));
    if (n == 0) return fail(Errc::not_found, "no such user");
    return {};
  });
}

Result<void> Accounts::set_role(const UserId& id, InstanceRole role,
                                const std::function<Result<void>(db::Conn&)>& changed) {
  return db_.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto n,
              c.exec("UPDATE users SET instance_role = $2 WHERE id = $1 AND instance_role <> $2",
                     {id, to_string(role)}));
    if (n > 0) return changed ? changed(c) : Result<void>{};
    RUCHE_TRY(auto row, c.query_one("SELECT 1 FROM users WHERE id = $1", {id}));
    if (!row) return fail(Errc::not_found, "no such user");
    return {};
  });
}

Result<void> Accounts::set_profile(
    const UserId& id, ProfileChange change,
    const std::function<Result<void>(db::Conn&, const PersonChanged&)>& changed) {
  auto& [name, locale, notice_email, notice_email_off, reminder_email, time_zone] = change;
  if (name) {
    RUCHE_TRY(*name, check_name(*name));
  }
  if (locale && *locale != "fr" && *locale != "en" && !locale->empty())
    return fail(Errc::invalid, "locale must be fr or en", "invalid_locale");
  if (time_zone && !time_zone->empty() && !dav::is_time_zone(*time_zone))
    return fail(Errc::invalid, "time_zone is a zone such as Europe/Paris, or empty",
                "invalid_timezone");
  std::optional<std::string> off;
  if (notice_email_off) {
    json::array topics;
    for (const auto& topic : *notice_email_off) {
      if (std::find(std::begin(kNoticeTopics), std::end(kNoticeTopics), topic) ==
          std::end(kNoticeTopics))
        return fail(Errc::invalid,
                    "notice_email_off lists mentions, invitations, answers, assigned or due",
                    "invalid_field");
      if (std::find(topics.begin(), topics.end(), json::value(topic)) == topics.end())
        topics.emplace_back(topic);
    }
    off = json::serialize(topics);
  }
  auto flag = [](const std::optional<bool>& b) { return b ? db::Param(*b) : db::Param(nullptr); };
  return db_.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto was, c.query_one("SELECT name, time_zone FROM users WHERE id = $1", {id}));
    if (!was) return fail(Errc::not_found, "no such user");
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("UPDATE users SET name = COALESCE($2, name), "
                     "locale = COALESCE($3, locale), notice_email = COALESCE($4, "
                     "notice_email), notice_email_off = COALESCE($5, notice_email_off), "
                     "reminder_email = COALESCE($6, reminder_email), time_zone = COALESCE($7, "
                     "time_zone) WHERE id = $1",
                     {id, name, locale, flag(notice_email), off, flag(reminder_email), time_zone}));
    const PersonChanged what{name && *name != was->text(0),
                             time_zone && *time_zone != was->text(1)};
    if (changed && (what.name || what.time_zone)) RUCHE_CHECK(changed(c, what));
    return {};
  });
}

Result<void> Accounts::set_password(const UserId& id, std::string_view password) {
  RUCHE_TRY(User u, get(id));
  RUCHE_TRY(std::string hash, hash_new_password(password, u.email, u.name));
  return db_.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto n, c.exec("UPDATE users SET password_hash = $2, password_changed_at_ms = $3 "
                             "WHERE id = $1",
                             {id, hash, clock_.now_ms()}));
    if (n == 0) return fail(Errc::not_found, "no such user");
    return {};
  });
}

Result<User> Accounts::check_password(std::string_view email_in, std::string_view password) {
  auto bad = [] { return fail(Errc::unauthenticated, "wrong email or password", "bad_credentials"); };
  auto email = normalize_email(email_in);
  if (!email || password.size() > 1024) {
    hasher_.dummy_verify(password.substr(0, 1024));
    return bad();
  }
  struct Found {
    User user;
    std::string hash;
  };
  RUCHE_TRY(auto found, db_.read([&](db::Conn& c) -> Result<std::optional<Found>> {
    RUCHE_TRY(auto row, c.query_one(std::string("SELECT ") + kUserColumns +
                                        ", password_hash FROM users WHERE email = $1",
                                    {*email}));
    if (!row) return std::optional<Found>{};
    return std::optional<Found>(Found{user_from_row(*row), row->text(kUserColumnCount)});
  }));
  if (!found) {
    hasher_.dummy_verify(password);
    return bad();
  }
  if (!hasher_.verify(found->hash, password) || found->user.disabled) return bad();
  if (hasher_.needs_rehash(found->hash)) {
    if (auto h = hasher_.hash(password)) {
      (void)db_.write([&](db::Conn& c) -> Result<void> {
        RUCHE_TRY([[maybe_unused]] auto n,
                  c.exec("UPDATE users SET password_hash = $2 WHERE id = $1 AND password_hash = $3",
                         {found->user.id, *h, found->hash}));
        return {};
      });
    }
  }
  return found->user;
}

Result<bool> Accounts::password_matches(const UserId& id, std::string_view password) {
  RUCHE_TRY(auto hash, db_.read([&](db::Conn& c) -> Result<std::string> {
    RUCHE_TRY(auto row, c.query_one("SELECT password_hash FROM users WHERE id = $1", {id}));
    if (!row) return fail(Errc::not_found, "no such user");
    return row->text(0);
  }));
  return hasher_.verify(hash, password);
}

Result<TotpEnrollment> Accounts::totp_begin(const UserId& id) {
  RUCHE_TRY(User u, get(id));
  std::string secret = crypto::new_totp_secret();
  db::Bytes sealed{crypto::seal(key_, secret, "totp:" + id.str())};
  RUCHE_CHECK(db_.write([&](db::Conn& c) -> Result<void> {
    // Enrolling again while enabled keeps the old factor until confirmed:
    // the pending secret lives in the same column only while disabled.
    RUCHE_TRY(auto row, c.query_one("SELECT totp_enabled FROM users WHERE id = $1", {id}));
    if (!row) return fail(Errc::not_found, "no such user");
    if (row->boolean(0))
      return fail(Errc::conflict, "two-factor authentication is already on; turn it off first",
                  "totp_enabled");
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("UPDATE users SET totp_secret = $2, totp_last_step = 0 WHERE id = $1",
                     {id, sealed}));
    return {};
  }));
  return TotpEnrollment{crypto::base32_encode(secret), crypto::otpauth_uri(issuer_, u.email, secret)};
}

Result<std::vector<std::string>> Accounts::store_recovery_codes(db::Conn& c, const UserId& id) {
  RUCHE_TRY([[maybe_unused]] auto n, c.exec("DELETE FROM recovery_codes WHERE user_id = $1", {id}));
  auto codes = crypto::new_recovery_codes(10);
  for (const auto& code : codes) {
    RUCHE_TRY([[maybe_unused]] auto m,
              c.exec("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)",
                     {id, crypto::token_hash(crypto::normalize_recovery_code(code))}));
  }
  return codes;
}

Result<std::vector<std::string>> Accounts::totp_confirm(const UserId& id, std::string_view code) {
  return db_.write([&](db::Conn& c) -> Result<std::vector<std::string>> {
    RUCHE_TRY(auto row, c.query_one(
                            "SELECT totp_secret, totp_enabled, totp_last_step FROM users WHERE id = $1",
                            {id}));
    if (!row) return fail(Errc::not_found, "no such user");
    if (row->boolean(1)) return fail(Errc::conflict, "two-factor authentication is already on");
    if (row->is_null(0)) return fail(Errc::conflict, "start the enrolment first", "no_pending_totp");
    RUCHE_TRY(std::string secret, crypto::open(key_, row->bytes(0).data, "totp:" + id.str()));
    auto step = crypto::totp_verify(secret, code, clock_.now_ms() / 1000, row->i64(2));
    if (!step) return fail(Errc::invalid, "the code does not match", "bad_code");
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("UPDATE users SET totp_enabled = 1, totp_last_step = $2 WHERE id = $1",
                     {id, *step}));
    return store_recovery_codes(c, id);
  });
}

Result<void> Accounts::totp_disable(const UserId& id) {
  return db_.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto n, c.exec("UPDATE users SET totp_enabled = 0, totp_secret = NULL, "
                             "totp_last_step = 0 WHERE id = $1",
                             {id}));
    if (n == 0) return fail(Errc::not_found, "no such user");
    RUCHE_TRY([[maybe_unused]] auto m,
              c.exec("DELETE FROM recovery_codes WHERE user_id = $1", {id}));
    return {};
  });
}

Result<std::vector<std::string>> Accounts::new_recovery_codes(const UserId& id) {
  return db_.write([&](db::Conn& c) -> Result<std::vector<std::string>> {
    RUCHE_TRY(auto row, c.query_one("SELECT totp_enabled FROM users WHERE id = $1", {id}));
    if (!row) return fail(Errc::not_found, "no such user");
    if (!row->boolean(0)) return fail(Errc::conflict, "two-factor authentication is off");
    return store_recovery_codes(c, id);
  });
}

Result<int> Accounts::recovery_codes_left(const UserId& id) {
  return db_.read([&](db::Conn& c) -> Result<int> {
    RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND "
                                    "used_at_ms IS NULL",
                                    {id}));
    return static_cast<int>(row ? row->i64(0) : 0);
  });
}

Result<bool> Accounts::check_second_factor(const UserId& id, std::string_view code) {
  if (code.size() > 64) return false;
  return db_.write([&](db::Conn& c) -> Result<bool> {
    RUCHE_TRY(auto row, c.query_one(
                            "SELECT totp_secret, totp_enabled, totp_last_step FROM users WHERE id = $1",
                            {id}));
    if (!row || !row->boolean(1) || row->is_null(0)) return false;
    bool digits_only = !code.empty() && code.find_first_not_of("0123456789 ") == std::string_view::npos;
    if (digits_only) {
      std::string compact;
      for (char ch : code)
        if (ch != ' ') compact += ch;
      RUCHE_TRY(std::string secret, crypto::open(key_, row->bytes(0).data, "totp:" + id.str()));
      auto step = crypto::totp_verify(secret, compact, clock_.now_ms() / 1000, row->i64(2));
      if (!step) return false;
      // The conditional update makes a code single-use even under a race.
      RUCHE_TRY(auto n, c.exec("UPDATE users SET totp_last_step = $2 WHERE id = $1 AND "
                               "totp_last_step < $2",
                               {id, *step}));
      return n == 1;
    }
    std::string h = crypto::token_hash(crypto::normalize_recovery_code(code));
    RUCHE_TRY(auto n, c.exec("UPDATE recovery_codes SET used_at_ms = $3 WHERE user_id = $1 AND "
                             "code_hash = $2 AND used_at_ms IS NULL",
                             {id, h, clock_.now_ms()}));
    return n == 1;
  });
}

}  // namespace ruche::platform

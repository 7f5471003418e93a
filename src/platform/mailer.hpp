// Outgoing email. Off unless SMTP is configured (no outbound connection by
// default, SECURITY.md DATA-1). Plain-text bodies only, so nothing a user
// typed can become markup; header values are stripped of line breaks and
// RFC 2047-encoded when not ASCII.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace ruche::platform {

struct Mail {
  std::string to;
  std::string subject;
  std::string text;
  // An iTIP message (RFC 6047, iMIP) sent beside the text as
  // multipart/alternative, with its METHOD ("REQUEST", "CANCEL"); "": none.
  std::string calendar;
  std::string calendar_method;
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Sends one message; blocks up to the configured timeout. Errors: unavailable.
  virtual Result<void> send(const Mail& mail) = 0;
  // Sends each message, in order, over one connection where the transport
  // allows; one result per message.
  virtual std::vector<Result<void>> send_all(const std::vector<Mail>& mails) {
    std::vector<Result<void>> out;
    for (const auto& m : mails) out.push_back(send(m));
    return out;
  }
};

struct SmtpConfig {
  std::string url;        // "smtp://127.0.0.1:25" or "smtps://mail.example.org"; empty: no email
  std::string from;       // "Ruche <noreply@example.org>"
  std::string username;
  std::string password;
  bool starttls = false;  // require STARTTLS on smtp://
  int timeout_ms = 10'000;
};

// An SMTP mailer over libcurl, or null when `config.url` is empty.
std::unique_ptr<Mailer> make_smtp_mailer(const SmtpConfig& config);

// Formats the RFC 5322 message (exposed for tests).
std::string format_message(const SmtpConfig& config, const Mail& mail, std::string_view date,
                           std::string_view message_id);

}  // namespace ruche::platform

#include "platform/mailer.hpp"

#include <curl/curl.h>

#include <cctype>
#include <cstring>
#include <ctime>
#include <mutex>

#include "base/log.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"

namespace ruche::platform {

namespace {

std::string one_line(std::string_view s) {
  std::string out;
  for (char c : s) out += (c == '\r' || c == '\n') ? ' ' : c;
  return out;
}

bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

std::string encode_header(std::string_view s) {
  std::string v = one_line(s);
  if (is_ascii(v)) return v;
  return "=?UTF-8?B?" + crypto::base64_encode(v) + "?=";
}

// The address part of "Name <addr>" or the whole string.
std::string address_of(std::string_view s) {
  auto lt = s.find('<');
  auto gt = s.rfind('>');
  if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt)
    return std::string(s.substr(lt + 1, gt - lt - 1));
  return std::string(s);
}

struct Upload {
  std::string data;
  std::size_t pos = 0;
};

size_t read_cb(char* buf, size_t size, size_t n, void* user) {
  auto* up = static_cast<Upload*>(user);
  size_t room = size * n;
  size_t left = up->data.size() - up->pos;
  size_t take = left < room ? left : room;
  std::memcpy(buf, up->data.data() + up->pos, take);
  up->pos += take;
  return take;
}

class SmtpMailer final : public Mailer {
 public:
  explicit SmtpMailer(SmtpConfig c) : config_(std::move(c)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  Result<void> send(const Mail& mail) override { return std::move(send_all({mail}).front()); }

  // One handle for the batch: libcurl keeps the connection open between
  // its transfers.
  std::vector<Result<void>> send_all(const std::vector<Mail>& mails) override {
    std::vector<Result<void>> out;
    CURL* curl = curl_easy_init();
    if (!curl) {
      for (std::size_t i = 0; i < mails.size(); ++i)
        out.push_back(fail(Errc::unavailable, "cannot start the mail client"));
      return out;
    }
    const std::string from_addr = address_of(config_.from);
    const std::string domain = from_addr.substr(from_addr.find('@') + 1);
    const std::string from = "<" + from_addr + ">";
    curl_easy_setopt(curl, CURLOPT_URL, config_.url.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout_ms));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    if (config_.starttls) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!config_.username.empty()) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, config_.username.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, config_.password.c_str());
    }
    for (const Mail& mail : mails) {
      char date[64];
      std::time_t now = std::time(nullptr);
      std::tm tm{};
      gmtime_r(&now, &tm);
      std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
      const std::string mid = "<" + crypto::new_id() + "@" + domain + ">";
      Upload up{format_message(config_, mail, date, mid)};
      curl_slist* rcpt = curl_slist_append(nullptr, ("<" + one_line(mail.to) + ">").c_str());
      curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
      curl_easy_setopt(curl, CURLOPT_READDATA, &up);
      CURLcode rc = curl_easy_perform(curl);
      curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, nullptr);
      curl_slist_free_all(rcpt);
      if (rc != CURLE_OK) {
        log::warn("mail.send_failed", {{"error", curl_easy_strerror(rc)}});
        out.push_back(
            fail(Errc::unavailable, std::string("mail not sent: ") + curl_easy_strerror(rc)));
      } else {
        out.emplace_back();
      }
    }
    curl_easy_cleanup(curl);
    return out;
  }

 private:
  SmtpConfig config_;
};

}  // namespace

std::string format_message(const SmtpConfig& config, const Mail& mail, std::string_view date,
                           std::string_view message_id) {
  std::string m;
  m += "Date: " + std::string(date) + "\r\n";
  m += "From: " + one_line(config.from) + "\r\n";
  m += "To: <" + one_line(mail.to) + ">\r\n";
  m += "Message-ID: " + std::string(message_id) + "\r\n";
  m += "Subject: " + encode_header(mail.subject) + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  // The boundary comes from the message id (random): no line of the text
  // or of base64 is "--" and it.
  std::string boundary = "=_ruche_";
  for (char c : message_id)
    if (std::isalnum(static_cast<unsigned char>(c)) && boundary.size() < 60) boundary += c;
  if (!mail.calendar.empty())
    m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n--" + boundary +
         "\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\n";
  m += "Content-Transfer-Encoding: 8bit\r\n\r\n";
  // Normalise line ends to CRLF and dot-stuff lines that start with '.'.
  std::string_view t = mail.text;
  bool line_start = true;
  for (std::size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (line_start && c == '.') m += '.';
    line_start = false;
    if (c == '\r') continue;
    if (c == '\n') {
      m += "\r\n";
      line_start = true;
      continue;
    }
    m += c;
  }
  m += "\r\n";
  if (mail.calendar.empty()) return m;
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/calendar; charset=utf-8; method=" + one_line(mail.calendar_method) +
       "\r\n";
  m += "Content-Transfer-Encoding: base64\r\n\r\n";
  const std::string encoded = crypto::base64_encode(mail.calendar);
  for (std::size_t i = 0; i < encoded.size(); i += 76) m += encoded.substr(i, 76) + "\r\n";
  m += "--" + boundary + "--\r\n";
  return m;
}

std::unique_ptr<Mailer> make_smtp_mailer(const SmtpConfig& config) {
  if (config.url.empty()) return nullptr;
  return std::make_unique<SmtpMailer>(config);
}

}  // namespace ruche::platform

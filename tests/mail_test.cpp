// Invitation emails reach a real SMTP server (Debian's aiosmtpd, on loopback,
// writing to a Maildir), and nothing is sent when SMTP is not configured.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/crypto/encoding.hpp"
#include "platform/notices.hpp"
#include "support/test_server.hpp"

namespace ruche::testing {
namespace {

namespace fs = std::filesystem;

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool port_open(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// aiosmtpd in a child process, stopped with the test.
class SmtpSink {
 public:
  SmtpSink() {
    char tmpl[] = "/tmp/ruche-smtp-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    port_ = free_port();
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string listen = "127.0.0.1:" + std::to_string(port_);
      std::string maildir = dir_ + "/maildir";
      ::execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
              "aiosmtpd.handlers.Mailbox", maildir.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 100 && !port_open(port_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ~SmtpSink() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::uint16_t port() const { return port_; }
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_ + "/maildir/new", ec)) {
      std::ifstream in(e.path());
      std::stringstream ss;
      ss << in.rdbuf();
      out.push_back(ss.str());
    }
    return out;
  }

 private:
  std::string dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// A server whose mail goes to `sink`.
std::function<void(app::Config&)> sending_to(const SmtpSink& sink) {
  return [port = sink.port()](app::Config& c) {
    c.smtp_url = "smtp://127.0.0.1:" + std::to_string(port);
    c.smtp_from = "Ruche <noreply@ruche.test>";
  };
}

// Messages until `n` arrived (or 5 s passed).
std::vector<std::string> wait_for(const SmtpSink& sink, std::size_t n) {
  std::vector<std::string> mails;
  for (int i = 0; i < 100 && mails.size() < n; ++i) {
    mails = sink.messages();
    if (mails.size() < n) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return mails;
}

// The message that arrived after those `seen` (which it joins), or "".
std::string next_mail(const SmtpSink& sink, std::vector<std::string>& seen) {
  for (const auto& m : wait_for(sink, seen.size() + 1))
    if (std::find(seen.begin(), seen.end(), m) == seen.end()) {
      seen.push_back(m);
      return m;
    }
  return {};
}

TEST(Mail, InvitationEmailIsSentThroughSmtp) {
  SmtpSink sink;
  TestServer s(sending_to(sink));
  Account a = s.user("Alice <script>");
  // A name with a line break never gets as far as a mail header.
  auto bad = s.call("POST", "/api/v1/workspaces", a.token,
                    body(json::object{{"name", "Équipe\r\nBcc: victim@example.org"}}));
  ASSERT_EQ(bad.status, 400);
  std::string ws = s.workspace(a, "Équipe « projet »");
  auto inv = s.call("POST", "/api/v1/workspaces/" + ws + "/invitations", a.token,
               body(json::object{{"email", "invitee@partner.example"}}));
  ASSERT_EQ(inv.status, 201) << inv.raw.body;
  EXPECT_TRUE(inv.body.at("emailed").as_bool());
  std::string url(inv.body.at("url").as_string());
  auto mails = wait_for(sink, 1);
  ASSERT_EQ(mails.size(), 1u);
  const std::string& m = mails[0];
  EXPECT_NE(m.find("To: <invitee@partner.example>"), std::string::npos) << m;
  EXPECT_NE(m.find(url), std::string::npos) << m;
  EXPECT_NE(m.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/plain; charset=utf-8"), std::string::npos);
  EXPECT_EQ(m.find("Bcc:"), std::string::npos);
}

// The iCalendar part of an iMIP message (base64 in a multipart), decoded.
std::string calendar_part(const std::string& mail) {
  std::string m;
  for (char c : mail)
    if (c != '\r') m += c;
  const auto at = m.find("Content-Type: text/calendar");
  if (at == std::string::npos) return {};
  auto start = m.find("\n\n", at);
  auto end = m.find("\n--", start);
  std::string b64;
  for (char c : m.substr(start + 2, end - start - 2))
    if (c != '\n') b64 += c;
  return crypto::base64_decode(b64).value_or("");
}

// The answer link's token in an invitation's text.
std::string answer_token(const std::string& mail) {
  const std::string marker = "/calendar/answer/";
  auto at = mail.find(marker);
  if (at == std::string::npos) return {};
  at += marker.size();
  return mail.substr(at, mail.find_first_of("\r\n", at) - at);
}

TEST(Mail, CalendarInvitationsReachExternalAttendees) {
  SmtpSink sink;
  TestServer s(sending_to(sink));
  Account a = s.user("Alice"), root = s.user("Root", platform::InstanceRole::admin);
  // An English-speaking instance: people outside get its language.
  ASSERT_EQ(s.call("PATCH", "/api/v1/admin/settings", root.token,
                   body(json::object{{"default_locale", "en"}}))
                .status,
            200);
  std::string ws = s.workspace(a, "Équipe", {"calendar"});
  json::array zoe{json::object{{"email", "zoe@partner.example"}, {"name", "Zoé"}}};
  auto r = s.call("POST", "/api/v1/workspaces/" + ws + "/calendar/events", a.token,
                  body(json::object{{"title", "Atelier"},
                                    {"start", "2027-03-12T14:00:00Z"},
                                    {"end", "2027-03-12T16:00:00Z"},
                                    {"location", "Salle 2"},
                                    {"attendees", zoe}}));
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string path = "/api/v1/calendar/events/" + std::string(r.body.at("id").as_string());

  // An iMIP REQUEST: text with the answer link, and the event to add.
  auto mails = wait_for(sink, 1);
  ASSERT_EQ(mails.size(), 1u);
  const std::string& request = mails[0];
  EXPECT_NE(request.find("To: <zoe@partner.example>"), std::string::npos) << request;
  EXPECT_NE(request.find("Subject: Invitation: Atelier"), std::string::npos) << request;
  EXPECT_NE(request.find("multipart/alternative"), std::string::npos);
  EXPECT_NE(request.find("text/calendar; charset=utf-8; method=REQUEST"), std::string::npos);
  EXPECT_NE(request.find("When: 2027-03-12 14:00 UTC to 2027-03-12 16:00 UTC"), std::string::npos)
      << request;
  EXPECT_NE(request.find("Where: Salle 2"), std::string::npos);
  const std::string ics = calendar_part(request);
  EXPECT_NE(ics.find("METHOD:REQUEST"), std::string::npos) << ics;
  EXPECT_NE(ics.find("mailto:zoe@partner.example"), std::string::npos) << ics;
  EXPECT_NE(ics.find("mailto:" + a.email), std::string::npos) << ics;
  const std::string token = answer_token(request);
  ASSERT_FALSE(token.empty());

  // Zoé answers through the link, without an account.
  const std::string link = "/api/v1/calendar/invitations/" + token;
  auto shown = s.call("GET", link);
  ASSERT_EQ(shown.status, 200) << shown.raw.body;
  EXPECT_EQ(shown.body.at("event").at("title").as_string(), "Atelier");
  EXPECT_EQ(shown.body.at("attendee").at("partstat").as_string(), "needs-action");
  EXPECT_FALSE(shown.body.at("event").as_object().contains("workspace_id"));
  EXPECT_FALSE(shown.body.at("event").as_object().contains("created_by"));
  EXPECT_EQ(s.call("GET", "/api/v1/calendar/invitations/x" + token.substr(1)).status, 404);
  EXPECT_EQ(s.call("POST", link, "", body(json::object{{"partstat", "yes"}})).error_code(),
            "invalid_partstat");
  auto yes = s.call("POST", link, "", body(json::object{{"partstat", "accepted"}}));
  ASSERT_EQ(yes.status, 200) << yes.raw.body;
  EXPECT_EQ(yes.body.at("attendee").at("partstat").as_string(), "accepted");
  auto seen = s.call("GET", path, a.token);
  EXPECT_EQ(seen.body.at("attendees").at(0).at("partstat").as_string(), "accepted");
  // An answer sends nothing.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(sink.messages().size(), 1u);
  // Anyone holding the link may post: 20 answers at once, then one every 10 s.
  int answered = 1;
  Reply again;
  while ((again = s.call("POST", link, "", body(json::object{{"partstat", "tentative"}}))).status ==
         200)
    ASSERT_LT(++answered, 100);
  EXPECT_EQ(answered, 20);
  EXPECT_EQ(again.status, 429);
  EXPECT_EQ(again.error_code(), "rate_limited");
  EXPECT_EQ(again.raw.header("Retry-After").value_or(""), "10");  // its refill, not a generic "1"
  EXPECT_EQ(s.call("GET", link).status, 200) << "reading it is not bounded so";
  s.clock().advance_ms(10'000);
  EXPECT_EQ(s.call("POST", link, "", body(json::object{{"partstat", "accepted"}})).status, 200);
  EXPECT_EQ(s.call("POST", link, "", body(json::object{{"partstat", "accepted"}})).status, 429);
  // A link that does not exist: 404, whatever the count.
  EXPECT_EQ(s.call("POST", "/api/v1/calendar/invitations/x" + token.substr(1), "",
                   body(json::object{{"partstat", "accepted"}}))
                .status,
            404);

  // Moved: a new REQUEST. Removed from the list: a CANCEL, and the link ends.
  ASSERT_EQ(
      s.call("PATCH", path, a.token,
             body(json::object{{"start", "2027-03-12T15:00:00Z"}, {"end", "2027-03-12T17:00:00Z"}}))
          .status,
      200);
  ASSERT_EQ(wait_for(sink, 2).size(), 2u);
  ASSERT_EQ(s.call("PATCH", path, a.token, body(json::object{{"attendees", json::array{}}})).status,
            200);
  mails = wait_for(sink, 3);
  ASSERT_EQ(mails.size(), 3u);
  int requests = 0, cancels = 0;
  for (const auto& m : mails) {
    const std::string part = calendar_part(m);
    requests += part.find("METHOD:REQUEST") != std::string::npos;
    if (part.find("METHOD:CANCEL") != std::string::npos) {
      ++cancels;
      EXPECT_NE(m.find("Subject: Cancelled: Atelier"), std::string::npos) << m;
      EXPECT_NE(part.find("STATUS:CANCELLED"), std::string::npos) << part;
      EXPECT_EQ(answer_token(m), "");
    }
  }
  EXPECT_EQ(requests, 2);
  EXPECT_EQ(cancels, 1);
  EXPECT_EQ(s.call("GET", link).status, 404);

  // Invited again, then the event deleted: a CANCEL.
  ASSERT_EQ(s.call("PATCH", path, a.token, body(json::object{{"attendees", zoe}})).status, 200);
  ASSERT_EQ(wait_for(sink, 4).size(), 4u);
  EXPECT_EQ(s.call("GET", link).status, 200);  // the same link again
  ASSERT_EQ(s.call("DELETE", path, a.token).status, 204);
  mails = wait_for(sink, 5);
  ASSERT_EQ(mails.size(), 5u);
  cancels = 0;
  for (const auto& m : mails)
    cancels += calendar_part(m).find("METHOD:CANCEL") != std::string::npos;
  EXPECT_EQ(cancels, 2);
  EXPECT_EQ(s.call("GET", link).status, 404);
}

// "Atelier", Mondays at 14:00 UTC from 1 March 2027, three times, in `ws`'s
// calendar, Zoé from outside invited.
Reply weekly_atelier(TestServer& s, const Account& a, const std::string& ws) {
  return s.call("POST", "/api/v1/workspaces/" + ws + "/calendar/events", a.token,
                body(json::object{
                    {"title", "Atelier"},
                    {"start", "2027-03-01T14:00:00Z"},
                    {"end", "2027-03-01T15:00:00Z"},
                    {"rrule", "FREQ=WEEKLY;COUNT=3"},
                    {"attendees", json::array{json::object{{"email", "zoe@partner.example"}}}}}));
}

// An external attendee answers one occurrence of a weekly meeting through
// their link (docs/calendar.md "Invitations"): no mail is sent for it.
TEST(Mail, AnExternalAttendeeAnswersOneOccurrence) {
  SmtpSink sink;
  TestServer s(sending_to(sink));
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "Équipe", {"calendar"});
  auto r = weekly_atelier(s, a, ws);
  ASSERT_EQ(r.status, 201) << r.raw.body;
  // In the instance's language (French by default).
  const std::string request = wait_for(sink, 1).at(0);
  EXPECT_NE(request.find("Subject: Invitation : Atelier"), std::string::npos) << request;
  EXPECT_NE(request.find("Alice vous invite à « Atelier »."), std::string::npos) << request;
  EXPECT_NE(request.find("Quand : 2027-03-01 14:00 UTC au 2027-03-01 15:00 UTC"), std::string::npos)
      << request;
  EXPECT_NE(request.find("Se répète : FREQ=WEEKLY;COUNT=3"), std::string::npos) << request;
  EXPECT_NE(request.find("Accepter ou refuser : "), std::string::npos) << request;
  const std::string token = answer_token(request);
  const std::string link = "/api/v1/calendar/invitations/" + token;
  // The link lists the occurrences to come, with her answer to each.
  auto shown = s.call("GET", link);
  ASSERT_EQ(shown.status, 200) << shown.raw.body;
  const auto& occurrences = shown.body.at("occurrences").as_array();
  ASSERT_EQ(occurrences.size(), 3u) << shown.raw.body;
  EXPECT_EQ(occurrences.at(1).at("start").as_string(), "2027-03-08T14:00:00.000Z");
  EXPECT_EQ(occurrences.at(1).at("partstat").as_string(), "needs-action");
  const std::string second(occurrences.at(1).at("recurrence_id").as_string());
  // She accepts the series but the 8th.
  ASSERT_EQ(s.call("POST", link, "", body(json::object{{"partstat", "accepted"}})).status, 200);
  auto no = s.call("POST", link, "",
                   body(json::object{{"partstat", "declined"}, {"recurrence_id", second}}));
  ASSERT_EQ(no.status, 200) << no.raw.body;
  EXPECT_EQ(no.body.at("attendee").at("partstat").as_string(), "accepted");
  std::vector<std::string> answers;
  for (const auto& o : no.body.at("occurrences").as_array())
    answers.emplace_back(o.at("partstat").as_string());
  EXPECT_EQ(answers, (std::vector<std::string>{"accepted", "declined", "accepted"}));
  EXPECT_EQ(s.call("POST", link, "",
                   body(json::object{{"partstat", "declined"},
                                     {"recurrence_id", "2027-03-08T15:00:00Z"}}))
                .error_code(),
            "invalid_recurrence_id");
  // Answers send nothing.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(sink.messages().size(), 1u);
}

// The organizer moves one occurrence, then cancels another: an external
// attendee gets one email for each, naming it; the others stay as they were.
TEST(Mail, OneOccurrenceMovedOrCancelledIsToldAlone) {
  SmtpSink sink;
  TestServer s(sending_to(sink));
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "Équipe", {"calendar"});
  auto r = weekly_atelier(s, a, ws);
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string path = "/api/v1/calendar/events/" + std::string(r.body.at("id").as_string());
  std::vector<std::string> seen;
  const std::string link = "/api/v1/calendar/invitations/" + answer_token(next_mail(sink, seen));
  // She declines the 8th, which then moves an hour later: her answer stays.
  ASSERT_EQ(s.call("POST", link, "",
                   body(json::object{{"partstat", "declined"},
                                     {"recurrence_id", "2027-03-08T14:00:00Z"}}))
                .status,
            200);
  auto moved = s.call("PATCH", path, a.token,
                      body(json::object{{"recurrence_id", "2027-03-08T14:00:00Z"},
                                        {"start", "2027-03-08T15:00:00Z"},
                                        {"description", "Une heure plus tard."}}));
  ASSERT_EQ(moved.status, 200) << moved.raw.body;
  const std::string changed = next_mail(sink, seen);
  EXPECT_NE(changed.find("Subject: =?UTF-8?B?"), std::string::npos) << changed;  // "Modifié"
  EXPECT_NE(changed.find("Alice a modifié l'occurrence du 2027-03-08 14:00 UTC de « Atelier »."),
            std::string::npos)
      << changed;
  EXPECT_NE(changed.find("Quand : 2027-03-08 15:00 UTC au 2027-03-08 16:00 UTC"), std::string::npos)
      << changed;
  EXPECT_EQ(changed.find("Se répète"), std::string::npos);
  EXPECT_NE(changed.find("Une heure plus tard."), std::string::npos);
  EXPECT_NE(changed.find("Accepter ou refuser : "), std::string::npos);
  // The whole event goes along: applications replace what they hold.
  std::string ics = calendar_part(changed);
  EXPECT_NE(ics.find("METHOD:REQUEST"), std::string::npos) << ics;
  EXPECT_NE(ics.find("RRULE:FREQ=WEEKLY;COUNT=3"), std::string::npos) << ics;
  EXPECT_NE(ics.find("RECURRENCE-ID:20270308T140000Z"), std::string::npos) << ics;
  EXPECT_NE(ics.find("DTSTART:20270308T150000Z"), std::string::npos) << ics;
  auto shown = s.call("GET", link);
  ASSERT_EQ(shown.status, 200);
  const auto& occurrences = shown.body.at("occurrences").as_array();
  ASSERT_EQ(occurrences.size(), 3u) << shown.raw.body;
  EXPECT_EQ(occurrences.at(1).at("start").as_string(), "2027-03-08T15:00:00.000Z");
  EXPECT_EQ(occurrences.at(1).at("partstat").as_string(), "declined");

  // The 15th cancelled: a CANCEL of that occurrence alone.
  ASSERT_EQ(s.call("DELETE", path + "?recurrence_id=2027-03-15T14:00:00Z", a.token).status, 204);
  const std::string cancelled = next_mail(sink, seen);
  EXPECT_NE(cancelled.find("Alice a annulé l'occurrence du 2027-03-15 14:00 UTC de « Atelier » ; "
                           "les autres occurrences restent prévues."),
            std::string::npos)
      << cancelled;
  EXPECT_EQ(answer_token(cancelled), "");
  ics = calendar_part(cancelled);
  EXPECT_NE(ics.find("METHOD:CANCEL"), std::string::npos) << ics;
  EXPECT_NE(ics.find("RECURRENCE-ID:20270315T140000Z"), std::string::npos) << ics;
  EXPECT_NE(ics.find("STATUS:CANCELLED"), std::string::npos) << ics;
  EXPECT_EQ(ics.find("RRULE"), std::string::npos) << ics;
  EXPECT_EQ(ics.find("BEGIN:VEVENT"), ics.rfind("BEGIN:VEVENT")) << ics;
  shown = s.call("GET", link);
  ASSERT_EQ(shown.status, 200);  // still invited to the others
  EXPECT_EQ(shown.body.at("occurrences").as_array().size(), 2u) << shown.raw.body;

  // Two occurrences changed at once (a calendar application's write: the
  // first cancelled, the 15th back) are told as one update of the event.
  const std::string dav = "/dav/calendars/" + a.id.str() + "/" + ws + "/" +
                          std::string(r.body.at("uid").as_string()) + ".ics";
  auto got = s.call("GET", dav, a.token);
  ASSERT_EQ(got.status, 200) << got.raw.body;
  std::string both = got.raw.body;
  const auto exdate = both.find("EXDATE:20270315T140000Z\r\n");
  ASSERT_NE(exdate, std::string::npos) << both;
  both.replace(exdate, 25, "EXDATE:20270301T140000Z\r\n");
  ASSERT_EQ(s.call("PUT", dav, a.token, both).status, 204);
  const std::string update = next_mail(sink, seen);
  EXPECT_NE(update.find("Subject: Invitation : Atelier"), std::string::npos) << update;
  EXPECT_NE(calendar_part(update).find("EXDATE:20270301T140000Z"), std::string::npos);
}

// An organizer sends at most 100 invitation emails an hour: beyond, the
// change is refused whole and takes nothing from what is left.
// Calendar reminders by email, for those who asked (PATCH /me
// reminder_email): as they go off, in their language, with the event's link.
TEST(Mail, RemindersAreEmailedToThoseWhoAskedForThem) {
  SmtpSink sink;
  TestServer s([&](app::Config& c) {
    sending_to(sink)(c);
    c.module_settings["calendar"] = json::object{{"reminders_check_seconds", 1}};
  });
  Account a = s.user("Alice"), b = s.user("Bob");
  auto asked =
      s.call("PATCH", "/api/v1/me", a.token,
             body(json::object{
                 {"reminder_email", true}, {"locale", "en"}, {"time_zone", "Europe/Paris"}}));
  ASSERT_EQ(asked.status, 200) << asked.raw.body;
  EXPECT_TRUE(asked.body.at("reminder_email").as_bool());
  EXPECT_FALSE(s.call("GET", "/api/v1/me", b.token).body.at("reminder_email").as_bool());
  EXPECT_EQ(
      s.call("PATCH", "/api/v1/me", b.token, body(json::object{{"reminder_email", "yes"}})).status,
      400);
  std::string ws = s.workspace(a, "Équipe", {"calendar"});
  s.join(a, ws, b);
  auto seen = wait_for(sink, 1);  // Bob's invitation to the workspace
  ASSERT_EQ(seen.size(), 1u);
  // One event, both reminded a quarter of an hour before (the clock: 08:00).
  auto r = s.call("POST", "/api/v1/workspaces/" + ws + "/calendar/events", a.token,
                  body(json::object{{"title", "Revue"},
                                    {"start", "2027-01-15T09:00:00Z"},
                                    {"end", "2027-01-15T09:30:00Z"},
                                    {"location", "Salle 2"},
                                    {"reminders", json::array{15}}}));
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string id(r.body.at("id").as_string());
  ASSERT_EQ(s.call("PUT", "/api/v1/calendar/events/" + id + "/reminders", b.token,
                   body(json::object{{"minutes", json::array{15}}}))
                .status,
            200);
  s.clock().advance_ms(45 * 60'000 + 30'000);
  const std::string m = next_mail(sink, seen);
  EXPECT_NE(m.find("To: <" + a.email + ">"), std::string::npos) << m;
  // On her clock (Paris is UTC+1 in January).
  EXPECT_NE(m.find("Subject: Reminder: Revue (2027-01-15 10:00 Europe/Paris)"), std::string::npos)
      << m;
  EXPECT_NE(m.find("\"Revue\" starts in 15 minutes."), std::string::npos) << m;
  EXPECT_NE(m.find("When: 2027-01-15 10:00 Europe/Paris to 2027-01-15 10:30 Europe/Paris"),
            std::string::npos);
  EXPECT_NE(m.find("Where: Salle 2"), std::string::npos);
  EXPECT_NE(m.find("/w/" + ws + "/calendar/" + id), std::string::npos) << m;
  // Bob, who did not ask, has his notice and no email.
  auto bobs = [&] {
    return s.call("GET", "/api/v1/me/notices", b.token).body.at("unread").as_int64();
  };
  for (int i = 0; i < 100 && bobs() < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(bobs(), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(sink.messages().size(), seen.size());
}

TEST(Mail, InvitationEmailsAreBoundedPerOrganizer) {
  SmtpSink sink;
  TestServer s(sending_to(sink));
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "Équipe", {"calendar"});
  auto invite = [&](int from, int n) {
    json::array people;
    for (int i = from; i < from + n; ++i)
      people.push_back(json::object{{"email", "p" + std::to_string(i) + "@partner.example"}});
    return s.call("POST", "/api/v1/workspaces/" + ws + "/calendar/events", a.token,
                  body(json::object{{"title", "Forum"},
                                    {"start", "2027-03-12T14:00:00Z"},
                                    {"end", "2027-03-12T16:00:00Z"},
                                    {"attendees", std::move(people)}}));
  };
  auto events = [&] {
    return s
        .call("GET", "/api/v1/workspaces/" + ws + "/calendar/events?from=2027-03-01&to=2027-04-01",
              a.token)
        .body.as_array()
        .size();
  };
  ASSERT_EQ(invite(0, 99).status, 201);
  auto refused = invite(100, 2);
  EXPECT_EQ(refused.error_code(), "too_many_invitations");  // one left: refused whole
  // 100 an hour: the second email is 36 s away.
  EXPECT_EQ(refused.raw.header("Retry-After").value_or(""), "36");
  EXPECT_EQ(events(), 1u);
  ASSERT_EQ(invite(200, 1).status, 201);  // the refusal took nothing
  EXPECT_EQ(invite(300, 1).error_code(), "too_many_invitations");
  EXPECT_EQ(events(), 2u);
}

// Notices left unread are emailed, one digest per person who wants them
// (docs/api.md "Notices"), once: what was read, or said no to, is not.
TEST(Mail, UnreadNoticesGoInOneDigestPerPerson) {
  SmtpSink sink;
  TestServer s(sending_to(sink));
  Account a = s.user("Alice"), b = s.user("Bob"), c = s.user("Carol"), d = s.user("Dan");
  std::string ws = s.workspace(a, "Équipe", {"tasks", "calendar"});
  for (const Account* who : {&b, &c, &d}) s.join(a, ws, *who);
  ASSERT_EQ(s.call("PATCH", "/api/v1/me", c.token, body(json::object{{"notice_email", false}}))
                .body.at("notice_email"),
            json::value(false));
  auto task = s.call("POST", "/api/v1/workspaces/" + ws + "/tasks", a.token,
                     body(json::object{{"title", "Budget"}}));
  ASSERT_EQ(task.status, 201) << task.raw.body;
  const std::string tid(task.body.at("id").as_string());
  auto mention = [&](const Account& who) {
    auto r = s.call("POST", "/api/v1/tasks/" + tid + "/comments", a.token,
                    body(json::object{{"body", "<@" + who.id.str() + "> ?"}}));
    ASSERT_EQ(r.status, 201) << r.raw.body;
  };
  mention(b);
  mention(c);
  mention(d);
  auto event =
      s.call("POST", "/api/v1/workspaces/" + ws + "/calendar/events", a.token,
             body(json::object{{"title", "Revue"},
                               {"start", "2027-03-12T14:00:00Z"},
                               {"end", "2027-03-12T15:00:00Z"},
                               {"timezone", "Europe/Paris"},
                               {"attendees", json::array{json::object{{"user_id", b.id.str()}}}}}));
  ASSERT_EQ(event.status, 201) << event.raw.body;
  ASSERT_EQ(
      s.call("POST", "/api/v1/me/notices/read", d.token, body(json::object{{"all", true}})).status,
      200);
  platform::Platform& p = s.platform();
  const std::size_t before = wait_for(sink, 3).size();  // the three joins' messages
  auto digest = [&](const std::string& default_locale = "en") {
    auto n = platform::email_notice_digests(p.db, p.mail_queue, s.clock(), p.config.public_url,
                                            "Ruche", default_locale);
    EXPECT_TRUE(n) << n.error().message;
    return n ? *n : -1;
  };
  EXPECT_EQ(digest(), 0);  // too soon: they may read them in the app
  s.clock().advance_ms(platform::kNoticeEmailDelayMs);
  EXPECT_EQ(digest(), 1);  // Bob only: Carol said no, Dan read his
  // The sink's messages come in no order: the one with this subject.
  auto with_subject = [](const std::vector<std::string>& mails, const std::string& subject) {
    std::vector<std::string> out;
    for (const auto& m : mails)
      if (m.find("Subject: " + subject) != std::string::npos) out.push_back(m);
    return out;
  };
  auto mails = with_subject(wait_for(sink, before + 1), "2 things you have not read in Ruche");
  ASSERT_EQ(mails.size(), 1u);
  const std::string& m = mails[0];
  EXPECT_NE(m.find("To: <" + b.email + ">"), std::string::npos) << m;
  // On the event's clock (Paris, UTC+1 in March).
  EXPECT_NE(m.find("Alice invites you to \"Revue\" (2027-03-12 15:00 Europe/Paris)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("Alice mentioned you in \"Budget\""), std::string::npos) << m;
  EXPECT_NE(m.find("/w/" + ws + "/tasks/" + tid), std::string::npos) << m;
  // Once: the next round has nothing for him.
  EXPECT_EQ(digest(), 0);
  mention(b);
  s.clock().advance_ms(platform::kNoticeEmailDelayMs);
  EXPECT_EQ(digest(), 1);
  EXPECT_EQ(with_subject(wait_for(sink, before + 2), "Alice mentioned you in \"Budget\"").size(),
            1u);
  EXPECT_EQ(wait_for(sink, before + 3).size(), before + 2);  // and nothing else

  // In each person's language: Dan reads French; Bob has none of his own,
  // so the instance's.
  ASSERT_EQ(s.call("PATCH", "/api/v1/me", d.token, body(json::object{{"locale", "fr"}})).status,
            200);
  mention(d);
  s.clock().advance_ms(platform::kNoticeEmailDelayMs);
  EXPECT_EQ(digest(), 1);
  mention(b);
  s.clock().advance_ms(platform::kNoticeEmailDelayMs);
  EXPECT_EQ(digest("fr"), 1);
  mails = wait_for(sink, before + 4);
  ASSERT_EQ(mails.size(), before + 4);
  int french = 0;
  for (const auto& mail : mails) {
    if (mail.find("Pendant votre absence") == std::string::npos) continue;
    ++french;
    EXPECT_NE(mail.find("Alice vous a mentionné dans « Budget »"), std::string::npos) << mail;
    EXPECT_NE(mail.find("désactivez-les dans votre profil"), std::string::npos) << mail;
  }
  EXPECT_EQ(french, 2);

  // By topic: Bob wants no email about mentions, still about invitations.
  EXPECT_EQ(s.call("PATCH", "/api/v1/me", b.token,
                   body(json::object{{"notice_email_off", json::array{"mentions", "gossip"}}}))
                .error_code(),
            "invalid_field");
  auto off = s.call("PATCH", "/api/v1/me", b.token,
                    body(json::object{{"notice_email_off", json::array{"mentions", "mentions"}}}));
  ASSERT_EQ(off.status, 200) << off.raw.body;
  EXPECT_EQ(off.body.at("notice_email_off"), json::value(json::array{"mentions"}));
  EXPECT_EQ(s.call("GET", "/api/v1/me", b.token).body.at("notice_email_off"),
            json::value(json::array{"mentions"}));
  mention(b);
  s.clock().advance_ms(platform::kNoticeEmailDelayMs);
  EXPECT_EQ(digest(), 0);  // his only notice is of a topic he said no to
  mention(b);
  ASSERT_EQ(
      s.call("PATCH", "/api/v1/calendar/events/" + std::string(event.body.at("id").as_string()),
             a.token, body(json::object{{"attendees", json::array{}}}))
          .status,
      200);  // no longer invited: a notice about invitations
  s.clock().advance_ms(platform::kNoticeEmailDelayMs);
  EXPECT_EQ(digest(), 1);
  mails = with_subject(wait_for(sink, before + 5), "Cancelled, or no longer invited: \"Revue\"");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].find("mentioned you"), std::string::npos) << mails[0];
  // The muted ones were not kept for later.
  EXPECT_EQ(digest(), 0);
}

TEST(Mail, UnreachableSmtpStillCreatesTheInvitation) {
  TestServer s([&](app::Config& c) {
    c.smtp_url = "smtp://127.0.0.1:" + std::to_string(free_port());
    c.smtp_from = "noreply@ruche.test";
  });
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "W");
  auto inv = s.call("POST", "/api/v1/workspaces/" + ws + "/invitations", a.token,
                    body(json::object{{"email", "invitee@partner.example"}}));
  ASSERT_EQ(inv.status, 201);
  EXPECT_FALSE(inv.body.at("emailed").as_bool());
  EXPECT_FALSE(std::string(inv.body.at("url").as_string()).empty());

  // A calendar invitation is queued: the change is made, the email kept
  // and tried again later (a minute, then two...).
  ASSERT_EQ(s.workspace(a, "Cal", {"calendar"}).empty(), false);
  // "N after A, due in S s": the attempt is recorded when it starts (a
  // lease, due in 120 s), its failure once it ends (due in 60 s).
  auto queued = [&]() -> std::string {
    auto r = s.platform().db.read([&](db::Conn& c) -> Result<std::string> {
      RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*), COALESCE(MAX(attempts), 0), "
                                      "COALESCE(MAX(next_at_ms), 0) FROM mail_outbox"));
      return std::to_string(row->i64(0)) + " after " + std::to_string(row->i64(1)) + ", due in " +
             std::to_string((row->i64(2) - s.clock().now_ms()) / 1000) + " s";
    });
    return r ? *r : r.error().message;
  };
  auto ev =
      s.call("POST", "/api/v1/me/calendar/events", a.token,
             body(json::object{
                 {"title", "Atelier"},
                 {"start", "2027-03-12T14:00:00Z"},
                 {"end", "2027-03-12T16:00:00Z"},
                 {"attendees", json::array{json::object{{"email", "zoe@partner.example"}}}}}));
  ASSERT_EQ(ev.status, 201) << ev.raw.body;
  auto& queue = s.platform().mail_queue;
  // The first attempt (the queue's own thread, woken) ends before the clock
  // moves: ending after, it counted from the moved clock (a flaky test).
  for (int i = 0; i < 100 && queued() != "1 after 1, due in 60 s"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(queued(), "1 after 1, due in 60 s");
  EXPECT_EQ(queue.send_due().value_or(-1), 0);  // not due yet
  EXPECT_EQ(queued(), "1 after 1, due in 60 s");
  s.clock().advance_ms(61'000);
  EXPECT_EQ(queue.send_due().value_or(-1), 0);  // due, tried, failed again
  EXPECT_EQ(queued(), "1 after 2, due in 120 s");
}

TEST(Mail, MessagesAreFormattedSafely) {
  platform::SmtpConfig c;
  c.from = "Ruche <noreply@ruche.test>";
  platform::Mail m;
  m.to = "a@b.example\r\nBcc: x@y.example";
  m.subject = "Hello\r\nBcc: x@y.example";
  m.text = "line one\n.\nline three";
  std::string out = platform::format_message(c, m, "Sun, 29 Nov 2026 17:00:00 +0000", "<id@ruche.test>");
  EXPECT_EQ(out.find("\r\nBcc:"), std::string::npos);
  EXPECT_NE(out.find("\r\n..\r\n"), std::string::npos);  // dot-stuffed
}

// An event written in a time zone is told on its clock to whoever it
// invites (the organizer's times as they meant them), not in UTC.
TEST(Mail, InvitationTimesAreOnTheEventsClock) {
  SmtpSink sink;
  TestServer s(sending_to(sink));
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "Équipe", {"calendar"});
  auto r = s.call("POST", "/api/v1/workspaces/" + ws + "/calendar/events", a.token,
                  body(json::object{
                      {"title", "Atelier"},
                      {"start", "2027-07-12T14:00:00Z"},
                      {"end", "2027-07-12T16:00:00Z"},
                      {"timezone", "Europe/Paris"},
                      {"attendees", json::array{json::object{{"email", "zoe@partner.example"}}}}}));
  ASSERT_EQ(r.status, 201) << r.raw.body;
  auto mails = wait_for(sink, 1);
  ASSERT_EQ(mails.size(), 1u);
  // Summer: Paris is UTC+2.
  EXPECT_NE(mails[0].find("2027-07-12 16:00 Europe/Paris"), std::string::npos) << mails[0];
  EXPECT_NE(mails[0].find("2027-07-12 18:00 Europe/Paris"), std::string::npos) << mails[0];
  EXPECT_EQ(mails[0].find("UTC"), std::string::npos) << mails[0];
}

// A task due today that its assignee leaves unread is in their digest,
// unless they left that topic out.
TEST(Mail, TasksDueTodayAreInTheDigest) {
  SmtpSink sink;
  TestServer s([&](app::Config& c) {
    sending_to(sink)(c);
    c.module_settings["tasks"] = json::object{{"due_check_seconds", 1}};
  });
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "Équipe", {"tasks"});
  s.join(a, ws, b);
  auto seen = wait_for(sink, 1);  // Bob's invitation
  ASSERT_EQ(seen.size(), 1u);
  auto off = s.call("PATCH", "/api/v1/me", b.token,
                    body(json::object{{"notice_email_off", json::array{"due", "assigned"}}}));
  ASSERT_EQ(off.status, 200) << off.raw.body;
  EXPECT_EQ(s.call("PATCH", "/api/v1/me", b.token,
                   body(json::object{{"notice_email_off", json::array{"overdue"}}}))
                .error_code(),
            "invalid_field");
  auto task = s.call("POST", "/api/v1/workspaces/" + ws + "/tasks", a.token,
                     body(json::object{{"title", "Budget"},
                                       {"due", "2027-01-16"},
                                       {"assignee_ids", json::array{a.id.str(), b.id.str()}}}));
  ASSERT_EQ(task.status, 201) << task.raw.body;
  const std::string tid(task.body.at("id").as_string());
  s.clock().advance_ms(25 * 3'600'000 + 30'000);  // the 16th, 09:00:30Z
  auto unread = [&](const Account& who) {
    return s.call("GET", "/api/v1/me/notices", who.token).body.at("unread").as_int64();
  };
  // Bob: assigned by Alice, then due; Alice: due (she assigned herself).
  for (int i = 0; i < 100 && (unread(a) < 1 || unread(b) < 2); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(unread(b), 2);
  ASSERT_EQ(unread(a), 1);
  s.clock().advance_ms(platform::kNoticeEmailDelayMs);
  platform::Platform& p = s.platform();
  auto sent = platform::email_notice_digests(p.db, p.mail_queue, s.clock(), p.config.public_url,
                                             "Ruche", "en");
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(*sent, 1);  // Alice's alone
  const std::string m = next_mail(sink, seen);
  EXPECT_NE(m.find("To: <" + a.email + ">"), std::string::npos) << m;
  EXPECT_NE(m.find("Due today: \"Budget\""), std::string::npos) << m;
  EXPECT_NE(m.find("/w/" + ws + "/tasks/" + tid), std::string::npos) << m;
}

}  // namespace
}  // namespace ruche::testing

#include "platform/notices.hpp"

#include <algorithm>

#include "base/clock.hpp"

namespace ruche::platform {

namespace {

// A notice of a workspace is seen only while its person is a member of it.
constexpr std::string_view kStillMember =
    "(n.workspace_id IS NULL OR EXISTS (SELECT 1 FROM memberships m WHERE "
    "m.workspace_id = n.workspace_id AND m.user_id = n.user_id))";
// The notices a person ($1) may see.
const std::string kVisible = "n.user_id = $1 AND " + std::string(kStillMember);

Result<std::int64_t> unread(db::Conn& c, const UserId& user) {
  RUCHE_TRY(auto row, c.query_one(std::string("SELECT COUNT(*) FROM notices n WHERE ") + kVisible +
                                      " AND n.read_at_ms IS NULL",
                                  {user}));
  return row ? row->i64(0) : 0;
}

}  // namespace

json::object to_json(const Notice& n) {
  return {{"id", n.id},
          {"type", n.type},
          {"data", n.data},
          {"created_at", format_iso8601(n.created_at_ms)},
          {"read", n.read}};
}

Result<NoticePage> list_notices(db::Database& db, const UserId& user,
                                const std::optional<std::string>& before, int limit) {
  return db.read([&](db::Conn& c) -> Result<NoticePage> {
    NoticePage page;
    std::string sql = std::string(
                          "SELECT n.id, n.type, n.data, n.created_at_ms, n.read_at_ms "
                          "FROM notices n WHERE ") +
                      kVisible;
    std::vector<db::Param> params{user};
    if (before) {
      params.emplace_back(*before);
      sql += " AND n.id < $2";
    }
    params.emplace_back(static_cast<std::int64_t>(limit));
    sql += " ORDER BY n.id DESC LIMIT $" + std::to_string(params.size());
    RUCHE_CHECK(c.each(sql, params, [&](const db::Row& r) {
      Notice n;
      n.id = r.text(0);
      n.type = r.text(1);
      n.data = json::parse(r.text(2)).value_or(json::object{});
      n.created_at_ms = r.i64(3);
      n.read = !r.is_null(4);
      page.notices.push_back(std::move(n));
      return true;
    }));
    RUCHE_TRY(page.unread, unread(c, user));
    return page;
  });
}

Result<std::int64_t> mark_notices_read(db::Database& db, const UserId& user,
                                       const std::vector<std::string>& ids, bool all,
                                       std::int64_t now_ms) {
  return db.write([&](db::Conn& c) -> Result<std::int64_t> {
    if (all) {
      RUCHE_TRY([[maybe_unused]] auto n,
                c.exec("UPDATE notices SET read_at_ms = $2 WHERE user_id = $1 AND read_at_ms IS "
                       "NULL",
                       {user, now_ms}));
    } else if (!ids.empty()) {
      std::vector<db::Param> params{user, now_ms};
      for (const auto& id : ids) params.emplace_back(id);
      RUCHE_TRY([[maybe_unused]] auto n,
                c.exec("UPDATE notices SET read_at_ms = $2 WHERE user_id = $1 AND read_at_ms IS "
                       "NULL AND id IN (" +
                           db::placeholders(3, ids.size()) + ")",
                       params));
    }
    return unread(c, user);
  });
}

Result<int> email_notice_digests(db::Database& db, MailQueue& mail, const Clock& clock,
                                 const std::string& public_url, const std::string& instance_name,
                                 const std::string& default_locale) {
  if (!mail.enabled()) return 0;
  constexpr int kPeople = 200;
  constexpr std::size_t kLines = 20;
  const std::int64_t now = clock.now_ms();
  const std::int64_t due = now - kNoticeEmailDelayMs;
  // Who has notices due (visible ones: a workspace they are still in).
  struct Person {
    std::string id, email;
    bool french = false;
    std::vector<std::string> off;  // topics they want no email about
  };
  std::vector<Person> people;
  RUCHE_CHECK(db.read([&](db::Conn& c) -> Result<void> {
    return c.each(
        std::string("SELECT DISTINCT u.id, u.email, u.locale, u.notice_email_off FROM notices n "
                    "JOIN users u ON u.id = n.user_id "
                    "WHERE n.read_at_ms IS NULL AND n.emailed_at_ms IS NULL AND n.created_at_ms "
                    "<= $2 AND n.text <> '' AND u.notice_email = 1 AND u.disabled = 0 AND ") +
            std::string(kStillMember) + " ORDER BY u.id LIMIT $1",
        {static_cast<std::int64_t>(kPeople), due}, [&](const db::Row& r) {
          const std::string locale = r.text(2).empty() ? default_locale : r.text(2);
          Person person{r.text(0), r.text(1), locale == "fr", {}};
          if (auto off = json::parse(r.text(3)); off && off->is_array())
            for (const auto& topic : off->as_array())
              if (topic.is_string()) person.off.emplace_back(topic.as_string());
          people.push_back(std::move(person));
          return true;
        });
  }));
  int sent = 0;
  for (const Person& person : people) {
    const bool fr = person.french;
    RUCHE_CHECK(db.write([&](db::Conn& c) -> Result<void> {
      std::vector<std::pair<std::string, std::string>> lines;  // text, link
      std::vector<std::string> ids;                            // every one due: marked, told or not
      std::size_t told = 0;
      RUCHE_CHECK(c.each(
          std::string("SELECT n.id, n.text, n.text_fr, n.link, n.topic FROM notices n WHERE ") +
              kVisible +
              " AND n.read_at_ms IS NULL AND n.emailed_at_ms IS NULL AND "
              "n.created_at_ms <= $2 AND n.text <> '' ORDER BY n.id DESC",
          {UserId(person.id), due}, [&](const db::Row& r) {
            ids.push_back(r.text(0));
            if (std::find(person.off.begin(), person.off.end(), r.text(4)) != person.off.end())
              return true;  // a topic they said no to
            ++told;
            if (lines.size() < kLines)
              lines.emplace_back(fr && !r.text(2).empty() ? r.text(2) : r.text(1), r.text(3));
            return true;
          }));
      if (ids.empty()) return {};  // read meanwhile
      std::vector<db::Param> params{now};
      for (const auto& id : ids) params.emplace_back(id);
      RUCHE_TRY([[maybe_unused]] auto n,
                c.exec("UPDATE notices SET emailed_at_ms = $1 WHERE id IN (" +
                           db::placeholders(2, ids.size()) + ")",
                       params));
      if (told == 0) return {};
      const std::string count = std::to_string(told);
      const std::string more = std::to_string(told - lines.size());
      Mail m;
      m.to = person.email;
      if (told == 1)
        m.subject = lines.front().first;
      else
        m.subject = fr ? count + " choses non lues dans " + instance_name
                       : count + " things you have not read in " + instance_name;
      m.text = fr ? "Pendant votre absence :\n\n" : "While you were away:\n\n";
      for (const auto& [text, link] : lines)
        m.text += "- " + text + "\n  " + public_url + link + "\n";
      if (told > lines.size())
        m.text += fr ? "\net " + more + " de plus.\n" : "\nand " + more + " more.\n";
      m.text += fr ? "\nVous recevez ce message parce que vous n'avez pas lu ceci dans " +
                         instance_name +
                         ". Pour ne plus en recevoir, désactivez-les dans votre profil.\n"
                   : "\nYou get this email because you did not read these in " + instance_name +
                         ". To stop these emails, turn them off in your profile.\n";
      RUCHE_CHECK(mail.enqueue(c, m));
      ++sent;
      return {};
    }));
  }
  if (sent > 0) mail.wake();
  return sent;
}

}  // namespace ruche::platform

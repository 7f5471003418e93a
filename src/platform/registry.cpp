#include "platform/registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace ruche::platform {

void ModuleRegistry::add(ModuleDef def) {
  if (def.name.empty() || def.name.size() > 32 ||
      def.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos)
    throw std::invalid_argument("bad module name: " + def.name);
  if (find(def.name)) throw std::invalid_argument("module registered twice: " + def.name);
  modules_.push_back(std::move(def));
}

const ModuleDef* ModuleRegistry::find(std::string_view name) const {
  for (const auto& m : modules_)
    if (m.name == name) return &m;
  return nullptr;
}

Result<void> ModuleRegistry::charge_storage(db::Conn& c, const WorkspaceId& ws, std::int64_t bytes) const {
  if (bytes == 0) return {};
  for (const auto& m : modules_)
    if (m.storage) return m.storage(c, ws, bytes);
  return {};
}

std::vector<std::string> ModuleRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& m : modules_) out.push_back(m.name);
  return out;
}

Result<std::vector<std::string>> search_words(std::string_view query) {
  std::vector<std::string> words;
  for (std::size_t at = 0; at < query.size();) {
    std::size_t end = query.find_first_of(" \t", at);
    if (end == std::string_view::npos) end = query.size();
    if (end > at) words.emplace_back(query.substr(at, end - at));
    at = end + 1;
  }
  if (words.size() > 8) return fail(Errc::invalid, "at most 8 words", "invalid_query");
  return words;
}

std::string mark_matches(const std::string& text, const std::vector<std::string>& words) {
  auto lower = [](char ch) {
    return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch;
  };
  std::vector<bool> marked(text.size(), false);
  for (const auto& w : words) {
    if (w.empty() || w.size() > text.size()) continue;
    for (std::size_t at = 0; at + w.size() <= text.size(); ++at) {
      std::size_t k = 0;
      while (k < w.size() && lower(text[at + k]) == lower(w[k])) ++k;
      if (k == w.size())
        std::fill(marked.begin() + static_cast<std::ptrdiff_t>(at),
                  marked.begin() + static_cast<std::ptrdiff_t>(at + k), true);
    }
  }
  static const std::string kOpen = "\xee\x80\x80", kClose = "\xee\x80\x81";
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (marked[i] && (i == 0 || !marked[i - 1])) out += kOpen;
    out += text[i];
    if (marked[i] && (i + 1 == text.size() || !marked[i + 1])) out += kClose;
  }
  return out;
}

}  // namespace ruche::platform

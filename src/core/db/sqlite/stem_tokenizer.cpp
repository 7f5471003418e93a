#include "core/db/sqlite/stem_tokenizer.hpp"

#include <libstemmer.h>

#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ruche::db::sqlite {

fts5_api* fts5_api_of(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) == SQLITE_OK) {
    sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(stmt);
  }
  sqlite3_finalize(stmt);
  return api;
}

namespace {

// A word's stems as emitted: "\x01" + the French stem, and "\x01" + the
// English one unless it is the same (then empty).
struct Stems {
  std::string first;
  std::string second;
};

// Words remembered per instance; past this the memory starts over (a few MB).
constexpr std::size_t kMaxCachedWords = 20'000;
// Longer words (bytes) are indexed without stems.
constexpr int kMaxStemmed = 64;

// One instance per FTS5 table: the parent unicode61 tokenizer and a stemmer
// per language (Snowball stemmers are not thread-safe: one per instance, and
// SQLite uses an instance from one connection at a time), and the stems of
// the words seen last: text repeats its words, and stemming was most of the
// indexing time (which the writer thread shares with every write).
struct Tokenizer {
  fts5_tokenizer parent{};
  Fts5Tokenizer* parent_instance = nullptr;
  sb_stemmer* french = nullptr;
  sb_stemmer* english = nullptr;
  std::unordered_map<std::string, Stems> cache;
  ~Tokenizer() {
    if (parent_instance) parent.xDelete(parent_instance);
    if (french) sb_stemmer_delete(french);
    if (english) sb_stemmer_delete(english);
  }
};

struct Context {
  Tokenizer* tok;
  bool stems_only;  // a query's words, not prefixes
  void* user_ctx;
  int (*emit)(void*, int, const char*, int, int, int);
};

int create(void* api_ptr, const char** /*args*/, int /*nargs*/, Fts5Tokenizer** out) {
  auto* api = static_cast<fts5_api*>(api_ptr);
  auto tok = std::unique_ptr<Tokenizer>(new (std::nothrow) Tokenizer());
  if (!tok) return SQLITE_NOMEM;
  void* parent_ctx = nullptr;
  int rc = api->xFindTokenizer(api, "unicode61", &parent_ctx, &tok->parent);
  if (rc != SQLITE_OK) return rc;
  const char* parent_args[] = {"remove_diacritics", "2"};
  rc = tok->parent.xCreate(parent_ctx, parent_args, 2, &tok->parent_instance);
  if (rc != SQLITE_OK) return rc;
  tok->french = sb_stemmer_new("french", "UTF_8");
  tok->english = sb_stemmer_new("english", "UTF_8");
  if (!tok->french || !tok->english) return SQLITE_NOMEM;
  *out = reinterpret_cast<Fts5Tokenizer*>(tok.release());
  return SQLITE_OK;
}

void destroy(Fts5Tokenizer* t) { delete reinterpret_cast<Tokenizer*>(t); }

// Stems `word` with both stemmers; nullptr when out of memory.
const Stems* stems_of(Tokenizer& tok, std::string_view word) {
  std::string key(word);
  if (auto it = tok.cache.find(key); it != tok.cache.end()) return &it->second;
  Stems out;
  const auto* symbols = reinterpret_cast<const sb_symbol*>(word.data());
  const int len = static_cast<int>(word.size());
  for (sb_stemmer* stemmer : {tok.french, tok.english}) {
    const sb_symbol* stem = sb_stemmer_stem(stemmer, symbols, len);
    if (!stem) return nullptr;
    // Stems live in their own vocabulary (a \x01 prefix, which words never
    // contain) so that "budget*" prefixes only words. Every word gets its
    // stems, even when a stem equals the word: a query's stem must find it.
    std::string marked = "\x01";
    marked.append(reinterpret_cast<const char*>(stem),
                  static_cast<std::size_t>(sb_stemmer_length(stemmer)));
    if (out.first.empty()) {
      out.first = std::move(marked);
    } else if (marked != out.first) {
      out.second = std::move(marked);
    }
  }
  if (tok.cache.size() >= kMaxCachedWords) tok.cache.clear();
  return &tok.cache.emplace(std::move(key), std::move(out)).first->second;
}

// A document's words are indexed each with its stems beside it (the words
// for prefix queries). A query's word is looked up by its stems alone: every
// indexed word has them, so the word itself would find nothing more, and
// each extra term is one more of the index's lists merged at every step (two
// words from 40 workspaces: 12.8 -> 5.4 ms, docs/benchmarks.md "Chat
// store"). Prefixes, and words too long to be stemmed, are looked up as
// they are.
int on_token(void* ctx_ptr, int flags, const char* token, int len, int start, int end) {
  auto* ctx = static_cast<Context*>(ctx_ptr);
  if (flags & FTS5_TOKEN_COLOCATED) return ctx->emit(ctx->user_ctx, flags, token, len, start, end);
  const Stems* stems = nullptr;
  if (len <= kMaxStemmed) {
    stems = stems_of(*ctx->tok, std::string_view(token, static_cast<std::size_t>(len)));
    if (!stems) return SQLITE_NOMEM;
  }
  const bool word_too = !ctx->stems_only || !stems;
  if (word_too) {
    if (int rc = ctx->emit(ctx->user_ctx, flags, token, len, start, end); rc != SQLITE_OK)
      return rc;
  }
  if (!stems) return SQLITE_OK;
  for (const std::string* stem : {&stems->first, &stems->second}) {
    if (stem->empty()) continue;
    // The first term of a position is emitted plain, the others beside it.
    const int how = word_too || stem != &stems->first ? FTS5_TOKEN_COLOCATED : 0;
    if (int rc =
            ctx->emit(ctx->user_ctx, how, stem->data(), static_cast<int>(stem->size()), start, end);
        rc != SQLITE_OK)
      return rc;
  }
  return SQLITE_OK;
}

int tokenize(Fts5Tokenizer* t, void* user_ctx, int flags, const char* text, int len,
             int (*emit)(void*, int, const char*, int, int, int)) {
  auto* tok = reinterpret_cast<Tokenizer*>(t);
  const bool stems_only = (flags & FTS5_TOKENIZE_QUERY) && !(flags & FTS5_TOKENIZE_PREFIX);
  Context ctx{tok, stems_only, user_ctx, emit};
  return tok->parent.xTokenize(tok->parent_instance, &ctx, flags, text, len, on_token);
}

}  // namespace

int register_stem_tokenizer(sqlite3* db) {
  fts5_api* api = fts5_api_of(db);
  if (!api) return SQLITE_ERROR;
  static fts5_tokenizer tokenizer{create, destroy, tokenize};
  return api->xCreateTokenizer(api, "ruche", api, &tokenizer, nullptr);
}

}  // namespace ruche::db::sqlite

// The "ruche" FTS5 tokenizer: Unicode-aware words (FTS5's unicode61 with
// diacritics removed), each indexed with its French and English Snowball
// stems at the same position, so "marchés" finds "marché" and "running"
// finds "runs". A query's word is looked up by its stems (as alternatives
// when the two languages' differ); a prefix query's by the word.
//
//   CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'ruche');
#pragma once

#include <sqlite3.h>

namespace ruche::db::sqlite {

// FTS5's API on `db`; null when SQLite has no FTS5.
fts5_api* fts5_api_of(sqlite3* db);

// Registers the tokenizer on `db`. Returns an SQLite result code.
int register_stem_tokenizer(sqlite3* db);

}  // namespace ruche::db::sqlite

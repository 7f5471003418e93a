// The "ruche" FTS5 tokenizer: Unicode-aware words (FTS5's unicode61 with
// diacritics removed), each indexed with its French and English Snowball
// stems at the same position, so "marchés" finds "marché" and "running"
// finds "runs". Queries get the stems as alternatives of each term.
//
//   CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'ruche');
#pragma once

#include <sqlite3.h>

namespace ruche::db::sqlite {

// Registers the tokenizer on `db`. Returns an SQLite result code.
int register_stem_tokenizer(sqlite3* db);

}  // namespace ruche::db::sqlite

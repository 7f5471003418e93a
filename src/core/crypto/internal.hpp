// Helpers shared by the .cpp files of core/crypto. Not part of the public API:
// include it from this folder only.
#pragma once

namespace ruche::crypto::detail {

// Initializes libsodium on first use (thread-safe). Aborts if it cannot: no
// function here may hand out output from an unseeded generator.
void ensure_sodium();

// Reports a broken precondition (a bug in the caller, such as a 31-byte key)
// and aborts. Never used for input that comes from outside the process.
[[noreturn]] void contract_violation(const char* what);

}  // namespace ruche::crypto::detail

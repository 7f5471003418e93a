// Strings about to be overwritten whole.
#pragma once

#include <cstddef>
#include <string>

namespace ruche {

// A string of `n` bytes whose values are unspecified, for a buffer that is
// filled right after (a read, a decryption, an encryption): a zero fill
// first costs a pass over the memory, a tenth of a large download's CPU.
std::string uninitialized_string(std::size_t n);

}  // namespace ruche

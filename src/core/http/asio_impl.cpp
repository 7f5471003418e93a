// The one translation unit that compiles Asio and Beast (separate compilation):
// every other TU sees only their declarations.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>

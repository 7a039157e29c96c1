#include "c_errors.hpp"
#include "partita/error.hpp"

namespace partita::c_api {

namespace {
thread_local std::string last_error;
}  // namespace

partita_status fail(partita_status status, const std::string& message) {
  try {
    last_error = message;
  } catch (...) {
    last_error.clear();  // no memory for the message: the code still says what happened
  }
  return status;
}

void require(const void* pointer, const char* what) {
  if (pointer == nullptr) throw partita::InvalidArgument(std::string(what) + " is a null pointer");
}

}  // namespace partita::c_api

extern "C" const char* partita_last_error(void) { return partita::c_api::last_error.c_str(); }

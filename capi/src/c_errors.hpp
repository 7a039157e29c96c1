// The C API's error channel: a status code for the caller and a message per
// thread. guarded() runs a C++ body and turns anything it throws into both,
// so no exception crosses into C or Fortran.
#pragma once

#include <exception>
#include <new>
#include <string>

#include "partita/c/partita.h"
#include "partita/error.hpp"

namespace partita::c_api {

/// A user callback returned non-zero: maps to PARTITA_ERROR_CALLBACK.
class CallbackError : public Error {
 public:
  using Error::Error;
};

/// Records `message` as the calling thread's last error and returns `status`.
partita_status fail(partita_status status, const std::string& message);

/// Throws partita::InvalidArgument naming `what` when `pointer` is null.
void require(const void* pointer, const char* what);

template <class Body>
partita_status guarded(const char* function, Body&& body) noexcept {
  try {
    body();
    return PARTITA_OK;
  } catch (const CallbackError& e) {
    return fail(PARTITA_ERROR_CALLBACK, std::string(function) + ": " + e.what());
  } catch (const InvalidArgument& e) {
    return fail(PARTITA_ERROR_ARGUMENT, std::string(function) + ": " + e.what());
  } catch (const MpiError& e) {
    return fail(PARTITA_ERROR_MPI, std::string(function) + ": " + e.what());
  } catch (const std::bad_alloc&) {
    return fail(PARTITA_ERROR_MEMORY, std::string(function) + ": out of memory");
  } catch (const std::exception& e) {
    return fail(PARTITA_ERROR_INTERNAL, std::string(function) + ": " + e.what());
  } catch (...) {
    return fail(PARTITA_ERROR_INTERNAL, std::string(function) + ": an unknown exception");
  }
}

}  // namespace partita::c_api

// What a partita_runtime handle holds, for the C API's other files.
#pragma once

#include "partita/c/partita.h"
#include "partita/runtime.hpp"

struct partita_runtime {
  partita::Runtime runtime;
};

namespace partita::c_api {

/// The runtime's context; throws partita::InvalidArgument for a null handle.
const Context& context_of(const partita_runtime* runtime);

}  // namespace partita::c_api

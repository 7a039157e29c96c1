// `partita kernels`: what each kernel computes, its parameters and outputs.
#pragma once

namespace partita::launch {

/// Prints every registered kernel to stdout; returns an ExitCode.
int kernels_command();

}  // namespace partita::launch

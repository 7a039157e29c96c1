// Built instead of dense_openblas.cpp when Partita is configured with
// PARTITA_DENSE_BLAS=none (or no OpenBLAS was found).
#include "dense/dense_backend.hpp"

namespace partita::kernels::dense::detail {

const BackendOps* openblas_ops() { return nullptr; }

}  // namespace partita::kernels::dense::detail

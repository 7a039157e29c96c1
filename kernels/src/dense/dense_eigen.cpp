// The Eigen backend. Eigen parallelises a product with OpenMP by itself, but
// which copy of its (inline, template) code the linker keeps decides whether
// that happens, and Eigen's thread count is process-wide (setNbThreads). So
// the product splits C's columns over a parallel region of our own, each
// thread running Eigen single-threaded on its panel; the factorisations run
// with the calling thread's OpenMP count set to `threads` for the call.
#include <omp.h>

#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <algorithm>
#include <utility>

#include "dense/dense_backend.hpp"

namespace partita::kernels::dense::detail {

namespace {

// Sets the calling thread's OpenMP thread count (a per-thread setting) for
// one scope: Eigen sizes its parallel regions from it.
class ScopedOmpThreads {
 public:
  explicit ScopedOmpThreads(int threads) : saved_(omp_get_max_threads()) { omp_set_num_threads(threads); }
  ~ScopedOmpThreads() { omp_set_num_threads(saved_); }
  ScopedOmpThreads(const ScopedOmpThreads&) = delete;
  ScopedOmpThreads& operator=(const ScopedOmpThreads&) = delete;

 private:
  int saved_;
};

void panel_gemm(double alpha, const ConstMatrixRef& a, const ConstMatrixRef& b, double beta, MatrixRef c) {
  const ScopedOmpThreads single(1);
  if (beta == 0.0) {
    c.noalias() = alpha * a * b;
  } else {
    if (beta != 1.0) c *= beta;
    c.noalias() += alpha * a * b;
  }
}

void eigen_gemm(double alpha, const ConstMatrixRef& a, const ConstMatrixRef& b, double beta, MatrixRef c,
                int threads) {
  const Eigen::Index n = c.cols();
  // Panels a multiple of 8 columns wide (Eigen's kernels work on a few columns
  // at a time), at most one per thread, so small products stay on one thread.
  constexpr Eigen::Index min_panel = 64;
  const int panels = static_cast<int>(std::clamp<Eigen::Index>(n / min_panel, 1, threads));
  if (panels == 1) {
    panel_gemm(alpha, a, b, beta, c);
    return;
  }
#pragma omp parallel num_threads(panels)
  {
    // However many threads the region really got (nesting may be off),
    // each takes a contiguous share of whole 8-column groups.
    const Eigen::Index workers = omp_get_num_threads();
    const Eigen::Index me = omp_get_thread_num();
    const Eigen::Index groups = (n + 7) / 8;
    const Eigen::Index first = std::min(n, groups * me / workers * 8);
    const Eigen::Index last = std::min(n, groups * (me + 1) / workers * 8);
    if (last > first) {
      panel_gemm(alpha, a, b.middleCols(first, last - first), beta, c.middleCols(first, last - first));
    }
  }
}

int eigen_lu_solve(Eigen::MatrixXd& a, Eigen::MatrixXd& b, int threads) {
  const ScopedOmpThreads scoped(threads);
  const Eigen::PartialPivLU<Eigen::Ref<Eigen::MatrixXd>> lu(a);
  // Eigen does not report a zero pivot; LAPACK's dgetrf does (info = k).
  const auto diagonal = lu.matrixLU().diagonal();
  for (Eigen::Index k = 0; k < diagonal.size(); ++k) {
    if (diagonal(k) == 0.0) return static_cast<int>(k + 1);
  }
  Eigen::MatrixXd x = lu.solve(b);
  b = std::move(x);
  return 0;
}

int eigen_cholesky_solve(Eigen::MatrixXd& a, Eigen::MatrixXd& b, int threads) {
  const ScopedOmpThreads scoped(threads);
  const Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>, Eigen::Lower> llt(a);
  // Eigen does not say which leading minor failed (LAPACK's dpotrf does).
  if (llt.info() != Eigen::Success) return -1;
  llt.solveInPlace(b);
  return 0;
}

}  // namespace

const BackendOps& eigen_ops() {
  static const BackendOps ops{Backend::eigen, "Eigen", eigen_gemm, eigen_lu_solve, eigen_cholesky_solve};
  return ops;
}

}  // namespace partita::kernels::dense::detail

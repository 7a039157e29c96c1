// The OpenBLAS backend: BLAS dgemm and LAPACK dgetrf/dgetrs, dpotrf/dpotrs
// through their Fortran entry points (every BLAS/LAPACK has them; no header
// needed), each call inside an OpenBlasThreads guard so that it runs on
// exactly the caller's thread count.
#include "dense/dense_backend.hpp"
#include "dense/openblas_threads.hpp"

#include <algorithm>
#include <cstddef>

extern "C" {
// Fortran calling convention: every argument by address, and a hidden
// length per character argument (OpenBLAS ignores it; reference LAPACK
// built by gfortran expects it).
void dgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k, const double* alpha,
            const double* a, const int* lda, const double* b, const int* ldb, const double* beta, double* c,
            const int* ldc, std::size_t transa_len, std::size_t transb_len);
void dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info);
void dgetrs_(const char* trans, const int* n, const int* nrhs, const double* a, const int* lda, const int* ipiv,
             double* b, const int* ldb, int* info, std::size_t trans_len);
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info, std::size_t uplo_len);
void dpotrs_(const char* uplo, const int* n, const int* nrhs, const double* a, const int* lda, double* b,
             const int* ldb, int* info, std::size_t uplo_len);
}

namespace partita::kernels::dense::detail {

namespace {

int as_int(Eigen::Index value) { return static_cast<int>(value); }

// BLAS wants a leading dimension >= max(1, rows) even where Eigen reports a
// smaller outer stride (a single column).
int leading_dimension(const ConstMatrixRef& m) {
  return as_int(std::max<Eigen::Index>({m.outerStride(), m.rows(), 1}));
}

void openblas_gemm(double alpha, const ConstMatrixRef& a, const ConstMatrixRef& b, double beta, MatrixRef c,
                   int threads) {
  const int m = as_int(c.rows());
  const int n = as_int(c.cols());
  const int k = as_int(a.cols());
  const int lda = leading_dimension(a);
  const int ldb = leading_dimension(b);
  const int ldc = leading_dimension(c);
  const OpenBlasThreads guard(threads);
  dgemm_("N", "N", &m, &n, &k, &alpha, a.data(), &lda, b.data(), &ldb, &beta, c.data(), &ldc, 1, 1);
}

int openblas_lu_solve(Eigen::MatrixXd& a, Eigen::MatrixXd& b, int threads) {
  const int n = as_int(a.rows());
  const int nrhs = as_int(b.cols());
  Eigen::VectorXi pivots(n);
  int info = 0;
  const OpenBlasThreads guard(threads);
  dgetrf_(&n, &n, a.data(), &n, pivots.data(), &info);
  if (info != 0) return info;
  dgetrs_("N", &n, &nrhs, a.data(), &n, pivots.data(), b.data(), &n, &info, 1);
  return info;
}

int openblas_cholesky_solve(Eigen::MatrixXd& a, Eigen::MatrixXd& b, int threads) {
  const int n = as_int(a.rows());
  const int nrhs = as_int(b.cols());
  int info = 0;
  const OpenBlasThreads guard(threads);
  dpotrf_("L", &n, a.data(), &n, &info, 1);
  if (info != 0) return info;
  dpotrs_("L", &n, &nrhs, a.data(), &n, b.data(), &n, &info, 1);
  return info;
}

}  // namespace

const BackendOps* openblas_ops() {
  static const BackendOps ops{Backend::openblas, "OpenBLAS", openblas_gemm, openblas_lu_solve,
                              openblas_cholesky_solve};
  return &ops;
}

}  // namespace partita::kernels::dense::detail

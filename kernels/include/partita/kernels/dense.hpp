// Dense linear algebra on Eigen matrices with a thread count per call:
// products (C = A B, C += alpha A B) and solves (LU with partial pivoting;
// Cholesky for symmetric positive definite A). Not collective: no MPI.
// Not reproducible across thread counts: results may differ in the last bits
// (threaded BLAS and LAPACK split the work differently). At one thread count
// both backends split it statically, so reruns give the same bits (tested;
// neither library promises it). Serial equivalent:
// C(i,j) += alpha sum_k A(i,k) B(k,j); X = A^-1 B by Gaussian elimination.
#pragma once

#include <Eigen/Core>

#include "partita/error.hpp"
#include "partita/kernels/task_threads.hpp"

namespace partita::kernels::dense {

/// Any column-major double matrix with unit inner stride: Eigen::MatrixXd, a
/// Map of your own memory, a block of either. A read-only argument of another
/// layout (row-major, a transpose) is copied into a temporary first.
using ConstMatrixRef = Eigen::Ref<const Eigen::MatrixXd>;
using MatrixRef = Eigen::Ref<Eigen::MatrixXd>;

/// Where the arithmetic happens, chosen when Partita was configured
/// (-DPARTITA_DENSE_BLAS=auto|OpenBLAS|none).
enum class Backend { eigen, openblas };
Backend backend() noexcept;
/// "OpenBLAS" or "Eigen", for reports and benchmarks.
const char* backend_name() noexcept;

// Threads: every function runs on at most `threads` threads, the calling
// thread included, and never more: one task may use T threads, or T tasks
// (say, OpenMP threads or partita workers) may each call with threads = 1 at
// the same time. The default is task_threads(), the caller's OpenMP thread
// count (threads_per_task inside a partita task). Throws
// partita::InvalidArgument if threads < 1.
//
// With OpenBLAS, whose thread count is one process-wide setting, calls with
// threads > 1 run one at a time and wait for single-threaded calls in flight
// (which run side by side); the setting is restored after each call. Do not
// call openblas_set_num_threads yourself while a dense call runs. With the
// Eigen backend, a program-wide Eigen::setNbThreads(n) overrides the count
// inside the solves.

/// C = A B. Not collective. Throws partita::InvalidArgument if the shapes do not
/// match (A is m x k, B k x n, C m x n) or C shares memory with A or B.
void multiply(const ConstMatrixRef& a, const ConstMatrixRef& b, MatrixRef c, int threads = task_threads());

/// C += alpha A B. Not collective. Same errors as multiply.
void multiply_add(double alpha, const ConstMatrixRef& a, const ConstMatrixRef& b, MatrixRef c,
                  int threads = task_threads());

/// Returns A B in a new matrix. Not collective.
Eigen::MatrixXd product(const ConstMatrixRef& a, const ConstMatrixRef& b, int threads = task_threads());

/// Solves A X = B for X by LU factorisation with partial (row) pivoting.
/// Not collective. A is n x n, B n x k; neither is modified. Throws
/// partita::InvalidArgument for other shapes and partita::Error if a pivot
/// is exactly zero (A is singular). Accuracy: a backward-stable solve, so
/// |A X - B| <= c n eps |A| |X| for a modest c, unless pivots grow.
Eigen::MatrixXd solve_lu(const ConstMatrixRef& a, const ConstMatrixRef& b, int threads = task_threads());

/// Solves A X = B for symmetric positive definite A by Cholesky
/// factorisation A = L L^T. Reads only A's lower triangle. Not collective.
/// Throws partita::InvalidArgument for wrong shapes and partita::Error if A
/// is not positive definite.
Eigen::MatrixXd solve_cholesky(const ConstMatrixRef& a, const ConstMatrixRef& b, int threads = task_threads());

}  // namespace partita::kernels::dense

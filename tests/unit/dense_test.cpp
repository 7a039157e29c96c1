// The dense kernel against naive serial references (dense_reference.hpp), at
// 1 and 2 threads, through the public API (the configured backend) and
// through each built backend directly.
//
// Tolerances:
//  - products: elementwise |C - C_ref| <= 2 gamma_(k+2) |alpha| |A| |B|, the
//    bound for any summation order (Higham 3.5), so no backend can fail it
//    by summing differently, and a wrong element (a missed or doubled term)
//    is far outside it;
//  - solves: normwise backward error <= n eps (LU with partial pivoting and
//    Cholesky are backward stable), and forward error against the naive
//    reference <= 2 n eps cond_inf(A), since both solutions are backward stable.
#include "partita/kernels/dense.hpp"

#include <gtest/gtest.h>

#include <Eigen/LU>
#include <stdexcept>
#include <string>
#include <vector>

#include "dense/dense_backend.hpp"
#include "dense_reference.hpp"

namespace {

namespace dense = partita::kernels::dense;
namespace ref = partita::testing::dense_reference;
using Eigen::MatrixXd;

struct Shape {
  Eigen::Index m, k, n;
};

const std::vector<Shape> shapes{{1, 1, 1}, {7, 13, 5}, {64, 1, 33}, {3, 200, 2}, {130, 97, 211}, {257, 256, 129}};

void expect_product_close(const MatrixXd& c, const MatrixXd& expected, const MatrixXd& tolerance,
                          const std::string& what) {
  ASSERT_EQ(c.rows(), expected.rows()) << what;
  ASSERT_EQ(c.cols(), expected.cols()) << what;
  const MatrixXd excess = (c - expected).cwiseAbs() - tolerance;
  Eigen::Index i = 0;
  Eigen::Index j = 0;
  const double worst = excess.size() == 0 ? -1.0 : excess.maxCoeff(&i, &j);
  EXPECT_LE(worst, 0.0) << what << ": C(" << i << ", " << j << ") = " << c(i, j) << ", reference "
                        << expected(i, j) << ", tolerance " << tolerance(i, j);
}

double cond_inf(const MatrixXd& a) {
  const auto norm = [](const MatrixXd& m) { return m.cwiseAbs().rowwise().sum().maxCoeff(); };
  return norm(a) * norm(a.partialPivLu().inverse());
}

void expect_solution_close(const MatrixXd& a, const MatrixXd& x, const MatrixXd& b, const MatrixXd& x_ref,
                           const std::string& what) {
  const double n = static_cast<double>(a.rows());
  EXPECT_LE(ref::backward_error(a, x, b), n * ref::eps) << what;
  const double forward = (x - x_ref).cwiseAbs().maxCoeff() / x_ref.cwiseAbs().maxCoeff();
  EXPECT_LE(forward, 2.0 * n * ref::eps * cond_inf(a)) << what << ": cond " << cond_inf(a);
}

class DenseThreads : public ::testing::TestWithParam<int> {};

TEST_P(DenseThreads, MultiplyMatchesTheNaiveProduct) {
  const int threads = GetParam();
  std::uint64_t seed = 1;
  for (const Shape& s : shapes) {
    const MatrixXd a = ref::random_matrix(s.m, s.k, seed++);
    const MatrixXd b = ref::random_matrix(s.k, s.n, seed++);
    MatrixXd c(s.m, s.n);
    dense::multiply(a, b, c, threads);
    const std::string what = std::to_string(s.m) + "x" + std::to_string(s.k) + "x" + std::to_string(s.n);
    expect_product_close(c, ref::gemm(1.0, a, b, 0.0, c), ref::product_tolerance(a, b), what);
    expect_product_close(dense::product(a, b, threads), ref::gemm(1.0, a, b, 0.0, c), ref::product_tolerance(a, b),
                         "product " + what);
  }
}

TEST_P(DenseThreads, MultiplyAddAccumulatesAlphaAB) {
  const int threads = GetParam();
  for (const double alpha : {1.0, -0.5, 3.0}) {
    const MatrixXd a = ref::random_matrix(150, 90, 11);
    const MatrixXd b = ref::random_matrix(90, 70, 12);
    const MatrixXd c0 = ref::random_matrix(150, 70, 13);
    MatrixXd c = c0;
    dense::multiply_add(alpha, a, b, c, threads);
    const MatrixXd tolerance = ref::product_tolerance(a, b, alpha).array() + 2.0 * ref::eps * c0.cwiseAbs().array();
    expect_product_close(c, ref::gemm(alpha, a, b, 1.0, c0), tolerance, "alpha " + std::to_string(alpha));
  }
}

// Maps of the caller's memory and blocks with outer strides work in place,
// and nothing outside the output block is written.
TEST_P(DenseThreads, WorksOnMapsAndBlocksWithStrides) {
  const int threads = GetParam();
  std::vector<double> storage(40 * 30);
  const MatrixXd source = ref::random_matrix(40, 30, 21);
  Eigen::Map<MatrixXd>(storage.data(), 40, 30) = source;
  const Eigen::Map<const MatrixXd> a_map(storage.data(), 40, 30);
  const MatrixXd b = ref::random_matrix(25, 17, 22);
  MatrixXd big = MatrixXd::Constant(60, 50, 7.0);
  // A = rows 5..34, cols 2..26 of the map (outer stride 40); C a block of big.
  const auto a = a_map.block(5, 2, 30, 25);
  dense::multiply(a, b, big.block(10, 20, 30, 17), threads);
  const MatrixXd a_copy = a;
  expect_product_close(big.block(10, 20, 30, 17), ref::gemm(1.0, a_copy, b, 0.0, b), ref::product_tolerance(a_copy, b),
                       "block");
  MatrixXd outside = big;
  outside.block(10, 20, 30, 17).setConstant(7.0);
  EXPECT_TRUE((outside.array() == 7.0).all()) << "multiply wrote outside its output block";
}

TEST_P(DenseThreads, LuSolveMatchesGaussianElimination) {
  const int threads = GetParam();
  for (const Eigen::Index n : {1, 2, 17, 150}) {
    const MatrixXd a = ref::random_matrix(n, n, 31 + static_cast<std::uint64_t>(n));
    const MatrixXd b = ref::random_matrix(n, 3, 32);
    const MatrixXd x = dense::solve_lu(a, b, threads);
    expect_solution_close(a, x, b, ref::solve_gaussian(a, b), "n = " + std::to_string(n));
  }
}

// A zero in the corner: elimination without row exchanges divides by zero.
TEST_P(DenseThreads, LuSolvePivots) {
  MatrixXd a(3, 3);
  a << 0, 2, 1, 1, 1, 1, 2, 1, 0;
  const MatrixXd b = MatrixXd::Identity(3, 3);
  const MatrixXd x = dense::solve_lu(a, b, GetParam());
  EXPECT_LE((a * x - b).cwiseAbs().maxCoeff(), 8 * ref::eps);
}

TEST_P(DenseThreads, CholeskySolveMatchesTheNaiveFactorisation) {
  const int threads = GetParam();
  for (const Eigen::Index n : {1, 5, 120}) {
    const MatrixXd a = ref::random_spd(n, 41 + static_cast<std::uint64_t>(n));
    const MatrixXd b = ref::random_matrix(n, 2, 42);
    const MatrixXd x = dense::solve_cholesky(a, b, threads);
    expect_solution_close(a, x, b, ref::solve_cholesky(a, b), "n = " + std::to_string(n));
  }
}

// Only the lower triangle is read: garbage above the diagonal changes nothing.
TEST_P(DenseThreads, CholeskyReadsOnlyTheLowerTriangle) {
  const MatrixXd a = ref::random_spd(30, 51);
  MatrixXd lower = a;
  lower.triangularView<Eigen::StrictlyUpper>().setConstant(1e300);
  const MatrixXd b = ref::random_matrix(30, 1, 52);
  EXPECT_EQ(dense::solve_cholesky(lower, b, GetParam()), dense::solve_cholesky(a, b, GetParam()));
}

// The same call twice at the same thread count gives the same bits.
TEST_P(DenseThreads, RerunsGiveTheSameBits) {
  const int threads = GetParam();
  const MatrixXd a = ref::random_matrix(300, 300, 71);
  const MatrixXd b = ref::random_matrix(300, 40, 72);
  EXPECT_EQ(dense::product(a, b, threads), dense::product(a, b, threads));
  EXPECT_EQ(dense::solve_lu(a, b, threads), dense::solve_lu(a, b, threads));
}

INSTANTIATE_TEST_SUITE_P(Threads, DenseThreads, ::testing::Values(1, 2));

TEST(Dense, EmptyShapes) {
  MatrixXd c = MatrixXd::Constant(3, 4, 5.0);
  dense::multiply(MatrixXd(3, 0), MatrixXd(0, 4), c, 1);
  EXPECT_TRUE(c.isZero(0.0)) << "an empty sum is zero";
  c.setConstant(5.0);
  dense::multiply_add(2.0, MatrixXd(3, 0), MatrixXd(0, 4), c, 1);
  EXPECT_TRUE((c.array() == 5.0).all()) << "adding an empty sum changes nothing";
  MatrixXd none(0, 4);
  dense::multiply(MatrixXd(0, 2), MatrixXd(2, 4), none, 2);
  EXPECT_EQ(dense::solve_lu(MatrixXd(0, 0), MatrixXd(0, 2), 1).cols(), 2);
}

TEST(Dense, RejectsBadArguments) {
  const MatrixXd a = MatrixXd::Ones(3, 4);
  MatrixXd c(3, 5);
  EXPECT_THROW(dense::multiply(a, MatrixXd::Ones(5, 5), c, 1), partita::InvalidArgument);  // k mismatch
  EXPECT_THROW(dense::multiply(a, MatrixXd::Ones(4, 6), c, 1), partita::InvalidArgument);  // C's shape
  EXPECT_THROW(dense::multiply(a, MatrixXd::Ones(4, 5), c, 0), partita::InvalidArgument);  // threads
  MatrixXd square = MatrixXd::Ones(4, 4);
  EXPECT_THROW(dense::multiply(square, square, square, 1), partita::InvalidArgument);  // C is A
  try {
    dense::multiply(a, MatrixXd::Ones(5, 5), c, 1);
  } catch (const partita::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("A is 3 x 4, B is 5 x 5, C is 3 x 5"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)dense::solve_lu(a, MatrixXd::Ones(3, 1), 1), partita::InvalidArgument);   // not square
  EXPECT_THROW((void)dense::solve_lu(square, MatrixXd::Ones(3, 1), 1), partita::InvalidArgument);  // B's rows
}

TEST(Dense, SingularAndIndefiniteMatricesThrow) {
  MatrixXd singular = MatrixXd::Ones(4, 4);
  EXPECT_THROW((void)dense::solve_lu(singular, MatrixXd::Ones(4, 1), 1), partita::Error);
  MatrixXd indefinite = MatrixXd::Identity(3, 3);
  indefinite(2, 2) = -1.0;
  try {
    (void)dense::solve_cholesky(indefinite, MatrixXd::Ones(3, 1), 2);
    ADD_FAILURE() << "no exception for an indefinite matrix";
  } catch (const partita::Error& e) {
    EXPECT_NE(std::string(e.what()).find("not positive definite"), std::string::npos) << e.what();
  }
}

TEST(Dense, ReportsItsBackend) {
  const std::string name = dense::backend_name();
  EXPECT_TRUE(name == "OpenBLAS" || name == "Eigen") << name;
  EXPECT_EQ(dense::backend() == dense::Backend::openblas, name == "OpenBLAS");
}

// Every backend built into this library (Eigen always, OpenBLAS when
// configured) against the same references, below the public API.
std::vector<const dense::detail::BackendOps*> built_backends() {
  std::vector<const dense::detail::BackendOps*> all{&dense::detail::eigen_ops()};
  if (dense::detail::openblas_ops() != nullptr) all.push_back(dense::detail::openblas_ops());
  return all;
}

TEST(DenseBackends, EachBuiltBackendMatchesTheReferences) {
  for (const auto* ops : built_backends()) {
    for (const int threads : {1, 2}) {
      const std::string what = std::string(ops->name) + " at " + std::to_string(threads) + " thread(s)";
      const MatrixXd a = ref::random_matrix(140, 120, 61);
      const MatrixXd b = ref::random_matrix(120, 130, 62);
      const MatrixXd c0 = ref::random_matrix(140, 130, 63);
      MatrixXd c = c0;
      ops->gemm(-2.0, a, b, 1.0, c, threads);
      const MatrixXd tolerance = ref::product_tolerance(a, b, 2.0).array() + 2.0 * ref::eps * c0.cwiseAbs().array();
      expect_product_close(c, ref::gemm(-2.0, a, b, 1.0, c0), tolerance, what);

      MatrixXd lu = ref::random_matrix(100, 100, 64);
      const MatrixXd a_lu = lu;
      const MatrixXd rhs = ref::random_matrix(100, 2, 65);
      MatrixXd x = rhs;
      ASSERT_EQ(ops->lu_solve(lu, x, threads), 0) << what;
      expect_solution_close(a_lu, x, rhs, ref::solve_gaussian(a_lu, rhs), what + " LU");

      MatrixXd spd = ref::random_spd(90, 66);
      const MatrixXd a_spd = spd;
      x = ref::random_matrix(90, 2, 67);
      const MatrixXd rhs_spd = x;
      ASSERT_EQ(ops->cholesky_solve(spd, x, threads), 0) << what;
      expect_solution_close(a_spd, x, rhs_spd, ref::solve_cholesky(a_spd, rhs_spd), what + " Cholesky");
    }
  }
}

}  // namespace

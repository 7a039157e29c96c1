// The dense kernel as the launcher runs it: "solve" builds a random linear
// system from the task's stream and solves it (LU, or Cholesky for a
// symmetric positive definite matrix) on the task's threads.
#include <cmath>
#include <string>

#include "registry/kernel_registry.hpp"
#include "partita/kernels/dense.hpp"

namespace partita::launch {

namespace dense = partita::kernels::dense;

namespace {

// Columns of uniform(-1, 1) entries, in column order from the stream.
Eigen::MatrixXd random_matrix(Eigen::Index rows, Eigen::Index cols, Rng& rng) {
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = rng.uniform(-1.0, 1.0);
  }
  return m;
}

double norm_inf(const Eigen::MatrixXd& m) { return m.cwiseAbs().rowwise().sum().maxCoeff(); }

KernelInfo solve_kernel() {
  KernelInfo k;
  k.name = "solve";
  k.doc = std::string("Solves A X = B for a random n x n matrix A (from the task's stream) by LU with partial "
                      "pivoting, or Cholesky when matrix = \"spd\", on the task's threads (threads_per_task). "
                      "Backend: ") +
          dense::backend_name() +
          ". Outputs are reproducible for a given threads_per_task; another value may change their last bits.";
  k.params = {
      {"n", ParamType::integer, std::int64_t{256}, 1, 4096, {}, "rows and columns of A"},
      {"nrhs", ParamType::integer, std::int64_t{1}, 1, 4096, {}, "columns of B (right-hand sides)"},
      {"matrix", ParamType::choice, std::string("general"), 0, 0, {"general", "spd"},
       "general: entries uniform in [-1, 1], solved by LU; spd: M M^T / n + I with such an M, solved by Cholesky"},
  };
  k.outputs = {{"backward_error", "|A X - B| / (|A| |X| + |B|) in the infinity norm: about 1e-16 for a stable solve"},
               {"solution_norm", "|X| in the infinity norm (largest row sum of |x_ij|)"}};
  k.cost_hint = [](const ParamSet& p, Rng&) {
    const auto n = static_cast<double>(p.integer("n"));
    return n * n * (n + static_cast<double>(p.integer("nrhs")));
  };
  k.evaluate = [](const ParamSet& p, Rng& rng, std::span<double> out) {
    const auto n = static_cast<Eigen::Index>(p.integer("n"));
    const bool spd = p.text("matrix") == "spd";
    Eigen::MatrixXd a = random_matrix(n, n, rng);
    if (spd) {
      a = dense::product(a, a.transpose()) / static_cast<double>(n);
      a.diagonal().array() += 1.0;
    }
    const Eigen::MatrixXd b = random_matrix(n, static_cast<Eigen::Index>(p.integer("nrhs")), rng);
    const Eigen::MatrixXd x = spd ? dense::solve_cholesky(a, b) : dense::solve_lu(a, b);
    Eigen::MatrixXd residual = b;
    dense::multiply_add(-1.0, a, x, residual);
    out[0] = norm_inf(residual) / (norm_inf(a) * norm_inf(x) + norm_inf(b));
    out[1] = norm_inf(x);
  };
  return k;
}

}  // namespace

void register_dense_kernels(KernelRegistry& registry) { registry.add(solve_kernel()); }

}  // namespace partita::launch

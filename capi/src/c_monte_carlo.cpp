// partita_mc_integrate: tasks of plain Monte Carlo integration over ranks
// and threads (map_reduce), each on its own random stream, combined in
// map_reduce's fixed tree, so the answer does not depend on the layout.
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "c_errors.hpp"
#include "c_runtime.hpp"
#include "partita/kernels/batch_means.hpp"
#include "partita/map_reduce.hpp"
#include "partita/rng.hpp"
#include "partita/error.hpp"

namespace {

namespace mc = partita::kernels::monte_carlo;

constexpr std::uint64_t no_task = std::numeric_limits<std::uint64_t>::max();

// The task estimates so far: their count, mean and sum of squared
// deviations (merged with Chan's formula), and the first task whose
// integrand failed, if any.
struct TaskMoments {
  double count = 0.0;
  double mean = 0.0;
  double m2 = 0.0;
  std::uint64_t failed_task = no_task;
  int failed_code = 0;
};

TaskMoments merge(const TaskMoments& a, const TaskMoments& b) {
  TaskMoments m;
  m.count = a.count + b.count;
  if (m.count > 0.0) {
    const double delta = b.mean - a.mean;
    m.mean = a.mean + delta * b.count / m.count;
    m.m2 = a.m2 + b.m2 + delta * delta * a.count * b.count / m.count;
  }
  const bool a_first = a.failed_task <= b.failed_task;
  m.failed_task = a_first ? a.failed_task : b.failed_task;
  m.failed_code = a_first ? a.failed_code : b.failed_code;
  return m;
}

}  // namespace

extern "C" partita_status partita_mc_integrate(const partita_runtime* runtime, partita_integrand f, void* user,
                                               int dim, const double* lower, const double* upper, uint64_t tasks,
                                               uint64_t samples_per_task, uint64_t seed, double confidence,
                                               partita_estimate* result) {
  using partita::c_api::require;
  return partita::c_api::guarded("partita_mc_integrate", [&] {
    const partita::Context& ctx = partita::c_api::context_of(runtime);
    require(reinterpret_cast<const void*>(f), "f");
    require(result, "result");
    require(lower, "lower");
    require(upper, "upper");
    if (dim < 1) throw partita::InvalidArgument("dim = " + std::to_string(dim) + ": must be >= 1");
    if (tasks < 2) throw partita::InvalidArgument("tasks = " + std::to_string(tasks) + ": must be >= 2 for an interval");
    if (samples_per_task < 1) throw partita::InvalidArgument("samples_per_task must be >= 1");
    if (!(confidence > 0.0 && confidence < 1.0)) throw partita::InvalidArgument("confidence must be in (0, 1)");
    const mc::Box box{std::vector<double>(lower, lower + dim), std::vector<double>(upper, upper + dim)};
    mc::validate(box);
    const double volume = box.volume();

    const TaskMoments all = partita::map_reduce(
        ctx, tasks,
        [&](std::uint64_t task) {
          partita::Rng rng(seed, task);
          std::vector<double> x(box.dim());
          double sum = 0.0;
          for (std::uint64_t i = 0; i < samples_per_task; ++i) {
            for (std::size_t d = 0; d < x.size(); ++d) x[d] = rng.uniform(box.lower[d], box.upper[d]);
            double value = 0.0;
            if (const int code = f(x.data(), dim, user, &value); code != 0) {
              return TaskMoments{0.0, 0.0, 0.0, task, code};
            }
            sum += value;
          }
          return TaskMoments{1.0, volume * sum / static_cast<double>(samples_per_task), 0.0, no_task, 0};
        },
        merge);
    if (all.failed_task != no_task) {
      throw partita::c_api::CallbackError("the integrand returned " + std::to_string(all.failed_code) +
                                          " in task " + std::to_string(all.failed_task));
    }
    const double n = static_cast<double>(tasks);
    const double std_error = std::sqrt(all.m2 / (n - 1.0) / n);
    const double t = mc::student_t_quantile(0.5 * (1.0 + confidence), n - 1.0);
    *result = {all.mean, std_error, all.mean - t * std_error, all.mean + t * std_error, tasks * samples_per_task};
  });
}

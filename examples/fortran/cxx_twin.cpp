// heat_and_dot.f90's computation through the C++ API, printing the same
// "name = value [bits]" lines: the Fortran program's numbers must have the
// same bits.
#include <mpi.h>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <vector>

#include <partita/kernels/reduce.hpp>
#include <partita/kernels/stencil.hpp>
#include <partita/partita.hpp>

namespace {

void show(const char* name, double value) {
  std::printf("%s = %.16E [%016llX]\n", name, value,
              static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(value)));
}

}  // namespace

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  {
    const partita::Runtime runtime({MPI_COMM_WORLD, 0});
    const partita::Context& ctx = runtime.context();
    const std::int64_t n = 100000, nx = 64, ny = 48, steps = 200;

    const std::int64_t first = n * ctx.rank() / ctx.size();
    const std::int64_t last = n * (ctx.rank() + 1) / ctx.size();
    std::vector<double> x, y;
    for (std::int64_t i = first; i < last; ++i) {
      x.push_back(1.0 / static_cast<double>(i + 1));
      y.push_back(static_cast<double>(i) * (i % 2 == 0 ? 1.0 : -1.0));
    }
    const double dot = partita::kernels::reduce::dot(ctx, x, y);

    partita::kernels::stencil::HeatOptions options;
    options.alpha = 0.25;
    options.threads = ctx.threads();
    partita::kernels::stencil::Heat2D heat(
        runtime.comm(), nx, ny, [](std::size_t row, std::size_t) { return row == 0 ? 1.0 : 0.0; }, options);
    const double max_change = heat.step(steps);
    const std::vector<double> field = heat.gather(0);
    if (ctx.rank() == 0) {
      show("dot", dot);
      show("heat max_change", max_change);
      show("heat center", field[(ny / 2) * nx + nx / 2]);
      show("heat sum", partita::kernels::reduce::sum(field));
    }
  }
  MPI_Finalize();
  return 0;
}

// The 2D Ising model on an L x L periodic lattice, Metropolis single-spin
// flips: a stand-alone program of the kind a command job runs once per task.
// It knows nothing of Partita: it takes its parameters as arguments, prints
// some progress and ends with ONE line of JSON, which the job reads as the
// task's outputs.
//
//   ising --temperature 2.0 --size 32 --sweeps 2000 --seed 7
//   ... progress lines ...
//   {"energy": -1.745, "magnetisation": 0.911, "specific_heat": 0.74, "converged": 1, "label": "ordered"}
//
// energy and magnetisation (|M|) are per spin, averaged over the sweeps after
// the burn-in (a quarter of them unless --burn-in says otherwise); the
// specific heat per spin is N (<e^2> - <e>^2) / T^2. The lattice starts
// ordered (all spins up), so a run below the critical temperature
// (T_c = 2 / ln(1 + sqrt 2) = 2.269) does not get stuck in striped domains.
// converged is 1 when the first and second half of the measured sweeps agree
// on the energy within three standard errors (from block averages).
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

struct Options {
  double temperature = 2.269;
  int size = 32;
  long sweeps = 2000;
  long burn_in = -1;  // -1: sweeps / 4
  std::uint64_t seed = 1;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "ising: %s\n"
               "usage: ising --temperature T [--size L] [--sweeps N] [--burn-in B] [--seed S]\n",
               why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") usage("2D Ising model, Metropolis; prints one JSON line at the end");
    if (i + 1 >= argc) usage(("missing the value of " + flag).c_str());
    const char* value = argv[++i];
    char* end = nullptr;
    errno = 0;
    if (flag == "--temperature") {
      o.temperature = std::strtod(value, &end);
    } else if (flag == "--size") {
      o.size = static_cast<int>(std::strtol(value, &end, 10));
    } else if (flag == "--sweeps") {
      o.sweeps = std::strtol(value, &end, 10);
    } else if (flag == "--burn-in") {
      o.burn_in = std::strtol(value, &end, 10);
    } else if (flag == "--seed") {
      o.seed = std::strtoull(value, &end, 10);
    } else {
      usage(("unknown option " + flag).c_str());
    }
    if (end == value || *end != '\0' || errno != 0) usage((flag + ": not a number: " + value).c_str());
  }
  if (!(o.temperature > 0)) usage("--temperature must be > 0");
  if (o.size < 2 || o.size > 4096) usage("--size must be in 2..4096");
  if (o.burn_in < 0) o.burn_in = o.sweeps / 4;
  if (o.sweeps - o.burn_in < 4) usage("--sweeps must leave at least 4 measured sweeps after --burn-in");
  return o;
}

// Mean and standard error of `x` from `blocks` block averages (the sweeps of
// a Markov chain are correlated, so the naive error would be too small).
void block_stats(const std::vector<double>& x, std::size_t from, std::size_t to, int blocks, double& mean,
                 double& error) {
  const std::size_t n = to - from, per = n / blocks;
  double sum = 0, sum2 = 0;
  for (int b = 0; b < blocks; ++b) {
    double block = 0;
    for (std::size_t k = from + b * per; k < from + (b + 1) * per; ++k) block += x[k];
    block /= static_cast<double>(per);
    sum += block;
    sum2 += block * block;
  }
  mean = sum / blocks;
  error = std::sqrt(std::max(0.0, sum2 / blocks - mean * mean) / (blocks - 1));
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const int L = o.size;
  const double n = static_cast<double>(L) * L;
  const double beta = 1.0 / o.temperature;
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);

  std::vector<signed char> spin(static_cast<std::size_t>(L) * L, 1);
  // A flip changes the energy by dE = 2 s (sum of the 4 neighbours), in
  // {-8, -4, 0, 4, 8}; only dE > 0 needs a draw: accept with exp(-beta dE).
  const double accept4 = std::exp(-4 * beta), accept8 = std::exp(-8 * beta);
  long energy = -2 * static_cast<long>(L) * L;  // all up: every bond -1
  long magnet = static_cast<long>(L) * L;

  std::printf("ising: L = %d, T = %g, %ld sweeps (%ld burn-in), seed %llu\n", L, o.temperature, o.sweeps, o.burn_in,
              static_cast<unsigned long long>(o.seed));
  std::vector<double> e_per_sweep, m_per_sweep;
  e_per_sweep.reserve(o.sweeps - o.burn_in);
  m_per_sweep.reserve(o.sweeps - o.burn_in);
  for (long sweep = 1; sweep <= o.sweeps; ++sweep) {
    for (int y = 0; y < L; ++y) {
      const int up = (y + L - 1) % L * L, down = (y + 1) % L * L, row = y * L;
      for (int x = 0; x < L; ++x) {
        const int left = (x + L - 1) % L, right = (x + 1) % L;
        const int s = spin[row + x];
        const int neighbours = spin[up + x] + spin[down + x] + spin[row + left] + spin[row + right];
        const int dE = 2 * s * neighbours;
        if (dE <= 0 || uniform(rng) < (dE == 4 ? accept4 : accept8)) {
          spin[row + x] = static_cast<signed char>(-s);
          energy += dE;
          magnet -= 2 * s;
        }
      }
    }
    if (sweep > o.burn_in) {
      e_per_sweep.push_back(static_cast<double>(energy) / n);
      m_per_sweep.push_back(std::abs(static_cast<double>(magnet)) / n);
    }
    if (sweep % (o.sweeps / 4 > 0 ? o.sweeps / 4 : 1) == 0) {
      std::printf("sweep %ld/%ld: e = %.4f, |m| = %.4f%s\n", sweep, o.sweeps, static_cast<double>(energy) / n,
                  std::abs(static_cast<double>(magnet)) / n, sweep <= o.burn_in ? " (burn-in)" : "");
    }
  }

  const std::size_t measured = e_per_sweep.size(), half = measured / 2;
  double e_mean = 0, e2_mean = 0, m_mean = 0;
  for (std::size_t k = 0; k < measured; ++k) {
    e_mean += e_per_sweep[k];
    e2_mean += e_per_sweep[k] * e_per_sweep[k];
    m_mean += m_per_sweep[k];
  }
  e_mean /= static_cast<double>(measured);
  e2_mean /= static_cast<double>(measured);
  m_mean /= static_cast<double>(measured);
  const double specific_heat = n * std::max(0.0, e2_mean - e_mean * e_mean) * beta * beta;
  double first = 0, first_error = 0, second = 0, second_error = 0;
  const int blocks = static_cast<int>(std::min<std::size_t>(10, half));
  block_stats(e_per_sweep, 0, half, blocks, first, first_error);
  block_stats(e_per_sweep, half, 2 * half, blocks, second, second_error);
  const bool converged = std::abs(first - second) <= 3 * std::hypot(first_error, second_error) + 1e-3;
  std::printf("halves: e = %.4f +- %.4f and %.4f +- %.4f\n", first, first_error, second, second_error);
  std::printf("{\"energy\": %.6f, \"magnetisation\": %.6f, \"specific_heat\": %.6f, \"converged\": %d, "
              "\"label\": \"%s\"}\n",
              e_mean, m_mean, specific_heat, converged ? 1 : 0, m_mean > 0.5 ? "ordered" : "disordered");
  return 0;
}

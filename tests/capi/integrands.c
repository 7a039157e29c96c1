/* Integrands written in C, so the test also proves partita/c/partita.h is
 * valid C and its callbacks are plain C functions. */
#include <partita/c/partita.h>

/* x0^2 + x1^2 + ...: over [0, 1]^d its integral is d / 3. */
int sum_of_squares(const double* x, int dim, void* user, double* value) {
  (void)user;
  double sum = 0.0;
  for (int d = 0; d < dim; ++d) sum += x[d] * x[d];
  *value = sum;
  return 0;
}

/* Fails (returns 7) once x0 exceeds the threshold *user points to. */
int fails_above(const double* x, int dim, void* user, double* value) {
  (void)dim;
  *value = x[0];
  return x[0] > *(const double*)user ? 7 : 0;
}

/* Heat initial values: the top edge at 1, everything else 0. */
int hot_top(uint64_t row, uint64_t col, void* user, double* value) {
  (void)col;
  (void)user;
  *value = row == 0 ? 1.0 : 0.0;
  return 0;
}

/* Fails (returns 5) at one point. */
int fails_at_center(uint64_t row, uint64_t col, void* user, double* value) {
  (void)user;
  *value = 0.0;
  return row == 10 && col == 10 ? 5 : 0;
}

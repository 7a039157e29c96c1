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

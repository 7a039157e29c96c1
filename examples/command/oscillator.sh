#!/bin/sh
# A damped harmonic oscillator, x'' = -omega^2 x - 2 gamma x', integrated
# with semi-implicit (symplectic) Euler steps in awk: a command task that
# needs nothing but /bin/sh and awk. It prints progress, then its results as
# name=value lines (the job reads them with outputs_from = "stdout-keyvalue"):
#
#   period     mean time between upward zero crossings (0 if fewer than two)
#   expected   2 pi / sqrt(omega^2 - gamma^2), the exact damped period (0 if none)
#   crossings  how many upward zero crossings there were
#   energy     what is left of the starting energy, as a fraction
#   regime     underdamped, critical or overdamped
#
#   ./oscillator.sh --omega 1 --damping 0.1 [--dt 0.001] [--time 60]
set -eu

omega=1 damping=0 dt=0.001 time=60
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || { echo "oscillator.sh: missing the value of $1" >&2; exit 2; }
  case $1 in
    --omega) omega=$2 ;;
    --damping) damping=$2 ;;
    --dt) dt=$2 ;;
    --time) time=$2 ;;
    *) echo "oscillator.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done

echo "oscillator: omega = $omega, damping = $damping, dt = $dt, until t = $time"
awk -v w="$omega" -v g="$damping" -v dt="$dt" -v T="$time" 'BEGIN {
  if (w <= 0 || g < 0 || dt <= 0 || T <= 0) { print "oscillator.sh: need omega > 0, damping >= 0, dt > 0, time > 0" > "/dev/stderr"; exit 2 }
  x = 1; v = 0; e0 = 0.5 * w * w
  steps = int(T / dt); crossings = 0; first = 0; last = 0
  for (k = 1; k <= steps; k++) {
    v += (-w * w * x - 2 * g * v) * dt
    xn = x + v * dt
    if (x < 0 && xn >= 0) {          # upward zero crossing, placed by linear interpolation
      t = (k - 1 + x / (x - xn)) * dt
      if (crossings == 0) first = t
      last = t; crossings++
    }
    x = xn
    if (k % int(steps / 4) == 0) printf "t = %g: x = %.6f\n", k * dt, x
  }
  period = crossings >= 2 ? (last - first) / (crossings - 1) : 0
  d = w * w - g * g
  expected = d > 0 ? 2 * 3.14159265358979 / sqrt(d) : 0
  regime = g < w ? "underdamped" : (g == w ? "critical" : "overdamped")
  printf "period=%.10g\nexpected=%.10g\ncrossings=%d\nenergy=%.10g\nregime=%s\n",
         period, expected, crossings, (0.5 * v * v + 0.5 * w * w * x * x) / e0, regime
}'

# Spack recipe for Partita. Copy packaging/spack into a Spack repository
# (spack repo add packaging/spack) and: spack install partita
from spack.package import *


class Partita(CMakePackage):
    """Repeated computations (sweeps, Monte Carlo ensembles, task farms) over
    MPI ranks x OpenMP threads, with a crash-safe journal, resumable runs and
    a library of hybrid kernels (dense, stencil, n-body, reproducible
    reductions) for C++, C and Fortran codes."""

    homepage = "https://example.org/partita"
    git = "https://example.org/partita.git"
    maintainers("partita-team")

    version("main", branch="main")
    version("0.1.0", tag="v0.1.0")

    variant("launcher", default=True, description="Build the partita command (job files, sweeps, journal)")
    variant("blas", default=True, description="Dense kernel on OpenBLAS instead of Eigen's own products")

    depends_on("cmake@3.25:", type="build")
    depends_on("mpi@3.1:")
    depends_on("eigen@3.3:")
    depends_on("random123")
    depends_on("openblas", when="+blas")
    depends_on("fmt@9:", when="+launcher")
    depends_on("toml11@3.7:", when="+launcher")
    depends_on("cli11@2.1:", when="+launcher")
    depends_on("googletest", type="test")

    def cmake_args(self):
        return [
            self.define_from_variant("PARTITA_BUILD_LAUNCHER", "launcher"),
            self.define("PARTITA_DENSE_BLAS", "OpenBLAS" if self.spec.satisfies("+blas") else "none"),
            self.define("PARTITA_BUILD_TESTS", self.run_tests),
            self.define("PARTITA_BUILD_EXAMPLES", False),
            self.define("PARTITA_BUILD_BENCH", False),
        ]

    def setup_run_environment(self, env):
        env.set("PARTITA_ROOT", self.prefix)

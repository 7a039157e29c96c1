# Chooses the backend of partita::kernels::dense at configure time:
#   -DPARTITA_DENSE_BLAS=auto      (default) OpenBLAS when found, else none
#   -DPARTITA_DENSE_BLAS=OpenBLAS  OpenBLAS or a configure error
#   -DPARTITA_DENSE_BLAS=none      Eigen's own products and factorisations
# Why a BLAS at all: measured on the development machine, Eigen 3.4 reached
# 0.72 of OpenBLAS's dgemm on 1 thread and 0.53 on 2 (n = 2048); the target
# is 0.9 (bench/README.md, bench-dense).
# Sets PARTITA_DENSE_BACKEND (OpenBLAS or none) for the kernels target, the
# package config and the pkg-config file.
set(PARTITA_DENSE_BLAS auto CACHE STRING "Backend of the dense kernel: auto, OpenBLAS or none")
set_property(CACHE PARTITA_DENSE_BLAS PROPERTY STRINGS auto OpenBLAS none)

set(PARTITA_DENSE_BACKEND none)
if(NOT PARTITA_DENSE_BLAS MATCHES "^(auto|OpenBLAS|none)$")
  message(FATAL_ERROR "PARTITA_DENSE_BLAS = '${PARTITA_DENSE_BLAS}': use auto, OpenBLAS or none")
endif()

if(NOT PARTITA_DENSE_BLAS STREQUAL "none")
  # FindBLAS reads BLA_VENDOR; keep whatever a parent project set.
  set(partita_saved_bla_vendor "${BLA_VENDOR}")
  set(BLA_VENDOR OpenBLAS)
  find_package(BLAS QUIET)
  set(BLA_VENDOR "${partita_saved_bla_vendor}")

  set(partita_openblas_usable FALSE)
  if(BLAS_FOUND)
    # The kernel needs LAPACK's factorisations (OpenBLAS carries them) and
    # OpenBLAS's thread-count calls, not only BLAS.
    include(CheckFunctionExists)
    set(CMAKE_REQUIRED_LIBRARIES BLAS::BLAS)
    set(CMAKE_REQUIRED_QUIET ON)
    check_function_exists(dgetrf_ PARTITA_OPENBLAS_HAS_LAPACK)
    check_function_exists(openblas_set_num_threads PARTITA_OPENBLAS_HAS_THREAD_CONTROL)
    unset(CMAKE_REQUIRED_LIBRARIES)
    unset(CMAKE_REQUIRED_QUIET)
    if(PARTITA_OPENBLAS_HAS_LAPACK AND PARTITA_OPENBLAS_HAS_THREAD_CONTROL)
      set(partita_openblas_usable TRUE)
    endif()
  endif()

  if(partita_openblas_usable)
    set(PARTITA_DENSE_BACKEND OpenBLAS)
  elseif(PARTITA_DENSE_BLAS STREQUAL "OpenBLAS")
    message(FATAL_ERROR "PARTITA_DENSE_BLAS = OpenBLAS, but no usable OpenBLAS was found (it needs "
                        "dgetrf_ and openblas_set_num_threads; found: '${BLAS_LIBRARIES}'). Install "
                        "libopenblas-dev (scripts/install-deps.sh), point CMAKE_PREFIX_PATH at it, "
                        "or configure with -DPARTITA_DENSE_BLAS=none")
  endif()
endif()
message(STATUS "Dense kernel backend: ${PARTITA_DENSE_BACKEND} (PARTITA_DENSE_BLAS=${PARTITA_DENSE_BLAS})")

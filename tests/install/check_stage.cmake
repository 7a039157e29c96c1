# The staged install holds the package files a consumer needs, and exports no
# build helper (warnings, test support) that would leak into a consumer.
#   cmake -DSTAGE=... -DLIBDIR=... -DINCLUDEDIR=... -DVERSION=... -P check_stage.cmake
set(required
  ${LIBDIR}/cmake/Partita/PartitaConfig.cmake
  ${LIBDIR}/cmake/Partita/PartitaConfigVersion.cmake
  ${LIBDIR}/cmake/Partita/PartitaTargets.cmake
  ${LIBDIR}/cmake/Partita/FindRandom123.cmake
  ${LIBDIR}/cmake/Partita/PartitaForeignLanguage.cmake
  ${LIBDIR}/pkgconfig/partita.pc
  ${LIBDIR}/pkgconfig/partita-c.pc
  ${LIBDIR}/libpartita_engine.a
  ${LIBDIR}/libpartita_kernels.a
  ${LIBDIR}/libpartita_c.a
  ${INCLUDEDIR}/partita/c/partita.h
  bin/partita
  share/modulefiles/partita/${VERSION}
  share/doc/Partita/README.md
  share/doc/Partita/examples/fortran/heat_and_dot.f90
  share/doc/Partita/examples/c/heat_and_sum.c
  ${INCLUDEDIR}/partita/version.hpp
  ${INCLUDEDIR}/partita/partita.hpp
  ${INCLUDEDIR}/partita/agree.hpp
  ${INCLUDEDIR}/partita/detail/parallel_for.hpp
  ${INCLUDEDIR}/partita/kernels/monte_carlo.hpp
  ${INCLUDEDIR}/partita/kernels/stencil.hpp

  ${INCLUDEDIR}/partita/kernels/dense.hpp
  ${INCLUDEDIR}/partita/kernels/nbody.hpp)
set(missing)
foreach(file IN LISTS required)
  if(NOT EXISTS "${STAGE}/${file}")
    list(APPEND missing ${file})
  endif()
endforeach()
if(missing)
  list(JOIN missing "\n  " missing)
  message(FATAL_ERROR "missing from ${STAGE}:\n  ${missing}")
endif()

file(READ "${STAGE}/${INCLUDEDIR}/partita/version.hpp" version_header)
if(NOT version_header MATCHES "\"${VERSION}\"")
  message(FATAL_ERROR "installed version.hpp does not say ${VERSION}")
endif()

file(GLOB targets "${STAGE}/${LIBDIR}/cmake/Partita/PartitaTargets*.cmake")
foreach(file IN LISTS targets)
  file(READ "${file}" text)
  # Only Partita::c, Partita::engine and Partita::kernels are ours to export.
  string(REGEX MATCHALL "add_library\\(Partita::[A-Za-z0-9_]+" exported "${text}")
  list(SORT exported)
  if(exported AND NOT exported STREQUAL "add_library(Partita::c;add_library(Partita::engine;add_library(Partita::kernels")
    message(FATAL_ERROR "${file} exports ${exported}; expected only Partita::c, Partita::engine and Partita::kernels")
  endif()
  if(text MATCHES "warnings|gtest|GTest")
    message(FATAL_ERROR "${file} mentions a build or test helper")
  endif()
  # OpenMP reaches a consumer as a link-only dependency of the static engine,
  # never as compile flags.
  if(text MATCHES "OpenMP::OpenMP_CXX" AND NOT text MATCHES "\\$<LINK_ONLY:OpenMP::OpenMP_CXX>")
    message(FATAL_ERROR "${file} passes OpenMP::OpenMP_CXX on beyond linking")
  endif()
endforeach()
message(STATUS "staged tree at ${STAGE} is complete")

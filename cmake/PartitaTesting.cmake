# Test helpers, build-only and never exported.
#
# The environment every test that starts mpiexec runs in. These are test
# properties, not flags baked into commands (flags would break under MPICH):
# root is allowed, more ranks than cores is allowed, ranks do not bind (so
# OMP_NUM_THREADS threads really get CPUs at 1 or 2 ranks) and an idle rank
# yields its core instead of spinning. Placement warnings are off: the tests
# oversubscribe on purpose (the warnings have their own test, which unsets it).
set(PARTITA_MPI_TEST_ENV
  OMPI_ALLOW_RUN_AS_ROOT=1
  OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  OMPI_MCA_rmaps_base_oversubscribe=1
  OMPI_MCA_hwloc_base_binding_policy=none
  OMPI_MCA_mpi_yield_when_idle=1
  PARTITA_NO_WARNINGS=1)

# partita_discover_gtests(TARGET PREFIX p LABEL l [PROCESSORS n] [TIMEOUT s])
# Registers each TEST of a GoogleTest executable as its own ctest entry
# p.<Suite>.<Test>, run in PARTITA_MPI_TEST_ENV. ENVIRONMENT is set apart:
# gtest_discover_tests (CMake 3.25) flattens PROPERTIES into one list, so a
# list-valued ENVIRONMENT would keep only its first entry. The include file
# runs after the discovered tests are added and sets the whole list.
function(partita_discover_gtests target)
  cmake_parse_arguments(arg "" "PREFIX;LABEL;PROCESSORS;TIMEOUT" "" ${ARGN})
  if(NOT arg_PROCESSORS)
    set(arg_PROCESSORS 1)
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 60)
  endif()
  # NO_PRETTY_VALUES: parameterised tests keep their own generated names.
  gtest_discover_tests(${target} TEST_PREFIX "${arg_PREFIX}." DISCOVERY_TIMEOUT 60 NO_PRETTY_VALUES
                       PROPERTIES TIMEOUT ${arg_TIMEOUT} LABELS ${arg_LABEL} PROCESSORS ${arg_PROCESSORS})
  set(env_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_environment.cmake")
  file(WRITE "${env_file}"
    "if(${target}_TESTS)\n"
    "  set_tests_properties(\${${target}_TESTS} PROPERTIES ENVIRONMENT [==[${PARTITA_MPI_TEST_ENV}]==])\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${env_file}")
endfunction()

# partita_add_unit_test(NAME SOURCES ... [LIBS ...])
# A GoogleTest executable without MPI; each TEST becomes its own ctest entry.
function(partita_add_unit_test name)
  cmake_parse_arguments(arg "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE ${arg_LIBS} GTest::gtest GTest::gtest_main)
  partita_warnings(${name})
  partita_discover_gtests(${name} PREFIX unit LABEL unit)
endfunction()

# partita_add_mpi_test(NAME SOURCES ... [LIBS ...] [RANKS 1 2 3 4] [THREADS 1 2]
#                      [TIMEOUT seconds] [TCP])
# A GoogleTest executable run under mpiexec once per (ranks, threads) pair,
# as ctest entries mpi.NAME.npR.tT (and mpi.NAME.npR.tT.tcp with TCP, which
# makes ranks on one machine talk over TCP, with the pt2pt one-sided
# component, as they would across nodes).
# Every rank returns the same verdict; failures are reported with their rank
# (support/mpi_gtest_main.cpp). A hang is a failure through the timeout.
function(partita_add_mpi_test name)
  cmake_parse_arguments(arg "TCP" "TIMEOUT" "SOURCES;LIBS;RANKS;THREADS" ${ARGN})
  if(NOT arg_RANKS)
    set(arg_RANKS 1 2 3 4)
  endif()
  if(NOT arg_THREADS)
    set(arg_THREADS 1 2)
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 120)
  endif()
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE ${arg_LIBS} partita_mpi_gtest_main)
  partita_warnings(${name})
  set(transports shm)
  if(arg_TCP)
    list(APPEND transports tcp)
  endif()
  foreach(ranks IN LISTS arg_RANKS)
    foreach(threads IN LISTS arg_THREADS)
      foreach(transport IN LISTS transports)
        set(test_name mpi.${name}.np${ranks}.t${threads})
        set(env ${PARTITA_MPI_TEST_ENV} OMP_NUM_THREADS=${threads})
        if(transport STREQUAL "tcp")
          string(APPEND test_name .tcp)
          list(APPEND env OMPI_MCA_btl=self,tcp OMPI_MCA_osc=pt2pt)
        endif()
        add_test(NAME ${test_name}
                 COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${ranks} ${MPIEXEC_PREFLAGS}
                         $<TARGET_FILE:${name}> ${MPIEXEC_POSTFLAGS})
        math(EXPR cpus "${ranks} * ${threads}")
        set_tests_properties(${test_name} PROPERTIES
          ENVIRONMENT "${env}" TIMEOUT ${arg_TIMEOUT} PROCESSORS ${cpus} LABELS mpi)
      endforeach()
    endforeach()
  endforeach()
endfunction()

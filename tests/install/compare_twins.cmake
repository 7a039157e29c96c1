# Runs the Fortran example and its C++ twin under mpiexec and requires the
# same "name = value [bits]" lines from both, by name and bits.
#   cmake -DMPIEXEC=mpiexec -DNUMPROC_FLAG=-n -DFORTRAN=... -DTWIN=... -P compare_twins.cmake
function(run_and_collect program out_var)
  execute_process(COMMAND ${MPIEXEC} ${NUMPROC_FLAG} 2 ${program} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  TIMEOUT 100)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${program} exited with ${rc}\n--- stdout ---\n${out}\n--- stderr ---\n${err}")
  endif()
  string(REGEX MATCHALL "[a-z_ ]+ = [^\n]*\\[[0-9A-F]+\\]" lines "${out}")
  set(pairs)
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^ *([a-z_ ]+[a-z_]) = .*\\[([0-9A-F]+)\\]$" "\\1=\\2" pair "${line}")
    list(APPEND pairs "${pair}")
  endforeach()
  list(LENGTH pairs count)
  if(count LESS 4)
    message(FATAL_ERROR "${program} printed ${count} numbers, expected 4:\n${out}")
  endif()
  message(STATUS "${program}:\n${out}")
  set(${out_var} "${pairs}" PARENT_SCOPE)
endfunction()

run_and_collect(${FORTRAN} fortran)
run_and_collect(${TWIN} twin)
if(NOT fortran STREQUAL twin)
  message(FATAL_ERROR "the Fortran program and its C++ twin differ:\n  Fortran: ${fortran}\n  C++:     ${twin}")
endif()
message(STATUS "Fortran and C++ agree bit for bit: ${fortran}")

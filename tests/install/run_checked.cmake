# Runs one command for a ctest entry and checks BOTH its exit status and its
# output (ctest's PASS_REGULAR_EXPRESSION alone ignores the exit status).
#
#   cmake [-DCLEAN=dir] [-DEXPECT=regex] [-DFORBID=regex] -P run_checked.cmake -- command args...
#
# CLEAN is removed first, so a configure or an install really starts fresh.
# FORBID fails the test if the output matches it.
set(command)
set(seen_separator FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  if(seen_separator)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif(CMAKE_ARGV${i} STREQUAL "--")
    set(seen_separator TRUE)
  endif()
endforeach()
list(LENGTH command length)
if(length EQUAL 0)
  message(FATAL_ERROR "run_checked.cmake: no command after --")
endif()

if(CLEAN)
  file(REMOVE_RECURSE "${CLEAN}")
endif()

list(JOIN command " " shown)
message(STATUS "running: ${shown}")
execute_process(COMMAND ${command} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${out}")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "exited with ${status}: ${shown}")
endif()
if(DEFINED EXPECT AND NOT out MATCHES "${EXPECT}")
  message(FATAL_ERROR "output does not match '${EXPECT}'")
endif()
if(DEFINED FORBID AND out MATCHES "${FORBID}")
  message(FATAL_ERROR "output matches the forbidden '${FORBID}'")
endif()

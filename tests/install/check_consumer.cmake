# After configuring examples/link-your-code: Partita was found in the staged
# tree, Random123 through the finder installed beside Partita's config, and
# the consumer's compile lines carry no -fopenmp.
#   cmake -DSTAGE=... -DAPP=... -DLIBDIR=... -P check_consumer.cmake
file(STRINGS "${APP}/CMakeCache.txt" partita_dir REGEX "^Partita_DIR:")
string(REGEX REPLACE "^[^=]*=" "" partita_dir "${partita_dir}")
file(REAL_PATH "${partita_dir}" found)
file(REAL_PATH "${STAGE}/${LIBDIR}/cmake/Partita" expected)
if(NOT found STREQUAL expected)
  message(FATAL_ERROR "Partita_DIR is '${partita_dir}', not the staged ${expected}")
endif()

file(STRINGS "${APP}/CMakeCache.txt" random123 REGEX "^Random123_INCLUDE_DIR:")
if(NOT random123 OR random123 MATCHES "NOTFOUND")
  message(FATAL_ERROR "Random123 was not found through the shipped FindRandom123.cmake")
endif()

file(READ "${APP}/compile_commands.json" commands)
if(NOT commands MATCHES "main\\.cpp")
  message(FATAL_ERROR "compile_commands.json has no entry for main.cpp")
endif()
if(commands MATCHES "-fopenmp")
  message(FATAL_ERROR "the consumer compiles with -fopenmp: a public header or a "
                      "compile option of an exported target needs OpenMP")
endif()
message(STATUS "consumer uses ${found}, ${random123}, and no -fopenmp")

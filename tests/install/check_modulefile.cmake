# The staged modulefile, loaded by check_modulefile.tcl, points at the stage:
# its PATH holds the partita command, CMAKE_PREFIX_PATH the CMake package,
# PKG_CONFIG_PATH partita.pc.
#   cmake -DTCLSH=... -DSTAGE=... -DLIBDIR=... -DVERSION=... -P check_modulefile.cmake
set(modulefile ${STAGE}/share/modulefiles/partita/${VERSION})
execute_process(COMMAND ${TCLSH} ${CMAKE_CURRENT_LIST_DIR}/check_modulefile.tcl ${modulefile}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "loading ${modulefile} failed: ${err}")
endif()
file(REAL_PATH "${STAGE}" stage)
foreach(check "PATH=${stage}/bin" "CMAKE_PREFIX_PATH=${stage}" "PKG_CONFIG_PATH=${stage}/${LIBDIR}/pkgconfig"
              "PARTITA_ROOT=${stage}")
  string(FIND "${out}" "${check}\n" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the modulefile does not set ${check}; it sets:\n${out}")
  endif()
endforeach()
foreach(file bin/partita ${LIBDIR}/cmake/Partita/PartitaConfig.cmake ${LIBDIR}/pkgconfig/partita.pc)
  if(NOT EXISTS ${stage}/${file})
    message(FATAL_ERROR "the modulefile's prefix has no ${file}")
  endif()
endforeach()
message(STATUS "the modulefile points at ${stage}:\n${out}")

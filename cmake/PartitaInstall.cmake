# Installs the libraries as the CMake package Partita (targets
# Partita::engine, Partita::kernels and Partita::c), with a version file and
# pkg-config files (partita for C++, partita-c for C and Fortran). Build
# helpers (warnings, test support) are never exported.
include(CMakePackageConfigHelpers)

set(PARTITA_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Partita)

install(TARGETS partita_engine partita_kernels partita_c
        EXPORT PartitaTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT PartitaTargets NAMESPACE Partita:: DESTINATION ${PARTITA_CMAKE_DIR})
export(EXPORT PartitaTargets NAMESPACE Partita:: FILE ${PROJECT_BINARY_DIR}/PartitaTargets.cmake)

configure_package_config_file(cmake/PartitaConfig.cmake.in ${PROJECT_BINARY_DIR}/PartitaConfig.cmake
                              INSTALL_DESTINATION ${PARTITA_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/PartitaConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
# The build-tree config (export() above) needs the finder beside it too.
configure_file(cmake/FindRandom123.cmake ${PROJECT_BINARY_DIR}/FindRandom123.cmake COPYONLY)
# The C++ runtime that a C or Fortran driver must add to link the archives:
# what the C++ compiler links implicitly and the C compiler does not.
set(PARTITA_CXX_RUNTIME_LIBRARIES ${CMAKE_CXX_IMPLICIT_LINK_LIBRARIES})
if(CMAKE_C_IMPLICIT_LINK_LIBRARIES)
  list(REMOVE_ITEM PARTITA_CXX_RUNTIME_LIBRARIES ${CMAKE_C_IMPLICIT_LINK_LIBRARIES})
endif()
list(REMOVE_DUPLICATES PARTITA_CXX_RUNTIME_LIBRARIES)
configure_file(cmake/PartitaForeignLanguage.cmake.in ${PROJECT_BINARY_DIR}/PartitaForeignLanguage.cmake @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/PartitaConfig.cmake ${PROJECT_BINARY_DIR}/PartitaConfigVersion.cmake
              ${PROJECT_BINARY_DIR}/PartitaForeignLanguage.cmake cmake/FindRandom123.cmake
        DESTINATION ${PARTITA_CMAKE_DIR})

# The .pc file locates the prefix from its own directory: the prefix given at
# configure time is wrong after `cmake --install --prefix DIR`.
file(RELATIVE_PATH PARTITA_PC_PREFIX_FROM_PCFILEDIR
     ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" PARTITA_PC_PREFIX_FROM_PCFILEDIR "${PARTITA_PC_PREFIX_FROM_PCFILEDIR}")
# The dense kernel's BLAS, when it has one: the libraries are static, so a
# pkg-config consumer links it too.
set(PARTITA_PC_DENSE_LIBS "")
if(PARTITA_DENSE_BACKEND STREQUAL "OpenBLAS")
  foreach(library IN LISTS BLAS_LIBRARIES)
    if(library MATCHES "^/")
      get_filename_component(directory "${library}" DIRECTORY)
      get_filename_component(name "${library}" NAME_WE)
      string(REGEX REPLACE "^lib" "" name "${name}")
      string(APPEND PARTITA_PC_DENSE_LIBS " -L${directory} -l${name}")
    else()
      string(APPEND PARTITA_PC_DENSE_LIBS " ${library}")
    endif()
  endforeach()
  string(STRIP "${PARTITA_PC_DENSE_LIBS}" PARTITA_PC_DENSE_LIBS)
endif()
set(PARTITA_PC_CXX_RUNTIME_LIBS "")
foreach(library IN LISTS PARTITA_CXX_RUNTIME_LIBRARIES)
  string(APPEND PARTITA_PC_CXX_RUNTIME_LIBS " -l${library}")
endforeach()
string(STRIP "${PARTITA_PC_CXX_RUNTIME_LIBS}" PARTITA_PC_CXX_RUNTIME_LIBS)
# partita.pc for C++ programs; partita-c.pc for C and Fortran ones, which
# must not get -std=c++20 and must get the C++ runtime.
configure_file(cmake/partita.pc.in ${PROJECT_BINARY_DIR}/partita.pc @ONLY)
configure_file(cmake/partita-c.pc.in ${PROJECT_BINARY_DIR}/partita-c.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/partita.pc ${PROJECT_BINARY_DIR}/partita-c.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# Like other HPC software: a modulefile (Environment Modules and Lmod) that
# puts the command on PATH and the package on CMAKE_PREFIX_PATH and
# PKG_CONFIG_PATH, found by `module use PREFIX/share/modulefiles`; the README
# and examples as documentation.
set(PARTITA_MODULE_DIR ${CMAKE_INSTALL_DATADIR}/modulefiles)
# From PREFIX/share/modulefiles/partita up to PREFIX.
file(RELATIVE_PATH PARTITA_MODULE_UP ${CMAKE_INSTALL_PREFIX}/${PARTITA_MODULE_DIR}/partita ${CMAKE_INSTALL_PREFIX})
configure_file(packaging/modulefile/partita.tcl.in ${PROJECT_BINARY_DIR}/modulefile/${PROJECT_VERSION} @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/modulefile/${PROJECT_VERSION} DESTINATION ${PARTITA_MODULE_DIR}/partita)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

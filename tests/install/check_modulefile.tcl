# Loads the staged modulefile with the few commands it uses defined here (no
# module system needed) and prints what it would set: PATH must lead to the
# staged partita command, CMAKE_PREFIX_PATH and PKG_CONFIG_PATH to the stage.
#   tclsh check_modulefile.tcl MODULEFILE
set ModulesCurrentModulefile [lindex $argv 0]
proc module-whatis {args} {}
proc conflict {args} {}
proc prepend-path {var value} { puts "$var=$value" }
proc setenv {var value} { puts "$var=$value" }
source $ModulesCurrentModulefile

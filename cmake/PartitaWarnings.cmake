# Warnings for our own targets. A function rather than an interface target:
# a linked helper target would leak into the exported link interface of the
# static libraries, and a consumer must never inherit our warnings (LLNL's
# BLT exported such a target and broke downstream builds).
function(partita_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow>)
endfunction()

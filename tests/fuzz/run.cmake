# One fuzz target's ctest: replays every input under REGRESSIONS (each once;
# any crash fails), then fuzzes for SECONDS from CORPUS plus what earlier runs
# found (kept in WORK/corpus). A crash fails the test and leaves its input in
# WORK/artifacts. Usage:
#   cmake -DFUZZER=<exe> -DCORPUS=<dir> -DREGRESSIONS=<dir> -DWORK=<dir>
#         -DSECONDS=<n> -P run.cmake
# Limits: no single allocation over 256 MB, no more than 256 MB resident
# (deserializing garbage must stay bounded by the input), 10 s per input.
set(limits -rss_limit_mb=256 -malloc_limit_mb=256 -timeout=10)
# (Sanitizer options: options.cpp, built into each target.)
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)

file(GLOB regressions ${REGRESSIONS}/*)
if(regressions)
  list(LENGTH regressions n)
  message(STATUS "replaying ${n} regression input(s) from ${REGRESSIONS}")
  execute_process(COMMAND ${FUZZER} ${limits} ${regressions} RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "a regression input from ${REGRESSIONS} fails again")
  endif()
endif()

execute_process(
  COMMAND ${FUZZER} ${limits} -max_total_time=${SECONDS} -print_final_stats=1
          -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus ${CORPUS}
  RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "${FUZZER} found a crash: its input is in ${WORK}/artifacts/ "
                      "(replay: ${FUZZER} FILE; keep it under tests/fuzz/regressions/)")
endif()

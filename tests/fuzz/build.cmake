# ctest's fuzz_build (normal build, another compiler than Clang): configures
# this tree with clang++ in BINARY (only once) and builds the fuzz targets
# there, one job at a time. Usage:
#   cmake -DSOURCE=<tree> -DBINARY=<build/fuzz> -DCLANGXX=<clang++> -P build.cmake
if(NOT EXISTS ${BINARY}/CMakeCache.txt)
  execute_process(
    COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${BINARY} -DCMAKE_CXX_COMPILER=${CLANGXX}
            -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOSSIP_FUZZ=ON -DGOSSIP_BUILD_TESTS=OFF
    RESULT_VARIABLE rc)
  if(rc)
    file(REMOVE ${BINARY}/CMakeCache.txt)
    message(FATAL_ERROR "configuring the fuzz build with ${CLANGXX} failed")
  endif()
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BINARY} --target gossip_fuzzers -j1
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building the fuzz targets failed")
endif()

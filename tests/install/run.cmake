# Installs the build tree into a fresh prefix, then builds and runs the
# out-of-tree application in app/ against it: once through
# find_package(caf-gossip), once through pkg-config alone.
#   -DBUILD=<build dir> -DAPP=<app sources> -DWORK=<scratch dir> -DCXX=<compiler>
#   [-DLAUNCHER=ccache]
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

function(expect text regex)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "expected '${regex}' in:\n${text}")
  endif()
endfunction()

set(prefix ${WORK}/prefix)
file(REMOVE_RECURSE ${WORK})
run(${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})
foreach(f include/gossip/local_cluster.hpp include/gossip/store.hpp lib/libgossip_actors.a
          lib/libgossip_protocols.a bin/gossip-node bin/gossip-ctl bin/gossip-cluster
          lib/cmake/caf-gossip/caf-gossip-config.cmake lib/cmake/caf-gossip/FindCAF.cmake
          lib/pkgconfig/caf-gossip.pc)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
# The installed apps run from there.
run(${prefix}/bin/gossip-node --help)
expect("${out}" "--seeds")

# find_package(caf-gossip): nothing from this tree but the prefix.
set(launcher "")
if(LAUNCHER)
  set(launcher -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()
run(${CMAKE_COMMAND} -S ${APP} -B ${WORK}/app -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_CXX_COMPILER=${CXX} ${launcher} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK}/app)
run(${WORK}/app/store-app)
expect("${out}" "store-app: merged greeting = 'hello'; protocols: .*push-pull")
run(${WORK}/app/cluster-app)
expect("${out}" "cluster-app: node 2 holds greeting = 'hello from node 0' \\(rounds: [0-9]+\\)")

# pkg-config: the prefix comes from where the .pc file lies.
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig)
run(pkg-config --variable=prefix caf-gossip)
string(STRIP "${out}" pc_prefix)
get_filename_component(pc_prefix "${pc_prefix}" REALPATH)
get_filename_component(real_prefix "${prefix}" REALPATH)
if(NOT pc_prefix STREQUAL real_prefix)
  message(FATAL_ERROR "pkg-config prefix '${pc_prefix}', expected '${real_prefix}'")
endif()
run(pkg-config --cflags --libs caf-gossip)
string(STRIP "${out}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${LAUNCHER} ${CXX} -std=c++17 -o ${WORK}/store-app-pc ${APP}/store_app.cpp ${flags})
run(${WORK}/store-app-pc)
expect("${out}" "store-app: merged greeting = 'hello'")

file(REMOVE_RECURSE ${WORK})
message(STATUS "installed, built and ran the out-of-tree app (CMake and pkg-config)")

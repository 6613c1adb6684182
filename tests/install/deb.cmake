# Builds the .deb with cpack from the build tree and checks what dpkg will
# see: its control fields (Depends names CAF's runtime and -dev packages) and
# that it carries the apps, headers, libraries and both packages' files.
#   -DBUILD=<build dir> -DWORK=<scratch dir>
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

function(expect what text regex)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: expected '${regex}' in:\n${text}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
run(cpack -G DEB --config ${BUILD}/CPackConfig.cmake -B ${WORK})
file(GLOB debs ${WORK}/caf-gossip_*.deb)
list(LENGTH debs n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one caf-gossip_*.deb in ${WORK}, found ${n}")
endif()
run(dpkg-deb -f ${debs} Package Version Architecture Depends)
set(control "${out}")
expect("control" "${control}" "Package: caf-gossip\n")
expect("control" "${control}" "Version: [0-9]+\\.[0-9]+\\.[0-9]+")
# Runtime libraries from the binaries (dpkg-shlibdeps), -dev for building.
foreach(dep "libcaf-core0\\.17" "libcaf-io0\\.17" "libcaf-openssl0\\.17" "libsqlite3-0"
            "libssl3" "libstdc\\+\\+6" "libcaf-dev \\(>= 0\\.17\\.6\\)" "libsqlite3-dev")
  expect("Depends" "${control}" "Depends:.*${dep}")
endforeach()
run(dpkg-deb -c ${debs})
foreach(f usr/bin/gossip-node usr/bin/gossip-ctl usr/bin/gossip-cluster
          usr/include/gossip/node.hpp usr/lib/libgossip_actors.a usr/lib/libgossip_protocols.a
          usr/lib/cmake/caf-gossip/caf-gossip-config.cmake usr/lib/cmake/caf-gossip/FindCAF.cmake
          usr/lib/pkgconfig/caf-gossip.pc)
  expect("contents" "${out}" "\\./${f}\n")
endforeach()
file(REMOVE_RECURSE ${WORK})
message(STATUS "caf-gossip .deb: control fields and contents as expected")

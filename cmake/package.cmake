# `cpack -G DEB` (run in the build directory): one caf-gossip .deb with what
# `cmake --install` installs, under /usr. Its Depends: the shared libraries the
# apps link (computed by dpkg-shlibdeps from the binaries: libcaf-*0.17, libssl3,
# libsqlite3-0, libstdc++ ...) and, for the headers and static libraries,
# the -dev packages an application building against them needs.
set(CPACK_PACKAGE_NAME caf-gossip)
set(CPACK_PACKAGE_VENDOR caf-gossip)
set(CPACK_PACKAGE_CONTACT "caf-gossip developers <dev@caf-gossip>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "gossip-protocol runtime on the C++ Actor Framework 0.17")
set(CPACK_PACKAGE_DESCRIPTION
    "Gossip protocols (push, pull, anti-entropy, rumor mongering, push-sum, SWIM) as CAF actors: the gossip-node, gossip-ctl, gossip-cluster and gossip-sim tools, and the headers, static libraries and CMake/pkg-config packages to build applications with.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Binaries and archives without their debug information (it is most of their size).
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcaf-dev (>= 0.17.6), libsqlite3-dev")
# gossip-cluster --netns runs ip(8).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS iproute2)
include(CPack)

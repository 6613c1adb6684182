# `cmake --install build --prefix P`: headers, the two libraries, the apps, a
# CMake package (find_package(caf-gossip) -> caf-gossip::actors and
# caf-gossip::protocols) and a pkg-config file. Every path is relative to the
# prefix, so the tree works wherever it is installed (also from the .deb).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(gossip_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/caf-gossip)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/protocols/include/ ${PROJECT_SOURCE_DIR}/actors/include/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS gossip_protocols gossip_actors EXPORT caf-gossip-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
# `--strip` (and cpack, CPACK_STRIP_FILES) strips only the executables; the
# archives' debug information is nine tenths of their 120 MB.
install(CODE "
  if(CMAKE_INSTALL_DO_STRIP)
    foreach(lib gossip_protocols gossip_actors)
      execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug
        \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/lib\${lib}.a\")
    endforeach()
  endif()")
install(TARGETS gossip-node gossip-ctl gossip-cluster gossip-sim gossip-bench gossip-demo
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(EXPORT caf-gossip-targets NAMESPACE caf-gossip:: DESTINATION ${gossip_cmake_dir})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/caf-gossip-config.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/caf-gossip-config.cmake
                              INSTALL_DESTINATION ${gossip_cmake_dir})
# 0.x: a minor version may break the API.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/caf-gossip-config-version.cmake
                                 COMPATIBILITY SameMinorVersion)
# Debian's libcaf-dev has no CMake package of its own: ours finds CAF for the
# user with the same FindCAF.cmake the build uses.
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/caf-gossip-config.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/caf-gossip-config-version.cmake
              ${CMAKE_CURRENT_LIST_DIR}/FindCAF.cmake
        DESTINATION ${gossip_cmake_dir})

# pkg-config: the prefix is found from the .pc file's own place (${pcfiledir}).
file(RELATIVE_PATH gossip_pc_up /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(${CMAKE_CURRENT_LIST_DIR}/caf-gossip.pc.in
               ${CMAKE_CURRENT_BINARY_DIR}/caf-gossip.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/caf-gossip.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

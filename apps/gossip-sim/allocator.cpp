// How jemalloc (gossip-sim's allocator, apps/CMakeLists.txt) serves a
// simulation: read by jemalloc when the process starts; MALLOC_CONF in the
// environment still overrides it.
//
// - thp, metadata_thp: its memory in transparent huge pages where the kernel
//   allows them (madvise), so the random walk over every node's state costs
//   fewer TLB misses.
// - dirty/muzzy_decay_ms -1: freed pages are kept for reuse, not handed back
//   to the kernel and faulted in again (zeroed) a moment later: a run frees
//   and allocates the same few blocks per message, round after round.
extern "C" {
// NOLINTNEXTLINE: the name is jemalloc's
const char* malloc_conf =
    "thp:always,metadata_thp:always,dirty_decay_ms:-1,muzzy_decay_ms:-1";
}

// The sanitizers' defaults for every fuzz target, so that a run by hand
// behaves as under ctest: UBSan findings stop the run with a stack trace, and
// ASan's quarantine stays small enough for -rss_limit_mb=256.
extern "C" const char* __asan_default_options() {
  return "quarantine_size_mb=16";
}

extern "C" const char* __ubsan_default_options() {
  return "print_stacktrace=1:halt_on_error=1";
}

// The sanitizers' settings, compiled into every program of a sanitized build (RECUR_SANITIZE), so
// ctest, mpirun and a developer at the shell all run with the same ones. The runtimes call these
// hooks at start-up; nothing else does.
//
// A suppression names a library, never recur's code, and says why: a report inside a library we
// do not build is not ours to fix.

extern "C" {

const char* __asan_default_options() {
  return "detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1";
}

const char* __ubsan_default_options() {
  return "print_stacktrace=1";
}

const char* __lsan_default_suppressions() {
  // Open MPI (and the hwloc and libevent it runs on) keeps allocations of MPI_Init until exit
  // and frees none of them at MPI_Finalize. Open MPI is built without frame pointers: only the
  // slow unwinder walks such a stack back into the library, so programs that start MPI run with
  // ASAN_OPTIONS=fast_unwind_on_malloc=0 (tests/CMakeLists.txt), which is too slow for the rest.
  return "leak:libmpi.so\n"
         "leak:libopen-pal.so\n"
         "leak:libopen-rte.so\n"
         "leak:libhwloc.so\n"
         "leak:libevent\n";
}

const char* __tsan_default_options() {
  return "halt_on_error=1:second_deadlock_stack=1";
}

const char* __tsan_default_suppressions() {
  // Open MPI's TCP transport takes its two locks in either order when it adds and removes peers
  // (mca_btl_tcp_add_procs, mca_btl_tcp_proc_remove), all inside the library.
  return "deadlock:mca_btl_tcp.so\n";
}

}  // extern "C"

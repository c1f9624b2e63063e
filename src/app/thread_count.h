#pragma once
// How many CPU threads a command may use, from its --threads flag.

namespace rb::app {

// 0 is every core; a negative count, or more than 8 per core (at least 64), is an InputError
// naming the flag (a typo there used to start thousands of threads, and -1 meant every core).
int resolve_thread_count(int requested, unsigned hardware_cores);

}  // namespace rb::app

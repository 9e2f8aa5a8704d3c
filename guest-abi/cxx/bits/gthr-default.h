/* Guests have one thread: libstdc++'s single-threaded gthreads, not the host's pthreads. */
#include <bits/gthr-single.h>

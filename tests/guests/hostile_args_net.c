/* hostile_args_net: hostile_args with a NIC "service" and a blk device "disk", so every
 * hypercall of the ABI reaches its module's checks (run with a TAP, in a network namespace). */
#define HOSTILE_DEVICES UK_DECLARE_NET(service); UK_DECLARE_BLK(disk);
#include "hostile_args.c"

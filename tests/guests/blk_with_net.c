/* blk_with_net: blk_probe declaring a net device "service" beside the blk device "disk",
 * so tests can pass a net device's handle to the blk hypercalls. */
#define BLK_PROBE_DEVICES UK_DECLARE_NET(service); UK_DECLARE_BLK(disk);
#include "blk_probe.c"

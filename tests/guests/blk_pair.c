/* blk_pair: blk_probe with two declared devices, "first" and "second", so tests see that
 * each handle reaches its own file and that every declared device must be attached. */
#define BLK_PROBE_DEVICES UK_DECLARE_BLK(first); UK_DECLARE_BLK(second);
#include "blk_probe.c"

/* hostile_args_blk: hostile_args with a blk device "disk", so blkinfo, blkread, blkwrite and
 * blkflush reach the blk module's checks. */
#define HOSTILE_DEVICES UK_DECLARE_BLK(disk);
#include "hostile_args.c"

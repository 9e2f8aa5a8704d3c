/* lidt: executes the privileged `lidt` with a zero IDT, then `ud2`. At CPL3 the lidt itself
 * faults (#GP). With --kvm-cpl0 it really loads the empty IDT, so the ud2 cannot be delivered
 * and the vCPU triple-faults. All in one asm block: no SSE, as CPL0 runs emulated on PVM. */
#include <ukmon/guest.h>

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    __asm__ volatile("sub $16, %%rsp\n\t"
                     "movq $0, (%%rsp)\n\t"
                     "movq $0, 8(%%rsp)\n\t"
                     "lidt (%%rsp)\n\t"
                     "ud2\n\t"
                     :
                     :
                     : "memory");
    return 1;
}

/* gdb_target: the guest the --gdb tests debug. gdb_add() is the function to break on, its
 * arguments and gdb_counter the variables to read and write; the guest prints what it
 * computed and halts with 42, so a test sees that it completed normally after debugging. */
#include <stdio.h>
#include <ukmon/guest.h>

volatile int gdb_counter;

__attribute__((noinline)) int gdb_add(int a, int b)
{
    int sum = a + b;
    gdb_counter += sum;
    return sum;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int total = 0;
    for (int i = 1; i <= 3; ++i)
        total += gdb_add(i, 10 * i);
    printf("total=%d counter=%d\n", total, gdb_counter);
    return total == 66 ? 42 : 1;
}

/* libgcc's outline atomics (in the host's libstdc++ objects the C++ runtime links) ask
 * getauxval(AT_HWCAP) once whether the CPU has LSE atomics. A guest has no auxiliary vector:
 * 0 says "no", and the helpers use the load/store-exclusive forms every ARMv8 CPU has. */
unsigned long __getauxval(unsigned long type);

unsigned long __getauxval(unsigned long type)
{
    (void)type;
    return 0;
}

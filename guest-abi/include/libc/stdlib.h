/* Heap and process control for guests. The heap spans the boot info's heap range. */
#ifndef UKMON_LIBC_STDLIB_H
#define UKMON_LIBC_STDLIB_H
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);
__attribute__((noreturn)) void abort(void);
__attribute__((noreturn)) void exit(int status);
long strtol(const char *__restrict s, char **__restrict end, int base);
unsigned long strtoul(const char *__restrict s, char **__restrict end, int base);
int atoi(const char *s);
#ifdef __cplusplus
}
#endif
#endif

/* syscalls.h — x86-64 system call numbers to names (table made at build time). */
#ifndef TMMSTAT_SYSCALLS_H
#define TMMSTAT_SYSCALLS_H

/*
 * "read", "futex"...; "-" for -1 (blocked outside a system call, a page
 * fault for instance); "syscall_N" for a number the table does not know.
 * The result stays valid until the next call.
 */
const char *syscall_name(int nr);

#endif /* TMMSTAT_SYSCALLS_H */

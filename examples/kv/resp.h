/* The Redis protocol (RESP2) request side, pure: a command as an array of bulk strings, or an
 * inline command (words on one line, what `telnet` users type). */
#ifndef KV_RESP_H
#define KV_RESP_H
#include <stddef.h>

#define RESP_MAX_ARGS 16
#define RESP_MAX_REQUEST 60000u /* a request must fit in one TCP window (lwIP's 64,240) */

struct resp_arg {
    const char *p;
    size_t len;
};

struct resp_cmd {
    int argc;
    struct resp_arg argv[RESP_MAX_ARGS];
    size_t length; /* bytes the command takes in the input */
};

/* 1: a command was parsed; 0: more input needed; -1: a protocol error (*error says what;
 * the connection should be answered with it and closed). */
int resp_parse(const char *buf, size_t len, struct resp_cmd *c, const char **error);

#endif

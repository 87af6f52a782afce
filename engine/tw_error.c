/* tw_error.c - status messages, exit codes and the error record (see tw_error.h). */
#include "tw_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const messages[] = {
#define TW_X_MSG(name, code, msg) msg,
    TW_STATUS_LIST(TW_X_MSG)
#undef TW_X_MSG
};

static const int exit_codes[] = {
#define TW_X_EXIT(name, code, msg) code,
    TW_STATUS_LIST(TW_X_EXIT)
#undef TW_X_EXIT
};

const char *tw_strerror(tw_status code) {
    if ((int)code < 0 || code >= TW_STATUS_COUNT) return "unknown status";
    return messages[code];
}

/* A message is one line whatever it quotes: a key or file name may hold a line break or
 * another control character (a quoted YAML key can), which would split it. */
static void one_line(char *msg) {
    for (unsigned char *c = (unsigned char *)msg; *c != '\0'; c++)
        if (*c < 0x20 || *c == 0x7F) *c = '?';
}

int tw_exit_code(tw_status code) {
    if ((int)code < 0 || code >= TW_STATUS_COUNT) return 1;
    return exit_codes[code];
}

tw_status tw_err_set(tw_err *err, tw_status code, const char *fmt, ...) {
    if (err == NULL) return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    one_line(err->msg);
    return code;
}

tw_status tw_err_at(tw_err *err, tw_status code, const char *file, int line, int col,
                    const char *key, const char *fmt, ...) {
    if (err == NULL) return code;
    err->code = code;
    size_t n = 0;
    err->msg[0] = '\0';
    if (file != NULL && file[0] != '\0') {
        int w = (line > 0) ? snprintf(err->msg, sizeof err->msg, "%s:%d:%d: ", file, line, col)
                           : snprintf(err->msg, sizeof err->msg, "%s: ", file);
        if (w > 0) n = (size_t)w < sizeof err->msg ? (size_t)w : sizeof err->msg - 1;
    }
    if (key != NULL && key[0] != '\0' && n < sizeof err->msg) {
        int w = snprintf(err->msg + n, sizeof err->msg - n, "%s: ", key);
        if (w > 0) n += (size_t)w < sizeof err->msg - n ? (size_t)w : sizeof err->msg - n - 1;
    }
    if (n < sizeof err->msg) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg + n, sizeof err->msg - n, fmt, ap);
        va_end(ap);
    }
    one_line(err->msg);
    return code;
}

void tw_err_clear(tw_err *err) {
    if (err == NULL) return;
    err->code = TW_OK;
    err->msg[0] = '\0';
}

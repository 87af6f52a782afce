/* tw_error.h - status codes and the error record every engine and model call fills.
 *
 * Library code never prints or exits: it returns a tw_status and, on failure, fills a
 * tw_err with one human-readable line. Only the program's main() prints it and turns the
 * status into an exit code with tw_exit_code(). The codes are defined once, in the
 * X-macro list below, so tw_strerror() and tw_exit_code() cannot drift from the enum.
 */
#ifndef TW_ERROR_H
#define TW_ERROR_H

#include <stddef.h>

/* X(name, exit code, message) */
#define TW_STATUS_LIST(X)                                                \
    X(TW_OK, 0, "success")                                               \
    X(TW_EUSAGE, 2, "bad command-line usage")                            \
    X(TW_ECONFIG, 2, "invalid scenario")                                 \
    X(TW_EDATA, 2, "invalid calibration data")                           \
    X(TW_EIO, 1, "input/output failure")                                 \
    X(TW_ENOMEM, 1, "out of memory")                                     \
    X(TW_ERUNTIME, 1, "runtime failure")

typedef enum {
#define TW_X_ENUM(name, code, msg) name,
    TW_STATUS_LIST(TW_X_ENUM)
#undef TW_X_ENUM
        TW_STATUS_COUNT
} tw_status;

#define TW_ERR_MSG_MAX 1024

/* One error: its status and a single line of text (no trailing newline). tw_err_set and
 * tw_err_at replace any control character the text would hold (a line break in a quoted
 * key, say) with '?', so that the line stays one line. */
typedef struct {
    tw_status code;
    char msg[TW_ERR_MSG_MAX];
} tw_err;

/* The fixed message of a status ("invalid scenario"); never NULL. */
const char *tw_strerror(tw_status code);

/* The process exit code for a status: 0 success, 2 bad usage or input, 1 runtime. */
int tw_exit_code(tw_status code);

/* Fill err (may be NULL) with code and a printf-style message; returns code. */
tw_status tw_err_set(tw_err *err, tw_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Fill err with "file:line:col: key: message" (line and col are 1-based; a NULL or empty
 * file, or line <= 0, drops the location; a NULL or empty key drops the key). Returns code. */
tw_status tw_err_at(tw_err *err, tw_status code, const char *file, int line, int col,
                    const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/* Reset err to TW_OK with an empty message. */
void tw_err_clear(tw_err *err);

#endif

/*
 * Loggers for the toolstack library, with the interface of Xen's
 * libxentoollog: a logger is a struct of three callbacks that programs may
 * implement themselves, plus a ready-made logger writing to a stdio stream.
 *
 * xc_interface_open() accepts NULL loggers; the library then logs nothing.
 * With a logger it reports failed calls at XTL_DEBUG and failed handle
 * opens at XTL_ERROR.
 */
#ifndef CLAIMSET_XENTOOLLOG_H
#define CLAIMSET_XENTOOLLOG_H

#include <stdarg.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility; its API is exported. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

/* Severity, least severe first; XTL_NONE is below every real level. */
typedef enum xentoollog_level {
    XTL_NONE,
    XTL_DEBUG,
    XTL_VERBOSE,
    XTL_DETAIL,
    XTL_PROGRESS,
    XTL_INFO,
    XTL_NOTICE,
    XTL_WARN,
    XTL_ERROR,
    XTL_CRITICAL,
    XTL_NUM_LEVELS
} xentoollog_level;

typedef struct xentoollog_logger xentoollog_logger;

/*
 * A logger.  vmessage: one message (errnoval is an errno value to append,
 * or -1 for none; context names the subsystem, may be NULL).  progress:
 * "done of total" for a long operation.  destroy: free the logger.  A
 * program's own logger embeds this struct first and casts.
 */
struct xentoollog_logger {
    void (*vmessage)(struct xentoollog_logger *logger, xentoollog_level level, int errnoval,
                     const char *context, const char *format, va_list al)
        __attribute__((format(printf, 5, 0)));
    void (*progress)(struct xentoollog_logger *logger, const char *context, const char *doing_what,
                     int percent, unsigned long done, unsigned long total);
    void (*destroy)(struct xentoollog_logger *logger);
};

/* Send a message through a logger (NULL logger: nothing happens). */
void xtl_log(struct xentoollog_logger *logger, xentoollog_level level, int errnoval,
             const char *context, const char *format, ...) __attribute__((format(printf, 5, 6)));
void xtl_logv(struct xentoollog_logger *logger, xentoollog_level level, int errnoval,
              const char *context, const char *format, va_list al)
    __attribute__((format(printf, 5, 0)));
/* Report progress; percent is computed from done and total. */
void xtl_progress(struct xentoollog_logger *logger, const char *context, const char *doing_what,
                  unsigned long done, unsigned long total);
/* Destroy a logger; NULL is harmless. */
void xtl_logger_destroy(struct xentoollog_logger *logger);
/* "debug", "error", ...; "unknown" for values out of range. */
const char *xtl_level_to_string(xentoollog_level level);

/*
 * The stdio logger: writes messages at or above min_level to f, one line
 * each, "context: message: strerror(errnoval)".  Returns NULL (errno set)
 * if memory runs out.  The stream is not closed on destroy.
 */
typedef struct xentoollog_logger_stdiostream xentoollog_logger_stdiostream;
#define XTL_STDIOSTREAM_SHOW_PID      01u
#define XTL_STDIOSTREAM_SHOW_DATE     02u
#define XTL_STDIOSTREAM_HIDE_PROGRESS 04u
xentoollog_logger_stdiostream *xtl_createlogger_stdiostream(FILE *f, xentoollog_level min_level,
                                                            unsigned flags);
void xtl_stdiostream_set_minlevel(xentoollog_logger_stdiostream *lg, xentoollog_level min_level);
void xtl_stdiostream_adjust_flags(xentoollog_logger_stdiostream *lg, unsigned set_flags,
                                  unsigned clear_flags);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* CLAIMSET_XENTOOLLOG_H */

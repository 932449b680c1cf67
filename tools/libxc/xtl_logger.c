/*
 * Loggers (xentoollog.h): dispatch through a logger's callbacks, and the
 * stdio logger.  Logging never changes errno, so a caller can log a
 * failure and still report its errno.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xentoollog.h>

struct xentoollog_logger_stdiostream {
    xentoollog_logger vtable; /* first, so the struct casts to a logger */
    FILE *f;
    xentoollog_level min_level;
    unsigned flags;
};

static const char *const level_names[XTL_NUM_LEVELS] = {
    "none", "debug",  "verbose", "detail", "progress",
    "info", "notice", "warning", "error",  "critical",
};

const char *xtl_level_to_string(xentoollog_level level)
{
    if ((int)level < 0 || level >= XTL_NUM_LEVELS)
        return "unknown";
    return level_names[level];
}

void xtl_logv(struct xentoollog_logger *logger, xentoollog_level level, int errnoval,
              const char *context, const char *format, va_list al)
{
    int saved = errno;

    if (logger && logger->vmessage)
        logger->vmessage(logger, level, errnoval, context, format, al);
    errno = saved;
}

void xtl_log(struct xentoollog_logger *logger, xentoollog_level level, int errnoval,
             const char *context, const char *format, ...)
{
    va_list al;

    va_start(al, format);
    xtl_logv(logger, level, errnoval, context, format, al);
    va_end(al);
}

void xtl_progress(struct xentoollog_logger *logger, const char *context, const char *doing_what,
                  unsigned long done, unsigned long total)
{
    int saved = errno;
    int percent = 0;

    if (total)
        percent = done >= total ? 100 : (int)((double)done * 100.0 / (double)total);
    if (logger && logger->progress)
        logger->progress(logger, context, doing_what, percent, done, total);
    errno = saved;
}

void xtl_logger_destroy(struct xentoollog_logger *logger)
{
    if (logger && logger->destroy)
        logger->destroy(logger);
}

/* "[pid] [date] context: level: message: strerror" on one line. */
static void stdio_vmessage(struct xentoollog_logger *logger, xentoollog_level level, int errnoval,
                           const char *context, const char *format, va_list al)
{
    struct xentoollog_logger_stdiostream *lg = (struct xentoollog_logger_stdiostream *)logger;

    if (level < lg->min_level)
        return;
    if (lg->flags & XTL_STDIOSTREAM_SHOW_PID)
        fprintf(lg->f, "[%ld] ", (long)getpid());
    if (lg->flags & XTL_STDIOSTREAM_SHOW_DATE) {
        char buf[32];
        time_t now = time(NULL);
        struct tm tm;

        if (localtime_r(&now, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm))
            fprintf(lg->f, "%s ", buf);
    }
    if (context)
        fprintf(lg->f, "%s: ", context);
    fprintf(lg->f, "%s: ", xtl_level_to_string(level));
    vfprintf(lg->f, format, al);
    if (errnoval >= 0)
        fprintf(lg->f, ": %s", strerror(errnoval));
    fputc('\n', lg->f);
    fflush(lg->f);
}

static void stdio_progress(struct xentoollog_logger *logger, const char *context,
                           const char *doing_what, int percent, unsigned long done,
                           unsigned long total)
{
    struct xentoollog_logger_stdiostream *lg = (struct xentoollog_logger_stdiostream *)logger;

    if (XTL_PROGRESS < lg->min_level || (lg->flags & XTL_STDIOSTREAM_HIDE_PROGRESS))
        return;
    fprintf(lg->f, "%s%s%s: %d%% (%lu/%lu)\n", context ? context : "", context ? ": " : "",
            doing_what ? doing_what : "", percent, done, total);
    fflush(lg->f);
}

static void stdio_destroy(struct xentoollog_logger *logger)
{
    free(logger);
}

xentoollog_logger_stdiostream *xtl_createlogger_stdiostream(FILE *f, xentoollog_level min_level,
                                                            unsigned flags)
{
    struct xentoollog_logger_stdiostream *lg;

    if (!f) {
        errno = EINVAL;
        return NULL;
    }
    lg = calloc(1, sizeof(*lg));
    if (!lg) {
        errno = ENOMEM;
        return NULL;
    }
    lg->vtable.vmessage = stdio_vmessage;
    lg->vtable.progress = stdio_progress;
    lg->vtable.destroy = stdio_destroy;
    lg->f = f;
    lg->min_level = min_level;
    lg->flags = flags;
    return lg;
}

void xtl_stdiostream_set_minlevel(xentoollog_logger_stdiostream *lg, xentoollog_level min_level)
{
    if (lg)
        lg->min_level = min_level;
}

void xtl_stdiostream_adjust_flags(xentoollog_logger_stdiostream *lg, unsigned set_flags,
                                  unsigned clear_flags)
{
    if (lg)
        lg->flags = (lg->flags | set_flags) & ~clear_flags;
}

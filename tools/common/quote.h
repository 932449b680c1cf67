/*
 * Input quoted in a message, the same way by every claimset tool.  A
 * message must always reach its reason, so what the user typed is
 * shortened: at most CS_QUOTE_MAX characters of a token, CS_PATH_SHOWN of
 * a path, a longer one cut at a character boundary and ending in "...";
 * control characters become '?'.
 *
 *   cs_quote()  'TOKEN', or 'TOKE...' (1000000 characters) when cut
 *   cs_path()   the path itself, unquoted, cut the same way
 *
 * Both return buf.  CS_Q(s) and CS_PATH(s) give them a buffer of their
 * own that lives until the end of the enclosing block, for use right in a
 * message's arguments.
 */
#ifndef TOOLS_COMMON_QUOTE_H
#define TOOLS_COMMON_QUOTE_H

#include <stddef.h>

#define CS_QUOTE_MAX  48
#define CS_QUOTE_LEN  (CS_QUOTE_MAX + 40)
#define CS_PATH_SHOWN 160
#define CS_PATH_LEN   (CS_PATH_SHOWN + 8)

const char *cs_quote(const char *s, char *buf, size_t len);
const char *cs_path(const char *s, char *buf, size_t len);
/* cs_quote() of the first n characters of s (n <= strlen(s)). */
const char *cs_quote_n(const char *s, size_t n, char *buf, size_t len);
#define CS_Q(s)    cs_quote((s), (char[CS_QUOTE_LEN]){0}, CS_QUOTE_LEN)
#define CS_PATH(s) cs_path((s), (char[CS_PATH_LEN]){0}, CS_PATH_LEN)

#endif /* TOOLS_COMMON_QUOTE_H */

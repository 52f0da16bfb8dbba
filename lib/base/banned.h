/*
** Functions that must not be used (git's banned.h): each is either unbounded
** (strcpy, strcat, sprintf, vsprintf, gets), silently truncating without a
** NUL or a report (strncpy, strncat), or not thread-safe (strtok, gmtime,
** localtime, ctime, asctime).  Use fw_buf, fw_snprintf, fw_strlcpy,
** strtok_r, gmtime_r and localtime_r instead.  Include this header LAST in
** every .c file, after all other includes, so that it does not rename the
** system headers' own declarations; tests/banned/run.sh checks that.
*/
#ifndef FW_BANNED_H
#define FW_BANNED_H

#define FW_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) FW_BANNED(strcpy)
#undef strcat
#define strcat(x, y) FW_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) FW_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) FW_BANNED(strncat)
#undef strtok
#define strtok(x, y) FW_BANNED(strtok)

#undef sprintf
#undef vsprintf
#define sprintf(...) FW_BANNED(sprintf)
#define vsprintf(...) FW_BANNED(vsprintf)

#undef gets
#define gets(x) FW_BANNED(gets)

#undef gmtime
#define gmtime(t) FW_BANNED(gmtime)
#undef localtime
#define localtime(t) FW_BANNED(localtime)
#undef ctime
#define ctime(t) FW_BANNED(ctime)
#undef ctime_r
#define ctime_r(t, buf) FW_BANNED(ctime_r)
#undef asctime
#define asctime(t) FW_BANNED(asctime)
#undef asctime_r
#define asctime_r(t, buf) FW_BANNED(asctime_r)

#endif

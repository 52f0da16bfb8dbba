/*
** Serving the dashboard's built files (see webfiles.h).
*/
#include "webfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/banned.h"

/* Open rel (checked by web_path) under dir, following no symbolic link at any
** step: each directory on the way is opened with O_NOFOLLOW, then the file. */
static int open_beneath(const char *dir, char *rel)
{
    int at = open(dir, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC), next;
    char *seg = rel, *slash;

    while (at >= 0 && (slash = strchr(seg, '/')) != NULL) {
        *slash = '\0';
        next = openat(at, seg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        *slash = '/';
        close(at);
        at = next;
        seg = slash + 1;
    }
    if (at < 0)
        return -1;
    next = openat(at, seg, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    close(at);
    return next;
}

bool web_serve(request *r, const char *dir)
{
    char rel[512];
    struct stat st;
    bool ok = false;
    int fd;

    if (!dir[0] || !web_path(r->path, rel, sizeof rel))
        return false;
    fd = open_beneath(dir, rel);
    if (fd < 0)
        return false;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > WEB_MAX_FILE)
        goto done;
    fw_buf_reset(&r->text);
    while (r->text.len < (size_t)st.st_size) {
        char chunk[16384];
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0 || fw_buf_add(&r->text, chunk, (size_t)got) != FW_OK)
            goto done;
    }
    r->status = 200;
    r->content_type = web_content_type(rel);
    r->cache_control = web_immutable(rel) ? "public, max-age=31536000, immutable" : "no-cache";
    ok = true;
done:
    if (!ok)
        fw_buf_reset(&r->text);
    close(fd);
    return ok;
}

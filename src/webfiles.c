/*
** Serving the dashboard's built files (see webfiles.h).
*/
#include "webfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool web_serve(request *r, const char *dir)
{
    char rel[512], full[1024];
    struct stat st;
    bool ok = false;
    int fd;

    if (!dir[0] || !web_path(r->path, rel, sizeof rel))
        return false;
    if ((size_t)snprintf(full, sizeof full, "%s/%s", dir, rel) >= sizeof full)
        return false;
    fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
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

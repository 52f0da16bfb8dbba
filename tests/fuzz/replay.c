/*
** A main() for fuzz targets without libFuzzer: runs every file of the corpus
** directories given (default tests/fuzz/corpus/NAME), then a fixed number of
** deterministic mutations of each (byte flips, truncations, splices), so that
** `make test` exercises every parser's fuzz target on every run.
*/
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MUTATIONS 300

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void mutate_and_run(const uint8_t *seed, size_t len)
{
    uint8_t *buf = malloc(len + 16);
    int m;
    if (!buf)
        return;
    for (m = 0; m < MUTATIONS; m++) {
        size_t n = len, i, k;
        memcpy(buf, seed, len);
        switch (next() % 4) {
        case 0: /* flip a few bytes */
            for (k = 0; k < 1 + next() % 4 && n; k++)
                buf[next() % n] = (uint8_t)next();
            break;
        case 1: /* truncate */
            n = len ? next() % len : 0;
            break;
        case 2: /* replace a byte with a JSON-significant one */
            if (n)
                buf[next() % n] = (uint8_t)"{}[]\",:0-e.\\"[next() % 12];
            break;
        default: /* duplicate a slice */
            if (n > 2) {
                i = next() % (n - 1);
                k = 1 + next() % (n - i - 1 < 16 ? n - i - 1 : 16);
                memmove(buf + i + k, buf + i, n - i - k);
            }
        }
        LLVMFuzzerTestOneInput(buf, n);
    }
    free(buf);
}

static int run_dir(const char *dir, int *files)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];
    if (!d) {
        fprintf(stderr, "replay: cannot open %s\n", dir);
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        FILE *f;
        uint8_t *data;
        long len;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        f = fopen(path, "rb");
        if (!f)
            continue;
        fseek(f, 0, SEEK_END);
        len = ftell(f);
        fseek(f, 0, SEEK_SET);
        data = malloc(len > 0 ? (size_t)len : 1);
        if (data && fread(data, 1, (size_t)len, f) == (size_t)len) {
            LLVMFuzzerTestOneInput(data, (size_t)len);
            mutate_and_run(data, (size_t)len);
            (*files)++;
        }
        free(data);
        fclose(f);
    }
    closedir(d);
    return 0;
}

int main(int argc, char **argv)
{
    int i, files = 0, rc = 0;
    for (i = 1; i < argc; i++)
        rc |= run_dir(argv[i], &files);
    printf("replay: %d inputs, %d mutations each, no crash\n", files, MUTATIONS);
    return rc || files == 0;
}

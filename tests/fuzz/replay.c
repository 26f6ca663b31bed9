/* replay.c - runs a libFuzzer target without libFuzzer: main() feeds every
 * file of the folders on the command line (the target's seed corpus and the
 * crash inputs kept under tests/fuzz/regressions/) to LLVMFuzzerTestOneInput,
 * so inputs that once crashed stay tests in the ordinary (gcc) build and its
 * sanitizer build. A missing folder counts as empty. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return 1;
    }
    size_t cap = 4096, n = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "replay: out of memory reading %s\n", path);
        return 1;
    }
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

/* Runs every regular file of dir in name order; returns how many ran (-1 on error). */
static long run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char **names = NULL;
    size_t n = 0, cap = 0;
    long ran = 0;
    struct dirent *de;
    while (ran >= 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **nn = realloc(names, sizeof *names * (cap = cap ? 2 * cap : 64));
            if (!nn) {
                ran = -1;
                break;
            }
            names = nn;
        }
        if (!(names[n] = strdup(de->d_name)))
            ran = -1;
        else
            n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (ran >= 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
            ran = run_file(path) ? -1 : ran + 1;
        free(names[i]);
    }
    free(names);
    if (ran < 0)
        fprintf(stderr, "replay: cannot read %s\n", dir);
    return ran;
}

int main(int argc, char **argv)
{
    long total = 0;
    for (int i = 1; i < argc; i++) {
        long r = run_dir(argv[i]);
        if (r < 0)
            return 1;
        printf("replay: %ld inputs from %s\n", r, argv[i]);
        total += r;
    }
    printf("replay: %ld inputs ran, none crashed\n", total);
    return 0;
}

/* atomic_file.c - temporary file + rename, see atomic_file.h. */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

int llmb_atomic_open(struct llmb_atomic_file *af, const char *path, struct llmb_error *err)
{
    memset(af, 0, sizeof *af);
    if (strlen(path) >= sizeof af->final_path - 32)
        return llmb_error_set(err, LLMB_E_INVAL, "path too long: '%s'", path);
    snprintf(af->final_path, sizeof af->final_path, "%s", path);
    char d[4096], b[4096];
    snprintf(d, sizeof d, "%s", path);
    snprintf(b, sizeof b, "%s", path);
    snprintf(af->tmp_path, sizeof af->tmp_path, "%s/.%s.tmp.XXXXXX", dirname(d), basename(b));
    int fd = mkstemp(af->tmp_path);
    if (fd < 0) {
        af->tmp_path[0] = 0;
        return llmb_error_set(err, LLMB_E_IO, "cannot create '%s': %s", path, strerror(errno));
    }
    /* mkstemp makes 0600; a finished file gets the usual 0666 & ~umask */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || !(af->f = fdopen(fd, "w"))) {
        close(fd);
        unlink(af->tmp_path);
        af->tmp_path[0] = 0;
        return llmb_error_set(err, LLMB_E_IO, "cannot write '%s': %s", path, strerror(errno));
    }
    return LLMB_OK;
}

int llmb_atomic_commit(struct llmb_atomic_file *af, struct llmb_error *err)
{
    if (!af->f)
        return llmb_error_set(err, LLMB_E_IO, "'%s' is not open", af->final_path);
    int bad = fflush(af->f) != 0 || ferror(af->f) || fsync(fileno(af->f)) != 0;
    int e = errno;
    bad |= fclose(af->f) != 0;
    af->f = NULL;
    if (bad || rename(af->tmp_path, af->final_path) != 0) {
        if (!bad)
            e = errno;
        unlink(af->tmp_path);
        af->tmp_path[0] = 0;
        return llmb_error_set(err, LLMB_E_IO, "cannot write '%s': %s", af->final_path, strerror(e));
    }
    af->tmp_path[0] = 0;
    return LLMB_OK;
}

void llmb_atomic_abort(struct llmb_atomic_file *af)
{
    if (af->f)
        fclose(af->f);
    af->f = NULL;
    if (af->tmp_path[0])
        unlink(af->tmp_path);
    af->tmp_path[0] = 0;
}

/* ladder.c - see ladder.h. */
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/atomic_file.h"
#include "ladder.h"
#include "llmbench/plan.h"
#include "llmbench/quant.h"

static int add_list(const char *spec, int *ftypes, int *n, struct llmb_error *err)
{
    struct llmb_str_list l = {0};
    int rc = llmb_plan_parse_strs(spec, &l, err);
    for (size_t i = 0; !rc && i < l.n; i++) {
        int ft = llmb_ftype_from_name(l.v[i]);
        if (ft < 0)
            rc = llmb_error_set(err, LLMB_E_INVAL, "unknown quantization type '%s' (one of %s)", l.v[i],
                                llmb_ftype_names());
        else if (llmb_ftype_needs_imatrix(ft))
            rc = llmb_error_set(err, LLMB_E_INVAL, "%s needs an importance matrix, which llmbench does not make",
                                l.v[i]);
        else if (*n >= LLMB_LADDER_MAX)
            rc = llmb_error_set(err, LLMB_E_INVAL, "too many quantization types");
        else {
            int dup = 0;
            for (int k = 0; k < *n; k++)
                dup |= ftypes[k] == ft;
            if (!dup)
                ftypes[(*n)++] = ft;
        }
    }
    llmb_str_list_free(&l);
    return rc;
}

int llmb_ladder_parse(const char *spec, int *ftypes, int *n, struct llmb_error *err)
{
    *n = 0;
    if (!strcasecmp(spec, "default"))
        return add_list(LLMB_LADDER_DEFAULT, ftypes, n, err);
    if (!strcasecmp(spec, "extra"))
        return add_list(LLMB_LADDER_EXTRA, ftypes, n, err);
    if (!strcasecmp(spec, "all")) {
        int rc = add_list(LLMB_LADDER_DEFAULT, ftypes, n, err);
        return rc ? rc : add_list(LLMB_LADDER_EXTRA, ftypes, n, err);
    }
    return add_list(spec, ftypes, n, err);
}

void llmb_ladder_output(const char *input, const char *outdir, int ftype, char *buf, size_t len)
{
    char b[4096], d[4096];
    snprintf(b, sizeof b, "%s", input);
    snprintf(d, sizeof d, "%s", input);
    char *stem = basename(b);
    size_t sl = strlen(stem);
    if (sl > 5 && !strcasecmp(stem + sl - 5, ".gguf"))
        stem[sl -= 5] = 0;
    static const char *suffixes[] = {"-F16", "-BF16", "-F32", "-f16", "-bf16", "-f32", NULL};
    for (int i = 0; suffixes[i]; i++) {
        size_t k = strlen(suffixes[i]);
        if (sl > k && !strcmp(stem + sl - k, suffixes[i])) {
            stem[sl - k] = 0;
            break;
        }
    }
    snprintf(buf, len, "%s/%s-%s.gguf", outdir ? outdir : dirname(d), stem, llmb_ftype_name(ftype));
}

static int up_to_date(const char *in, const char *out, int ftype, struct llmb_gguf_facts *facts)
{
    struct stat si, so;
    if (stat(in, &si) || stat(out, &so) || so.st_mtime < si.st_mtime)
        return 0;
    struct llmb_error e;
    return llmb_model_facts(out, facts, &e) == LLMB_OK && facts->file_type == ftype;
}

struct prog {
    const char *type;
    int open; /* a progress line waits for its end */
};

static void on_progress(int i, int n, void *user)
{
    struct prog *p = user;
    fprintf(stderr, "\rllmbench: quantize %s: tensor %d/%d", p->type, i, n);
    p->open = i != n;
    if (i == n)
        fputc('\n', stderr);
}

int llmb_ladder_make(const char *input, const char *outdir, const int *ftypes, int n, int threads, int force,
                     int show_progress, volatile int *stop, struct llmb_ladder_item *items, struct llmb_error *err)
{
    struct llmb_gguf_facts in;
    int rc = llmb_model_facts(input, &in, err);
    if (rc)
        return rc;
    if (!in.all_float && !(in.file_type >= 0 && llmb_ftype_is_float(in.file_type)))
        return llmb_error_set(err, LLMB_E_INVAL, "'%s' is %s; quantize needs an F32, F16 or BF16 model", input,
                              llmb_ftype_name(in.file_type) ? llmb_ftype_name(in.file_type) : "already quantized");
    for (int i = 0; i < n; i++)
        memset(&items[i], 0, sizeof items[i]);
    for (int i = 0; i < n && !rc; i++) {
        struct llmb_ladder_item *it = &items[i];
        it->ftype = ftypes[i];
        llmb_ladder_output(input, outdir, ftypes[i], it->path, sizeof it->path);
        if (stop && *stop) {
            rc = llmb_error_set(err, LLMB_E_INTERRUPTED, "interrupted");
            break;
        }
        if (!force && up_to_date(input, it->path, ftypes[i], &it->facts))
            continue;
        const char *in[] = {input};
        if ((rc = llmb_output_check(it->path, "quantized model", in, 1, err)))
            break;
        struct prog pr = {.type = llmb_ftype_name(ftypes[i])};
        struct llmb_quant_params qp = {.input = input, .output = it->path, .ftype = ftypes[i], .n_threads = threads,
                                       .progress = show_progress ? on_progress : NULL, .user = &pr, .stop = stop};
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rc = llmb_quantize(&qp, err);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (pr.open)
            fputc('\n', stderr);
        it->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (!rc)
            rc = llmb_model_facts(it->path, &it->facts, err);
        it->made = !rc;
    }
    return rc;
}

void llmb_ladder_kept(const struct llmb_ladder_item *items, int n, char *buf, size_t len)
{
    size_t k = 0;
    buf[0] = 0;
    for (int i = 0; i < n && k < len; i++)
        if (items[i].made)
            k += (size_t)snprintf(buf + k, len - k, "%s%s (%s)", k ? ", " : "", llmb_ftype_name(items[i].ftype),
                                  items[i].path);
    if (!k)
        snprintf(buf, len, "none");
}

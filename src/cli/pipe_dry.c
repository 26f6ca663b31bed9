/* pipe_dry.c - `pipeline --dry-run`: what the pipeline would make (the
 * synthetic reference, each rung of the ladder, present or to write, with
 * its expected size), the tests of every variant, and the estimate; a
 * ladder that needs more disk or memory than the machine has is refused
 * here, with the numbers, before anything is written. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "base/fmt.h"
#include "cli.h"
#include "ladder.h"
#include "llmbench/paths.h"
#include "llmbench/plan_estimate.h"
#include "llmbench/quant.h"
#include "llmbench/synth.h"
#include "pipeline.h"
#include "runctl.h"

static int exists(const char *p)
{
    struct stat st;
    return !stat(p, &st) && S_ISREG(st.st_mode);
}

/* The free space of the folder path goes to (or of its nearest existing parent). */
static unsigned long long disk_free(const char *path)
{
    char d[4096];
    snprintf(d, sizeof d, "%s", path);
    struct statvfs v;
    for (;;) {
        char *s = strrchr(d, '/');
        if (!s)
            return statvfs(".", &v) ? 0 : (unsigned long long)v.f_bavail * v.f_frsize;
        *s = 0;
        if (!statvfs(d[0] ? d : "/", &v))
            return (unsigned long long)v.f_bavail * v.f_frsize;
    }
}

int llmb_pipe_dry(const struct llmb_pipe_dry_params *p, struct llmb_error *err)
{
    char ref[4096], outdir[4096], a[32], b[32];
    uint64_t params = 0, need_disk = 0, largest = 0, model_bytes = 0;
    int rc = LLMB_OK;
    if (p->shape) {
        params = llmb_shape_params(p->shape);
        /* llmb_synth_default_path's name, without making the data folder */
        rc = llmb_path_data_name("models", 0, outdir, sizeof outdir, err);
        if (!rc &&
            snprintf(ref, sizeof ref, "%s/synth-%s-s%d-F16.gguf", outdir, p->shape->name, p->seed) >= (int)sizeof ref)
            rc = llmb_error_set(err, LLMB_E_INVAL, "path too long");
    } else {
        struct llmb_gguf_facts f;
        snprintf(ref, sizeof ref, "%s", p->model);
        if ((rc = llmb_model_facts(p->model, &f, err)) == LLMB_OK)
            params = f.n_params, model_bytes = f.file_size;
    }
    if (rc)
        return rc;
    if (p->outdir)
        snprintf(outdir, sizeof outdir, "%s", p->outdir);
    int quiet = p->dry == 2, variants = 0;
    uint64_t ref_bytes = model_bytes ? model_bytes : params * 2;
    largest = ref_bytes;
    if (p->shape && !exists(ref))
        need_disk += ref_bytes;
    llmb_fmt_bytes(a, sizeof a, (double)ref_bytes);
    if (!quiet)
        printf("# reference %s (%s, ~%s)\n", ref, exists(ref) ? "present" : "to write", a);
    variants += !p->no_ref;
    for (int i = 0; i < p->nq; i++) {
        char out[4096];
        llmb_ladder_output(ref, p->shape || p->outdir ? outdir : NULL, p->ftypes[i], out, sizeof out);
        uint64_t bytes = (uint64_t)((double)params * llmb_ftype_typical_bpw(p->ftypes[i]) / 8);
        int have = exists(out);
        need_disk += have ? 0 : bytes;
        largest = bytes > largest ? bytes : largest;
        variants++;
        llmb_fmt_bytes(a, sizeof a, (double)bytes);
        if (!quiet)
            printf("# %-7s %s (%s, ~%s)\n", llmb_ftype_name(p->ftypes[i]), out, have ? "present" : "to make", a);
    }
    unsigned long long free_b = disk_free(p->shape || p->outdir ? outdir : ref), mem = llmb_cli_mem_available();
    llmb_fmt_bytes(a, sizeof a, (double)need_disk);
    llmb_fmt_bytes(b, sizeof b, (double)free_b);
    if (free_b && need_disk > free_b)
        return llmb_error_set(err, LLMB_E_INVAL, "the plan needs about %s of disk for its models, %s is free in %s", a,
                              b, p->shape || p->outdir ? outdir : ref);
    uint64_t need_mem = largest + largest / 20;
    char m1[32], m2[32];
    llmb_fmt_bytes(m1, sizeof m1, (double)need_mem);
    llmb_fmt_bytes(m2, sizeof m2, (double)mem);
    if (mem && need_mem > mem)
        return llmb_error_set(err, LLMB_E_INVAL,
                              "the plan needs about %s of memory (its largest model), %s is "
                              "available",
                              m1, m2);
    if (quiet)
        return LLMB_OK;
    /* speed: every variant's pp and tg tests, each run reps + 1 times at the assumed bandwidth */
    double secs = (double)need_disk / 100e6; /* writing and quantizing: ~100 MB/s */
    for (int i = 0; i < p->nq + 1; i++) {
        double bytes = i == 0 ? (double)ref_bytes : (double)params * llmb_ftype_typical_bpw(p->ftypes[i - 1]) / 8;
        double tg = bytes / LLMB_EST_BANDWIDTH_BPS;
        secs += (p->reps + 1) * (p->n_prompt * tg / LLMB_EST_PP_SPEEDUP + p->n_gen * tg) + bytes / 2e9;
    }
    printf("# %d variants x (%s%s%s%s) = %d test instances\n", variants, p->n_prompt ? "pp" : "",
           p->n_prompt && p->n_gen ? ", " : "", p->n_gen ? "tg" : "", p->quality ? ", quality" : "",
           variants * ((p->n_prompt > 0) + (p->n_gen > 0) + (p->quality ? 1 : 0)));
    int s = (int)(secs + 0.5);
    printf("# estimate: %dh%02dm%02ds (speed tests only; assumes %.0f GB/s of weights read per generated token), "
           "memory %s (%s available), disk %s for the models (%s free)\n",
           s / 3600, s / 60 % 60, s % 60, LLMB_EST_BANDWIDTH_BPS / 1e9, m1, mem ? m2 : "unknown", a, b);
    return fflush(stdout) ? llmb_error_set(err, LLMB_E_IO, "cannot write to standard output") : LLMB_OK;
}

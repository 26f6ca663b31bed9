/* planfile.h - plan files (docs/plans.md): a versioned YAML (or JSON) file
 * naming models, engine settings and workloads, checked key by key with the
 * place of every error (file:line:column), and turned into the command lines
 * of the commands that run them (bench, quality, pipeline): a plan file fills
 * what the flags fill, and the same code runs it. */
#ifndef LLMBENCH_PLANFILE_H
#define LLMBENCH_PLANFILE_H

#include <stddef.h>
#include <stdint.h>

#include "llmbench.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LLMB_PLANFILE_VERSION 1
#define LLMB_PLANFILE_MAX_BYTES (1 << 20) /* a plan is a page or two; larger is refused unread */

/* One section of a plan ("runs:" item): one command line. */
struct llmb_plan_step {
    char *name; /* the section's name, or "run N" */
    char *cmd;  /* "bench", "quality" or "pipeline" */
    int argc;   /* argv[0] is cmd; argv[argc] is NULL */
    char **argv;
    int line; /* where the section starts in the file */
    /* what estimates need beyond the command line (ladder sections) */
    char *shape;  /* synthetic shape, or NULL */
    char *source; /* ladder: the F16/F32 model, or NULL */
    char *quants; /* ladder: "Q8_0,Q4_K_M" */
};

struct llmb_planfile {
    char *path; /* as given */
    struct llmb_plan_step *steps;
    size_t n_steps;
};

/* Parses a plan's text (len bytes, need not be NUL-terminated); name is
 * what errors call the file. Relative model and text paths are taken from
 * base_dir; globs are expanded there (a pattern matching nothing is an
 * error). base_dir NULL: paths and patterns are kept as written and nothing
 * is read from disk (the fuzz target). *out is the caller's
 * (llmb_planfile_free). Errors: LLMB_E_INVAL with "KEY: expected ..., got
 * ... at FILE:LINE:COL". */
int llmb_planfile_parse(const char *name, const char *text, size_t len, const char *base_dir,
                        struct llmb_planfile **out, struct llmb_error *err);
/* Reads path (at most LLMB_PLANFILE_MAX_BYTES) and parses it with its folder as base_dir. */
int llmb_planfile_load(const char *path, struct llmb_planfile **out, struct llmb_error *err);
void llmb_planfile_free(struct llmb_planfile *pf);

/* The closest of names[0..n) to word within a small edit distance, or NULL:
 * the "did you mean" of unknown keys. */
const char *llmb_planfile_suggest(const char *word, const char *const *names, size_t n);

#ifdef __cplusplus
}
#endif

#endif

/* plan_int.h - inside the plan-file module: a command line being built,
 * and one section's keys checked and turned into flags (pkeys.c). */
#ifndef LLMB_PLAN_PLAN_INT_H
#define LLMB_PLAN_PLAN_INT_H

#include "llmbench/planfile.h"
#include "plan/ptree.h"

enum { LLMB_PK_SPEED, LLMB_PK_QUALITY, LLMB_PK_LADDER, LLMB_PK_COUNT };

#define LLMB_PLAN_MAX_LIST 1024 /* values in one list */

/* What errors and paths need while one file is checked. */
struct llmb_pctx {
    const char *file;     /* the name errors give */
    const char *base_dir; /* NULL: keep paths, touch no file */
    int names;            /* the section's models are names, not files (engine "null") */
};

/* Appends one argument (copied) to step->argv. */
int llmb_pstep_arg(struct llmb_plan_step *s, const char *a);

/* The keys a section may have (NULL-terminated), for "did you mean". */
extern const char *const llmb_pkey_names[];

/* Checks section (a map; defaults may be NULL) and fills step: the kind,
 * then every key of the section or else of defaults, as its command's flags. */
int llmb_pkeys_section(struct llmb_pctx *c, const struct llmb_pnode *section, const struct llmb_pnode *defaults,
                       struct llmb_plan_step *step, struct llmb_error *err);

/* Errors at a node: "KEY: MSG, got X at FILE:L:C". */
int llmb_perr(const struct llmb_pctx *c, const char *key, const struct llmb_pnode *n, const char *expected,
              struct llmb_error *err);
/* An unknown key with the closest known one. */
int llmb_perr_unknown(const struct llmb_pctx *c, const char *where, const struct llmb_pnode *key,
                      const char *const *names, struct llmb_error *err);

#endif

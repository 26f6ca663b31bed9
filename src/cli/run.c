/* run.c - `llmbench run PLAN`: a plan file (docs/plans.md) run through the
 * commands its sections stand for. The plan is read and checked whole
 * (located errors), then every section is checked by its own command in a
 * silent dry run (models, memory, disk, outputs) before the first one
 * starts; --dry-run prints each section's command line, test matrix and
 * estimate instead. The run options (--db, --resume, --tag...) go to every
 * section's command, so each is stored, resumed and shown as that command
 * with those flags would be. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "llmbench/planfile.h"
#include "opt.h"
#include "runctl.h"

const struct llmb_opt llmb_run_opts[] = {
    LLMB_RUN_OPTS,
    {0},
};

struct run_cli {
    const char *plan;
    int dry, one_run_only; /* one_run_only: --events or --dashboard given */
    char *fwd[64];         /* run options for every section's command */
    int n_fwd;
};

static int fwd(struct run_cli *c, const char *a)
{
    if (c->n_fwd >= 64)
        return LLMB_E_INVAL;
    c->fwd[c->n_fwd++] = (char *)a; /* malloc'ed by the caller, freed at the end */
    return LLMB_OK;
}

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct run_cli *c = user;
    if (id == -1) {
        if (c->plan)
            return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s' (one plan per run)", v);
        c->plan = v;
        return LLMB_OK;
    }
    if (id == LLMB_ROPT_DRY_RUN) {
        c->dry = v && !strcmp(v, "quiet") ? 2 : 1;
        return v && strcmp(v, "quiet") ? llmb_error_set(err, LLMB_E_INVAL, "--dry-run=%s: only quiet", v) : LLMB_OK;
    }
    c->one_run_only |= id == LLMB_ROPT_EVENTS || id == LLMB_ROPT_DASHBOARD;
    /* as --long or --long=value: every form the user wrote means one thing */
    const char *longname = name;
    for (const struct llmb_opt *o = llmb_run_opts; o->id; o++)
        if (o->id == id)
            longname = strrchr(o->names, ',') ? strrchr(o->names, ',') + 1 : o->names;
    size_t n = strlen(longname) + (v ? strlen(v) + 2 : 1);
    char *s = malloc(n);
    if (!s)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    snprintf(s, n, v ? "%s=%s" : "%s", longname, v);
    if (fwd(c, s)) {
        free(s);
        return llmb_error_set(err, LLMB_E_INVAL, "too many options");
    }
    return LLMB_OK;
}

/* Runs one section's command with the run options and extra (NULL or a --dry-run). */
static int step_run(const struct run_cli *c, const struct llmb_plan_step *s, const char *extra, struct llmb_error *err)
{
    const struct llmb_cli_command *cmd = llmb_cli_command_find(s->cmd);
    if (!cmd)
        return llmb_error_set(err, LLMB_E_INVAL, "no command '%s'", s->cmd);
    char **argv = malloc((size_t)(s->argc + c->n_fwd + 2) * sizeof *argv);
    if (!argv)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    int n = 0;
    for (int i = 1; i < s->argc; i++)
        argv[n++] = s->argv[i];
    for (int i = 0; i < c->n_fwd; i++)
        argv[n++] = c->fwd[i];
    if (extra)
        argv[n++] = (char *)extra;
    argv[n] = NULL;
    struct llmb_error e = {0};
    int rc = cmd->run(n, argv, &e);
    free(argv);
    if (rc && rc != LLMB_E_INTERRUPTED && (rc != LLMB_E_FAILED || e.msg[0]))
        llmb_error_set(err, rc, "%s (%s:%d): %s", s->name, c->plan, s->line, e.msg[0] ? e.msg : llmb_strerror(rc));
    else if (rc)
        *err = e;
    return rc;
}

static void print_line(FILE *f, const struct llmb_plan_step *s)
{
    fprintf(f, "llmbench");
    for (int i = 0; i < s->argc; i++)
        fprintf(f, strpbrk(s->argv[i], " \t'\"$*?") ? " '%s'" : " %s", s->argv[i]);
    fprintf(f, "\n");
}

int llmb_cmd_run(int argc, char **argv, struct llmb_error *err)
{
    struct run_cli c;
    memset(&c, 0, sizeof c);
    struct llmb_planfile *pf = NULL;
    int rc = llmb_opt_parse(llmb_run_opts, argc, argv, on_opt, &c, err);
    if (!rc && !c.plan)
        rc = llmb_error_set(err, LLMB_E_INVAL, "no plan given (llmbench run PLAN; docs/plans.md)");
    if (!rc)
        rc = llmb_planfile_load(c.plan, &pf, err);
    if (!rc && c.one_run_only && pf->n_steps > 1)
        rc = llmb_error_set(err, LLMB_E_INVAL,
                            "--events and --dashboard follow one run; the plan has %zu (run them "
                            "one by one, or leave the flag out)",
                            pf->n_steps);
    /* every section checked by its command before the first one starts */
    for (size_t i = 0; !rc && i < (pf ? pf->n_steps : 0); i++)
        rc = step_run(&c, &pf->steps[i], "--dry-run=quiet", err);
    for (size_t i = 0; !rc && c.dry == 1 && i < pf->n_steps; i++) {
        printf("## %s (%s:%d)\n", pf->steps[i].name, c.plan, pf->steps[i].line);
        print_line(stdout, &pf->steps[i]);
        fflush(stdout);
        rc = step_run(&c, &pf->steps[i], "--dry-run", err);
    }
    for (size_t i = 0; !rc && !c.dry && i < pf->n_steps; i++) {
        fprintf(stderr, "llmbench: %s (%zu of %zu): ", pf->steps[i].name, i + 1, pf->n_steps);
        print_line(stderr, &pf->steps[i]);
        fflush(stdout);
        rc = step_run(&c, &pf->steps[i], NULL, err);
    }
    for (int i = 0; i < c.n_fwd; i++)
        free(c.fwd[i]);
    llmb_planfile_free(pf);
    return rc;
}

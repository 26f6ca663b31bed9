/* planfile.c - a plan file as a whole (planfile.h): reading it (bounded),
 * its top-level keys (version, name, description, defaults, runs), each run
 * section through pkeys.c into one command line, located errors with "did
 * you mean", and freeing what it made. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plan/plan_int.h"

int llmb_pstep_arg(struct llmb_plan_step *s, const char *a)
{
    char **v = realloc(s->argv, (size_t)(s->argc + 2) * sizeof *v);
    if (!v)
        return LLMB_E_NOMEM;
    s->argv = v;
    if (!(v[s->argc] = strdup(a)))
        return LLMB_E_NOMEM;
    v[++s->argc] = NULL;
    return LLMB_OK;
}

int llmb_perr(const struct llmb_pctx *c, const char *key, const struct llmb_pnode *n, const char *expected,
              struct llmb_error *err)
{
    char got[64];
    llmb_ptree_got(n, got, sizeof got);
    return llmb_error_set(err, LLMB_E_INVAL, "%s: expected %s, got %s at %s:%d:%d", key, expected, got, c->file,
                          n->line, n->col);
}

static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[64];
    if (la >= 63 || lb >= 63)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            best = up + 1 < best ? up + 1 : best;
            best = row[j - 1] + 1 < best ? row[j - 1] + 1 : best;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *llmb_planfile_suggest(const char *word, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t bd = 99, limit = strlen(word) <= 4 ? 1 : strlen(word) <= 8 ? 2 : 3;
    for (size_t i = 0; i < n && names[i]; i++) {
        size_t d = distance(word, names[i]);
        if (d < bd)
            bd = d, best = names[i];
    }
    return bd <= limit ? best : NULL;
}

int llmb_perr_unknown(const struct llmb_pctx *c, const char *where, const struct llmb_pnode *key,
                      const char *const *names, struct llmb_error *err)
{
    if (key->type != LLMB_PN_SCALAR)
        return llmb_perr(c, where, key, "keys that are names", err);
    size_t n = 0;
    while (names[n])
        n++;
    const char *s = llmb_planfile_suggest(key->s, names, n);
    char got[64];
    llmb_ptree_got(key, got, sizeof got);
    if (s)
        return llmb_error_set(err, LLMB_E_INVAL, "%s: unknown key %s (did you mean '%s'?) at %s:%d:%d", where, got, s,
                              c->file, key->line, key->col);
    return llmb_error_set(err, LLMB_E_INVAL, "%s: unknown key %s (keys: docs/plans.md) at %s:%d:%d", where, got,
                          c->file, key->line, key->col);
}

static void step_free(struct llmb_plan_step *s)
{
    for (int i = 0; i < s->argc; i++)
        free(s->argv[i]);
    free(s->argv);
    free(s->name);
    free(s->cmd);
    free(s->shape);
    free(s->source);
    free(s->quants);
}

void llmb_planfile_free(struct llmb_planfile *pf)
{
    if (!pf)
        return;
    for (size_t i = 0; i < pf->n_steps; i++)
        step_free(&pf->steps[i]);
    free(pf->steps);
    free(pf->path);
    free(pf);
}

static const char *const top_names[] = {"version", "name", "description", "defaults", "runs", NULL};

static int check_top(const struct llmb_pctx *c, const struct llmb_pnode *root, const struct llmb_pnode **defs,
                     const struct llmb_pnode **runs, struct llmb_error *err)
{
    const struct llmb_pnode *version = NULL;
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const struct llmb_pnode *k = root->kids[i], *v = root->kids[i + 1];
        int known = 0;
        for (size_t j = 0; top_names[j]; j++)
            known |= k->type == LLMB_PN_SCALAR && !strcmp(k->s, top_names[j]);
        if (!known) {
            for (size_t j = 0; k->type == LLMB_PN_SCALAR && llmb_pkey_names[j]; j++)
                if (!strcmp(k->s, llmb_pkey_names[j]))
                    return llmb_error_set(err, LLMB_E_INVAL,
                                          "plan: '%s' is a key of a run: put it under "
                                          "defaults: or a run of runs: at %s:%d:%d",
                                          k->s, c->file, k->line, k->col);
            return llmb_perr_unknown(c, "plan", k, top_names, err);
        }
        for (size_t j = 0; j + 1 < i; j += 2)
            if (!strcmp(root->kids[j]->s, k->s))
                return llmb_perr(c, k->s, k, "each key once", err);
        if (!strcmp(k->s, "version"))
            version = v;
        else if (!strcmp(k->s, "defaults") && v->type != LLMB_PN_MAP)
            return llmb_perr(c, "defaults", v, "a map of run keys", err);
        else if (!strcmp(k->s, "defaults"))
            *defs = v;
        else if (!strcmp(k->s, "runs"))
            *runs = v;
        else if (v->type != LLMB_PN_SCALAR)
            return llmb_perr(c, k->s, v, "a string", err);
    }
    if (!version)
        return llmb_error_set(err, LLMB_E_INVAL, "version: missing (a plan starts with 'version: 1') at %s:%d:%d",
                              c->file, root->line, root->col);
    if (version->type != LLMB_PN_SCALAR || version->quoted || strcmp(version->s, "1"))
        return llmb_perr(c, "version", version, "1 (the only version there is)", err);
    if (!*runs)
        return llmb_error_set(err, LLMB_E_INVAL, "runs: missing (a list of runs) at %s:%d:%d", c->file, root->line,
                              root->col);
    if ((*runs)->type != LLMB_PN_SEQ)
        return llmb_perr(c, "runs", *runs, "a list of runs", err);
    if ((*runs)->n == 0)
        return llmb_error_set(err, LLMB_E_INVAL, "runs: an empty list runs nothing at %s:%d:%d", c->file, (*runs)->line,
                              (*runs)->col);
    if ((*runs)->n > 256)
        return llmb_perr(c, "runs", *runs, "at most 256 runs", err);
    return LLMB_OK;
}

int llmb_planfile_parse(const char *name, const char *text, size_t len, const char *base_dir,
                        struct llmb_planfile **out, struct llmb_error *err)
{
    *out = NULL;
    struct llmb_pnode *root = NULL;
    struct llmb_pctx c = {.file = name, .base_dir = base_dir, .names = 0};
    int rc = llmb_ptree_parse(name, text, len, &root, err);
    const struct llmb_pnode *defs = NULL, *runs = NULL;
    if (!rc)
        rc = check_top(&c, root, &defs, &runs, err);
    struct llmb_planfile *pf = NULL;
    if (!rc && (!(pf = calloc(1, sizeof *pf)) || !(pf->path = strdup(name)) ||
                !(pf->steps = calloc(runs->n, sizeof *pf->steps))))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < runs->n; i++) {
        const struct llmb_pnode *sec = runs->kids[i];
        struct llmb_plan_step *s = &pf->steps[pf->n_steps++];
        char nm[32];
        snprintf(nm, sizeof nm, "run %zu", i + 1);
        s->line = sec->line;
        if (!(s->name = strdup(nm)))
            rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        else if (sec->type != LLMB_PN_MAP)
            rc = llmb_perr(&c, "runs", sec, "a run (a map of keys)", err);
        else
            rc = llmb_pkeys_section(&c, sec, defs, s, err);
    }
    llmb_ptree_free(root);
    if (rc) {
        llmb_planfile_free(pf);
        return rc;
    }
    *out = pf;
    return LLMB_OK;
}

int llmb_planfile_load(const char *path, struct llmb_planfile **out, struct llmb_error *err)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st))
        return llmb_error_set(err, LLMB_E_INVAL, "cannot read the plan '%s': %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return llmb_error_set(err, LLMB_E_INVAL, "the plan '%s' is not a file", path);
    if (st.st_size > LLMB_PLANFILE_MAX_BYTES)
        return llmb_error_set(err, LLMB_E_INVAL,
                              "the plan '%s' is %lld bytes, over the limit of %d (a plan is a "
                              "page or two)",
                              path, (long long)st.st_size, LLMB_PLANFILE_MAX_BYTES);
    FILE *f = fopen(path, "rb");
    char *text = malloc((size_t)st.st_size + 1);
    size_t n = f && text ? fread(text, 1, (size_t)st.st_size + 1, f) : 0;
    int bad = !f || !text || ferror(f) || n > (size_t)st.st_size;
    if (f)
        fclose(f);
    if (bad) {
        free(text);
        return llmb_error_set(err, LLMB_E_INVAL, "cannot read the plan '%s'%s", path,
                              n > (size_t)st.st_size ? ": it grew while being read" : "");
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = 0;
    else
        snprintf(dir, sizeof dir, ".");
    int rc = llmb_planfile_parse(path, text, n, dir, out, err);
    free(text);
    return rc;
}

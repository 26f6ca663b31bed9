/* pkeys.c - the keys of a plan's sections (docs/plans.md): each key's type,
 * the kinds of run it belongs to and the flag it fills in each, checked at
 * its place in the file and written as that command's flags. Defaults come
 * from the plan's `defaults:` map; a section's own key overrides them. */
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "llmbench/model.h"
#include "llmbench/quant.h"
#include "llmbench/synth.h"
#include "plan/plan_int.h"

enum vtype { V_STR, V_STRS, V_INT, V_INTS, V_BOOL, V_FA, V_REPS, V_PG, V_PATH, V_MODELS, V_QUANTS, V_SHAPE, V_FMT };

struct pkey {
    const char *name;
    int type;
    int min;                         /* V_INT, V_INTS */
    const char *flag[LLMB_PK_COUNT]; /* NULL: not a key of that kind */
};

/* speed = bench, quality = quality, ladder = pipeline */
static const struct pkey keys[] = {
    {"models", V_MODELS, 0, {"-m", "-m", NULL}},
    {"model", V_PATH, 0, {NULL, NULL, "-m"}},
    {"shape", V_SHAPE, 0, {NULL, NULL, "--shape"}},
    {"quants", V_QUANTS, 0, {NULL, NULL, "-q"}},
    {"outdir", V_PATH, 0, {NULL, NULL, "-O"}},
    {"no_ref", V_BOOL, 0, {NULL, NULL, "--no-ref"}},
    {"engine", V_STR, 0, {"--engine", "--engine", NULL}},
    {"threads", V_INTS, 1, {"-t", "-t", "-t"}},
    {"batch", V_INTS, 1, {"-b", "-b", NULL}},
    {"ubatch", V_INTS, 1, {"-ub", NULL, NULL}},
    {"flash_attn", V_FA, 0, {"-fa", NULL, NULL}},
    {"type_k", V_STRS, 0, {"-ctk", NULL, NULL}},
    {"type_v", V_STRS, 0, {"-ctv", NULL, NULL}},
    {"gpu_layers", V_INTS, -1, {"-ngl", NULL, NULL}},
    {"device", V_STRS, 0, {"-dev", NULL, NULL}},
    {"prompt", V_INTS, 0, {"-p", NULL, "-p"}},
    {"gen", V_INTS, 0, {"-n", NULL, "-n"}},
    {"depth", V_INTS, 0, {"-d", NULL, NULL}},
    {"pg", V_PG, 0, {"-pg", NULL, NULL}},
    {"repetitions", V_REPS, 1, {"-r", NULL, "-r"}},
    {"ctx", V_INT, 8, {NULL, "-c", "-c"}},
    {"chunks", V_INT, 1, {NULL, "--chunks", "--chunks"}},
    {"ppl", V_PATH, 0, {NULL, "--ppl", "--ppl"}},
    {"kld_ref", V_PATH, 0, {NULL, "--ref", NULL}},
    {"save_ref", V_PATH, 0, {NULL, "--save-ref", NULL}},
    {"suite", V_PATH, 0, {NULL, "--suite", "--suite"}},
    {"max_tokens", V_INT, 1, {NULL, "--max-tokens", "--max-tokens"}},
    {"seed", V_INT, 0, {"--seed", "--seed", "--seed"}},
    {"force", V_BOOL, 0, {"--force", "--force", "--force"}},
    {"output", V_FMT, 0, {"-o", "-o", "-o"}},
    {"tag", V_STR, 0, {"--tag", "--tag", "--tag"}},
    {"timeout", V_INT, 1, {"--timeout", "--timeout", "--timeout"}},
};
#define N_KEYS (sizeof keys / sizeof keys[0])

const char *const llmb_pkey_names[] = {
    "name",    "kind",       "models", "model",       "shape",  "quants", "outdir",     "no_ref",  "engine",
    "threads", "batch",      "ubatch", "flash_attn",  "type_k", "type_v", "gpu_layers", "device",  "prompt",
    "gen",     "depth",      "pg",     "repetitions", "ctx",    "chunks", "ppl",        "kld_ref", "save_ref",
    "suite",   "max_tokens", "seed",   "force",       "output", "tag",    "timeout",    NULL,
};

static const char *const kind_names[LLMB_PK_COUNT] = {"speed", "quality", "ladder"};
static const char *const kind_cmds[LLMB_PK_COUNT] = {"bench", "quality", "pipeline"};

static const struct llmb_pnode *map_get(const struct llmb_pnode *m, const char *key)
{
    for (size_t i = 0; m && i + 1 < m->n; i += 2)
        if (!strcmp(m->kids[i]->s, key))
            return m->kids[i + 1];
    return NULL;
}

/* A whole number in [min, INT_MAX], unquoted. */
static int scalar_int(const struct llmb_pnode *n, int min, int *out)
{
    if (n->type != LLMB_PN_SCALAR || n->quoted || !n->s[0])
        return 0;
    char *end;
    long long v = strtoll(n->s, &end, 10);
    if (*end || v < min || v > INT_MAX || end == n->s)
        return 0;
    *out = (int)v;
    return 1;
}

static int scalar_bool(const struct llmb_pnode *n, int *out)
{
    static const char *const t[] = {"true", "yes", "on", "1"}, *const f[] = {"false", "no", "off", "0"};
    for (int i = 0; n->type == LLMB_PN_SCALAR && !n->quoted && i < 4; i++) {
        if (!strcmp(n->s, t[i]))
            return *out = 1, 1;
        if (!strcmp(n->s, f[i]))
            return *out = 0, 1;
    }
    return 0;
}

/* Appends text to a growing comma-joined buffer. */
static int join(char **buf, size_t *len, const char *s)
{
    size_t n = strlen(s);
    char *b = realloc(*buf, *len + n + 2);
    if (!b)
        return LLMB_E_NOMEM;
    if (*len)
        b[(*len)++] = ',';
    memcpy(b + *len, s, n + 1);
    *len += n;
    *buf = b;
    return LLMB_OK;
}

static int resolve(const struct llmb_pctx *c, const char *p, char *out, size_t len)
{
    if (!c->base_dir || p[0] == '/' || !strcmp(c->base_dir, "."))
        return snprintf(out, len, "%s", p) < (int)len ? 0 : -1;
    return snprintf(out, len, "%s/%s", c->base_dir, p) < (int)len ? 0 : -1;
}

/* The items of a value that may be one scalar or a list of them. */
static int items(const struct llmb_pctx *c, const char *key, const struct llmb_pnode *v, const char *expected,
                 const struct llmb_pnode **one, const struct llmb_pnode *const **out, size_t *n, struct llmb_error *err)
{
    if (v->type == LLMB_PN_MAP)
        return llmb_perr(c, key, v, expected, err);
    if (v->type == LLMB_PN_SCALAR) {
        one[0] = v;
        *out = (const struct llmb_pnode *const *)one;
        *n = 1;
        return LLMB_OK;
    }
    if (v->n == 0)
        return llmb_error_set(err, LLMB_E_INVAL, "%s: an empty list runs nothing (%s) at %s:%d:%d", key, expected,
                              c->file, v->line, v->col);
    if (v->n > LLMB_PLAN_MAX_LIST)
        return llmb_error_set(err, LLMB_E_INVAL, "%s: a list of %zu values, at most %d at %s:%d:%d", key, v->n,
                              LLMB_PLAN_MAX_LIST, c->file, v->line, v->col);
    *out = (const struct llmb_pnode *const *)v->kids;
    *n = v->n;
    return LLMB_OK;
}

static int glob_models(const struct llmb_pctx *c, const struct llmb_pnode *it, const char *path, char **buf,
                       size_t *len, struct llmb_error *err)
{
    glob_t g;
    int r = glob(path, 0, NULL, &g);
    if (r == GLOB_NOMATCH || (r == 0 && g.gl_pathc == 0)) {
        if (r == 0)
            globfree(&g);
        return llmb_error_set(err, LLMB_E_INVAL, "models: the pattern \"%s\" matches no file at %s:%d:%d", it->s,
                              c->file, it->line, it->col);
    }
    if (r)
        return llmb_error_set(err, LLMB_E_INVAL, "models: cannot read the folders of \"%s\" at %s:%d:%d", it->s,
                              c->file, it->line, it->col);
    int rc = g.gl_pathc > LLMB_PLAN_MAX_LIST ? llmb_perr(c, "models", it, "a pattern matching at most 1024 files", err)
                                             : LLMB_OK;
    for (size_t i = 0; !rc && i < g.gl_pathc; i++)
        rc = strchr(g.gl_pathv[i], ',') ? llmb_perr(c, "models", it, "files without ',' in their names", err)
                                        : join(buf, len, g.gl_pathv[i]);
    globfree(&g);
    return rc;
}

/* One key's value as text for its flag (*text the caller's; NULL: a flag without a value). */
static int value_text(const struct llmb_pctx *c, const struct pkey *k, int kind, const struct llmb_pnode *v,
                      char **text, struct llmb_error *err)
{
    char *buf = NULL, tmp[4096];
    size_t len = 0, n = 0;
    const struct llmb_pnode *const *it = NULL, *one[1];
    int rc = LLMB_OK, x = 0, single = kind != LLMB_PK_SPEED;
    const char *exp = "a value";
    switch (k->type) {
    case V_INTS:
        exp = k->min >= 1   ? (single ? "a positive integer" : "a positive integer or a list of them")
              : k->min == 0 ? (single ? "a whole number >= 0" : "a whole number >= 0 or a list of them")
                            : "a whole number >= -1 or a list of them";
        break;
    case V_STRS: exp = "a name or a list of names"; break;
    case V_FA: exp = "on, off or auto, or a list of them"; break;
    case V_MODELS: exp = "a model file or pattern, or a list of them"; break;
    case V_QUANTS: exp = "quantization types (Q8_0, Q4_K_M...), or default, extra, all"; break;
    default: break;
    }
    if (k->type == V_INTS || k->type == V_STRS || k->type == V_FA || k->type == V_MODELS || k->type == V_QUANTS) {
        if ((rc = items(c, k->name, v, exp, one, &it, &n, err)))
            return rc;
        if (single && k->type == V_INTS && n != 1)
            return llmb_error_set(err, LLMB_E_INVAL, "%s: a %s run takes one value, got a list of %zu at %s:%d:%d",
                                  k->name, kind_names[kind], n, c->file, v->line, v->col);
    }
    for (size_t i = 0; !rc && i < n; i++) {
        const struct llmb_pnode *e = it[i];
        if (e->type != LLMB_PN_SCALAR || !e->s[0] || (k->type != V_INTS && strchr(e->s, ','))) {
            rc = llmb_perr(c, k->name, e, exp, err);
        } else if (k->type == V_INTS) {
            if (!scalar_int(e, k->min, &x))
                rc = llmb_perr(c, k->name, e, exp, err);
            snprintf(tmp, sizeof tmp, "%d", x);
            rc = rc ? rc : join(&buf, &len, tmp);
        } else if (k->type == V_FA) {
            static const char *const fa[] = {"on", "off", "auto", "true", "false", "1", "0", "yes", "no"};
            const char *out = NULL;
            for (int j = 0; j < 9 && !out; j++)
                out = !strcmp(e->s, fa[j]) ? (j == 0 || j == 3 || j == 5 || j == 7 ? "on"
                                              : j == 2                             ? "auto"
                                                                                   : "off")
                                           : NULL;
            rc = out ? join(&buf, &len, out) : llmb_perr(c, k->name, e, exp, err);
        } else if (k->type == V_QUANTS) {
            int word = !strcmp(e->s, "default") || !strcmp(e->s, "extra") || !strcmp(e->s, "all");
            if ((word && n > 1) || (!word && llmb_ftype_from_name(e->s) < 0))
                rc = llmb_perr(c, k->name, e, exp, err);
            rc = rc ? rc : join(&buf, &len, e->s);
        } else if (k->type == V_MODELS && c->names) {
            rc = join(&buf, &len, e->s);
        } else if (k->type == V_MODELS) {
            if (resolve(c, e->s, tmp, sizeof tmp))
                rc = llmb_perr(c, k->name, e, "a path shorter than 4096 bytes", err);
            else if (c->base_dir && strpbrk(e->s, "*?["))
                rc = glob_models(c, e, tmp, &buf, &len, err);
            else
                rc = join(&buf, &len, tmp);
        } else {
            rc = join(&buf, &len, e->s);
        }
    }
    if (!rc && !it) { /* one-value types */
        if (v->type != LLMB_PN_SCALAR || (!v->s[0] && k->type != V_BOOL)) {
            const char *e1 = k->type == V_INT     ? "a whole number"
                             : k->type == V_BOOL  ? "true or false"
                             : k->type == V_REPS  ? "a positive integer or auto"
                             : k->type == V_PG    ? "a [prompt, gen] pair or a list of them"
                             : k->type == V_PATH  ? "a file path"
                             : k->type == V_SHAPE ? "a shape name (llmbench synth --list)"
                             : k->type == V_FMT   ? "md, csv, json or jsonl"
                                                  : "a string";
            if (k->type != V_PG)
                return llmb_perr(c, k->name, v, e1, err);
        }
        switch (k->type) {
        case V_INT:
            if (!scalar_int(v, k->min, &x)) {
                snprintf(tmp, sizeof tmp, "a whole number >= %d", k->min);
                return llmb_perr(c, k->name, v, tmp, err);
            }
            snprintf(tmp, sizeof tmp, "%d", x);
            return (*text = strdup(tmp)) ? LLMB_OK : LLMB_E_NOMEM;
        case V_BOOL:
            if (!scalar_bool(v, &x))
                return llmb_perr(c, k->name, v, "true or false", err);
            *text = x ? strdup("") : NULL;
            return LLMB_OK;
        case V_REPS:
            if (strcmp(v->s, "auto") && !scalar_int(v, 1, &x))
                return llmb_perr(c, k->name, v, "a positive integer or auto", err);
            return (*text = strdup(v->s)) ? LLMB_OK : LLMB_E_NOMEM;
        case V_FMT:
            if (strcmp(v->s, "md") && strcmp(v->s, "csv") && strcmp(v->s, "json") && strcmp(v->s, "jsonl"))
                return llmb_perr(c, k->name, v, "md, csv, json or jsonl", err);
            return (*text = strdup(v->s)) ? LLMB_OK : LLMB_E_NOMEM;
        case V_SHAPE: {
            struct llmb_shape sh;
            if (llmb_shape_find(v->s, &sh, NULL))
                return llmb_perr(c, k->name, v, "a shape of llmbench synth --list", err);
            return (*text = strdup(v->s)) ? LLMB_OK : LLMB_E_NOMEM;
        }
        case V_PATH:
            if (!strcmp(k->name, "suite") && !strcmp(v->s, "default"))
                return (*text = strdup("default")) ? LLMB_OK : LLMB_E_NOMEM;
            if (resolve(c, v->s, tmp, sizeof tmp))
                return llmb_perr(c, k->name, v, "a path shorter than 4096 bytes", err);
            return (*text = strdup(tmp)) ? LLMB_OK : LLMB_E_NOMEM;
        case V_PG: break;
        default: return (*text = strdup(v->s)) ? LLMB_OK : LLMB_E_NOMEM;
        }
    }
    if (rc) {
        free(buf);
        return rc == LLMB_E_NOMEM ? llmb_error_set(err, rc, "out of memory") : rc;
    }
    *text = buf;
    return LLMB_OK;
}

/* pg: [P, G] or a list of such pairs; one -pg flag each. */
static int pg_flags(const struct llmb_pctx *c, const struct llmb_pnode *v, struct llmb_plan_step *s,
                    struct llmb_error *err)
{
    const char *exp = "a [prompt, gen] pair of whole numbers or a list of them";
    if (v->type != LLMB_PN_SEQ)
        return llmb_perr(c, "pg", v, exp, err);
    if (v->n == 0)
        return llmb_error_set(err, LLMB_E_INVAL, "pg: an empty list runs nothing at %s:%d:%d", c->file, v->line,
                              v->col);
    int flat = v->kids[0]->type == LLMB_PN_SCALAR;
    size_t n = flat ? 1 : v->n;
    if (n > LLMB_PLAN_MAX_LIST)
        return llmb_perr(c, "pg", v, "at most 1024 pairs", err);
    for (size_t i = 0; i < n; i++) {
        const struct llmb_pnode *p = flat ? v : v->kids[i];
        int a, b;
        if (p->type != LLMB_PN_SEQ || p->n != 2 || !scalar_int(p->kids[0], 0, &a) || !scalar_int(p->kids[1], 0, &b))
            return llmb_perr(c, "pg", p, exp, err);
        char t[32];
        snprintf(t, sizeof t, "%d,%d", a, b);
        if (llmb_pstep_arg(s, "-pg") || llmb_pstep_arg(s, t))
            return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    }
    return LLMB_OK;
}

static int keep_str(char **dst, const char *s)
{
    free(*dst);
    return (*dst = strdup(s)) ? LLMB_OK : LLMB_E_NOMEM;
}

int llmb_pkeys_section(struct llmb_pctx *c, const struct llmb_pnode *sec, const struct llmb_pnode *defs,
                       struct llmb_plan_step *step, struct llmb_error *err)
{
    const struct llmb_pnode *maps[2] = {defs, sec};
    for (int m = 0; m < 2; m++) /* unknown keys, in defaults and in the section */
        for (size_t i = 0; maps[m] && i + 1 < maps[m]->n; i += 2) {
            const struct llmb_pnode *key = maps[m]->kids[i];
            int known = 0;
            for (size_t j = 0; llmb_pkey_names[j]; j++)
                known |= key->type == LLMB_PN_SCALAR && !strcmp(key->s, llmb_pkey_names[j]);
            if (!known)
                return llmb_perr_unknown(c, m ? "a run" : "defaults", key, llmb_pkey_names, err);
            for (size_t j = 0; j + 1 < i; j += 2)
                if (!strcmp(maps[m]->kids[j]->s, key->s))
                    return llmb_perr(c, key->s, key, "each key once", err);
        }
    int kind = LLMB_PK_SPEED;
    const struct llmb_pnode *v = map_get(sec, "kind");
    v = v ? v : map_get(defs, "kind");
    if (v) {
        for (kind = 0; kind < LLMB_PK_COUNT; kind++)
            if (v->type == LLMB_PN_SCALAR && !strcmp(v->s, kind_names[kind]))
                break;
        if (kind == LLMB_PK_COUNT)
            return llmb_perr(c, "kind", v, "speed, quality or ladder", err);
    }
    const struct llmb_pnode *eng = map_get(sec, "engine") ? map_get(sec, "engine") : map_get(defs, "engine");
    c->names = eng && eng->type == LLMB_PN_SCALAR && !strcmp(eng->s, "null"); /* its models are names */
    if ((v = map_get(sec, "name"))) {
        if (v->type != LLMB_PN_SCALAR || !v->s[0])
            return llmb_perr(c, "name", v, "a name", err);
        if (keep_str(&step->name, v->s))
            return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    }
    if (keep_str(&step->cmd, kind_cmds[kind]) || llmb_pstep_arg(step, kind_cmds[kind]))
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    /* a ladder with both: the model where its file is there, else the shape stands in */
    const char *skip = NULL;
    const struct llmb_pnode *mv = map_get(sec, "model") ? map_get(sec, "model") : map_get(defs, "model");
    if (kind == LLMB_PK_LADDER && mv && (map_get(sec, "shape") || map_get(defs, "shape"))) {
        char path[4096];
        int there = mv->type == LLMB_PN_SCALAR && c->base_dir && !resolve(c, mv->s, path, sizeof path) &&
                    access(path, R_OK) == 0;
        skip = there ? "shape" : "model";
    }
    for (size_t i = 0; i < N_KEYS; i++) {
        const struct pkey *k = &keys[i];
        const struct llmb_pnode *own = map_get(sec, k->name);
        v = own ? own : map_get(defs, k->name);
        if (!v || (skip && !strcmp(k->name, skip)))
            continue;
        if (!k->flag[kind]) {
            if (!own) /* a default that this kind has no use for */
                continue;
            char exp[96];
            snprintf(exp, sizeof exp, "no '%s' in a %s run (see docs/plans.md)", k->name, kind_names[kind]);
            const struct llmb_pnode *key = NULL;
            for (size_t j = 0; j + 1 < sec->n; j += 2)
                key = sec->kids[j + 1] == own ? sec->kids[j] : key;
            return llmb_error_set(err, LLMB_E_INVAL, "%s: %s at %s:%d:%d", k->name, exp, c->file, key->line, key->col);
        }
        int rc;
        if (k->type == V_PG) {
            if ((rc = pg_flags(c, v, step, err)))
                return rc;
            continue;
        }
        char *text = NULL;
        if ((rc = value_text(c, k, kind, v, &text, err)))
            return rc;
        if (k->type == V_BOOL && !text)
            continue;
        int r2 = llmb_pstep_arg(step, k->flag[kind]);
        if (!r2 && k->type != V_BOOL)
            r2 = llmb_pstep_arg(step, text);
        if (!r2 && k->type == V_SHAPE)
            r2 = keep_str(&step->shape, text);
        if (!r2 && kind == LLMB_PK_LADDER && !strcmp(k->name, "model"))
            r2 = keep_str(&step->source, text);
        if (!r2 && k->type == V_QUANTS)
            r2 = keep_str(&step->quants, text);
        free(text);
        if (r2)
            return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    }
    if (kind != LLMB_PK_LADDER && !map_get(sec, "models") && !map_get(defs, "models"))
        return llmb_error_set(err, LLMB_E_INVAL, "models: a %s run needs models (paths or patterns) at %s:%d:%d",
                              kind_names[kind], c->file, sec->line, sec->col);
    if (kind == LLMB_PK_LADDER && !!step->shape == !!step->source)
        return llmb_error_set(err, LLMB_E_INVAL, "shape: a ladder run needs a shape or a model at %s:%d:%d", c->file,
                              sec->line, sec->col);
    if (kind == LLMB_PK_LADDER && !step->quants && keep_str(&step->quants, "default"))
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    return LLMB_OK;
}

/* opt.c - the option-table parser, validator and help printer shared by all
 * commands: the one place in the CLI where text becomes a number. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "opt.h"

/* name and the table's n equal, where a long name ("--x") may write '_'
 * for '-' (llama-bench reads --n_prompt as --n-prompt). */
static int same_name(const char *n, const char *name, size_t len)
{
    int lng = len > 2 && name[0] == '-' && name[1] == '-';
    for (size_t i = 0; i < len; i++)
        if (n[i] != name[i] && !(lng && n[i] == '-' && name[i] == '_'))
            return 0;
    return 1;
}

/* 1 when name is one of the comma-separated names in list (length-exact). */
static int has_name(const char *list, const char *name, size_t len)
{
    const char *p = list;
    while (*p) {
        const char *c = strchr(p, ',');
        size_t l = c ? (size_t)(c - p) : strlen(p);
        if (l == len && same_name(p, name, len))
            return 1;
        if (!c)
            break;
        p = c + 1;
    }
    return 0;
}

static const struct llmb_opt *lookup(const struct llmb_opt *t, const char *name, size_t len)
{
    for (; t->id; t++)
        if (has_name(t->names, name, len))
            return t;
    return NULL;
}

/* 1 when o's value is the next argument ("-p 512"); an optional value
 * ("[=PORT]") comes only as --name=value. */
static int value_follows(const struct llmb_opt *o)
{
    return o->arg && o->arg[0] != '[';
}

static int bounded(const struct llmb_opt *o)
{
    return o->min != 0 || o->max != 0;
}

/* A whole number: digits with an optional sign, nothing else. */
static int read_whole(const char *v, double *out)
{
    const char *p = v + (*v == '-' || *v == '+');
    if (*p < '0' || *p > '9')
        return -1;
    errno = 0;
    char *end;
    long long x = strtoll(v, &end, 10);
    if (*end || errno == ERANGE)
        return -1;
    *out = (double)x;
    return 0;
}

/* A finite number, with an optional '%' (pct) or binary size suffix (size). */
static int read_real(const char *v, enum llmb_opt_type t, double *out)
{
    static const char units[] = "KMGT";
    const char *p = v + (*v == '-' || *v == '+');
    if (!((*p >= '0' && *p <= '9') || *p == '.') || strpbrk(v, "xX")) /* no spaces, words or hex */
        return -1;
    errno = 0;
    char *end;
    double d = strtod(v, &end);
    if (end == v || errno == ERANGE || !isfinite(d))
        return -1;
    if (t == LLMB_OPT_PCT && *end == '%')
        end++;
    if (t == LLMB_OPT_SIZE && *end) {
        const char *u = strchr(units, (char)(*end & ~0x20));
        if (u) {
            d *= pow(1024.0, (double)(u - units + 1));
            end++;
            if (!strcasecmp(end, "iB"))
                end += 2;
        }
        if (!strcasecmp(end, "B"))
            end++;
    }
    if (*end)
        return -1;
    *out = d;
    return 0;
}

static int has_word(const char *words, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = words; p && *p;) {
        const char *c = strchr(p, '|');
        size_t l = c ? (size_t)(c - p) : strlen(p);
        if (l == n && !strncmp(p, v, n))
            return 1;
        p = c ? c + 1 : NULL;
    }
    return 0;
}

static const char *kind(enum llmb_opt_type t)
{
    switch (t) {
    case LLMB_OPT_INT:
    case LLMB_OPT_U64: return "a whole number";
    case LLMB_OPT_LIST: return "a list of whole numbers";
    case LLMB_OPT_SIZE: return "a size (e.g. 4G, 512M, 1.5GiB)";
    default: return "a number";
    }
}

static int refuse(const struct llmb_opt *o, const char *name, const char *v, struct llmb_error *err)
{
    const char *more = strlen(v) > 40 ? "..." : "";
    if (bounded(o))
        return llmb_error_set(err, LLMB_E_INVAL, "%s: '%.40s%s' is not %s in [%.15g, %.15g]", name, v, more,
                              kind(o->type), o->min, o->max);
    return llmb_error_set(err, LLMB_E_INVAL, "%s: '%.40s%s' is not %s", name, v, more, kind(o->type));
}

int llmb_opt_check(const struct llmb_opt *o, const char *name, const char *v, double *num, struct llmb_int_list *list,
                   struct llmb_error *err)
{
    double d = 0;
    if (o->word && v && !strcmp(v, o->word))
        return LLMB_OK;
    switch (o->type) {
    case LLMB_OPT_STR:
    case LLMB_OPT_FLAG: return LLMB_OK;
    case LLMB_OPT_ENUM:
        if (!has_word(o->arg, v))
            return llmb_error_set(err, LLMB_E_INVAL, "%s: '%s' is not one of %s", name, v, o->arg);
        return LLMB_OK;
    case LLMB_OPT_INT:
    case LLMB_OPT_U64:
        if (read_whole(v, &d))
            return refuse(o, name, v, err);
        break;
    case LLMB_OPT_DOUBLE:
    case LLMB_OPT_PCT:
    case LLMB_OPT_SIZE:
        if (read_real(v, o->type, &d))
            return refuse(o, name, v, err);
        break;
    case LLMB_OPT_LIST: {
        struct llmb_int_list l = {0};
        struct llmb_error e = {0};
        int rc = llmb_plan_parse_ints(v, o->min < 0 ? (int)o->min : 0, &l, &e);
        for (size_t i = 0; rc == LLMB_OK && i < l.n; i++)
            if (bounded(o) && (l.v[i] < o->min || l.v[i] > o->max))
                rc = llmb_error_set(&e, LLMB_E_INVAL, "%d is not in [%.15g, %.15g]", l.v[i], o->min, o->max);
        for (size_t i = 0; rc == LLMB_OK && list && i < l.n; i++)
            rc = llmb_int_list_push(list, l.v[i]);
        llmb_int_list_free(&l);
        return rc ? llmb_error_set(err, rc, "%s: %s", name, e.msg) : LLMB_OK; /* e names the value, cut */
    }
    }
    if (bounded(o) && (d < o->min || d > o->max))
        return refuse(o, name, v, err);
    if (num)
        *num = d;
    return LLMB_OK;
}

static void store(const struct llmb_opt *o, void *user, double d)
{
    char *dst = (char *)user + (o->at - 1);
    switch (o->type) {
    case LLMB_OPT_INT: *(int *)dst = (int)d; break;
    case LLMB_OPT_U64: *(uint64_t *)dst = (uint64_t)d; break;
    case LLMB_OPT_DOUBLE:
    case LLMB_OPT_PCT:
    case LLMB_OPT_SIZE: *(double *)dst = d; break;
    case LLMB_OPT_FLAG: *(int *)dst = 1; break;
    default: break;
    }
}

void llmb_opt_defaults(const struct llmb_opt *t, void *user)
{
    for (; t->id; t++) {
        double d;
        if (t->at && t->def && t->type != LLMB_OPT_LIST && t->type != LLMB_OPT_FLAG &&
            !llmb_opt_check(t, t->names, t->def, &d, NULL, NULL) && !(t->word && !strcmp(t->def, t->word)))
            store(t, user, d);
    }
}

double llmb_opt_value(const char *v)
{
    double d = 0;
    if (v && read_real(v, LLMB_OPT_SIZE, &d) && read_real(v, LLMB_OPT_PCT, &d))
        d = strtod(v, NULL);
    return d;
}

int llmb_opt_parse(const struct llmb_opt *table, int argc, char **argv, llmb_opt_cb cb, void *user,
                   struct llmb_error *err)
{
    int only_pos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int rc;
        if (only_pos || a[0] != '-' || a[1] == '\0') {
            if ((rc = cb(-1, NULL, a, user, err)))
                return rc;
            continue;
        }
        if (!strcmp(a, "--")) {
            only_pos = 1;
            continue;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help"))
            return LLMB_OPT_HELP;
        const char *eq = !strncmp(a, "--", 2) ? strchr(a, '=') : NULL;
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        const struct llmb_opt *o = lookup(table, a, len);
        if (!o)
            return llmb_error_set(err, LLMB_E_INVAL, "unknown option '%.*s' (see --help)", (int)len, a);
        const char *val = NULL;
        if (o->arg && !value_follows(o)) { /* an optional value ("[=PORT]"): only as --name=value */
            val = eq ? eq + 1 : NULL;
        } else if (o->arg) {
            if (eq)
                val = eq + 1;
            else if (i + 1 < argc)
                val = argv[++i];
            else
                return llmb_error_set(err, LLMB_E_INVAL, "option '%s' needs a value (%s)", a, o->arg);
        } else if (eq) {
            return llmb_error_set(err, LLMB_E_INVAL, "option '%.*s' takes no value", (int)len, a);
        }
        double d = 0;
        struct llmb_int_list *l = NULL;
        if (o->at && o->type == LLMB_OPT_LIST)
            l = (struct llmb_int_list *)(void *)((char *)user + (o->at - 1));
        char nm[64];
        snprintf(nm, sizeof nm, "%.*s", (int)len, a);
        int absent = o->arg && o->arg[0] == '[' && !val; /* an optional value not given */
        if (!absent && (rc = llmb_opt_check(o, nm, val, &d, l, err)))
            return rc;
        if (o->at && !absent && !(o->word && val && !strcmp(val, o->word)))
            store(o, user, d);
        if ((!o->at || o->word) && (rc = cb(o->id, a, val, user, err))) /* stored: the callback is not needed */
            return rc;
    }
    return LLMB_OK;
}

void llmb_opt_usage(FILE *f, const char *usage, const char *about, const struct llmb_opt *t)
{
    fprintf(f, "usage: %s\n\n%s\n\noptions:\n", usage, about);
    for (; t->id; t++) {
        char lhs[96];
        snprintf(lhs, sizeof lhs, "%s%s%s", t->names, t->arg && t->arg[0] != '[' ? " " : "", t->arg ? t->arg : "");
        fprintf(f, "  %-34s %s", lhs, t->help);
        if (t->type >= LLMB_OPT_INT && t->type <= LLMB_OPT_LIST && bounded(t))
            fprintf(f, " [%.15g...%.15g]", t->min, t->max);
        if (t->def)
            fprintf(f, " (default: %s)", t->def);
        fputc('\n', f);
    }
    fprintf(f, "  %-34s %s\n", "-h, --help", "show this help");
}

int llmb_opt_wants_help(const struct llmb_opt *table, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--"))
            return 0;
        if (!strcmp(a, "-h") || !strcmp(a, "--help"))
            return 1;
        if (a[0] != '-' || a[1] == '\0' || (!strncmp(a, "--", 2) && strchr(a, '=')))
            continue;
        const struct llmb_opt *o = lookup(table, a, strlen(a));
        if (o && value_follows(o))
            i++; /* its value */
    }
    return 0;
}

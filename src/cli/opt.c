/* opt.c - the option-table parser and help printer shared by all commands. */
#include <string.h>

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
        if (o->arg) {
            if (eq)
                val = eq + 1;
            else if (i + 1 < argc)
                val = argv[++i];
            else
                return llmb_error_set(err, LLMB_E_INVAL, "option '%s' needs a value (%s)", a, o->arg);
        } else if (eq) {
            return llmb_error_set(err, LLMB_E_INVAL, "option '%.*s' takes no value", (int)len, a);
        }
        if ((rc = cb(o->id, a, val, user, err)))
            return rc;
    }
    return LLMB_OK;
}

void llmb_opt_usage(FILE *f, const char *usage, const char *about, const struct llmb_opt *t)
{
    fprintf(f, "usage: %s\n\n%s\n\noptions:\n", usage, about);
    for (; t->id; t++) {
        char lhs[96];
        snprintf(lhs, sizeof lhs, "%s%s%s", t->names, t->arg ? " " : "", t->arg ? t->arg : "");
        fprintf(f, "  %-34s %s", lhs, t->help);
        if (t->def)
            fprintf(f, " (default: %s)", t->def);
        fputc('\n', f);
    }
    fprintf(f, "  %-34s %s\n", "-h, --help", "show this help");
}

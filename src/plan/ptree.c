/* ptree.c - a plan file's YAML as a tree with marks (ptree.h). Events are
 * folded into nodes with an explicit stack, so nesting costs no C stack;
 * depth and node count are bounded, anchors/aliases and several documents
 * are refused (a plan has no need of them, and aliases multiply work). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/utf8.h"
#include "plan/ptree.h"

void llmb_ptree_free(struct llmb_pnode *n)
{
    if (!n)
        return;
    /* recursion as deep as the tree: LLMB_PTREE_MAX_DEPTH at most */
    for (size_t i = 0; i < n->n; i++)
        llmb_ptree_free(n->kids[i]);
    free(n->kids);
    free(n->s);
    free(n);
}

void llmb_ptree_got(const struct llmb_pnode *n, char *buf, size_t len)
{
    if (n->type == LLMB_PN_SEQ)
        snprintf(buf, len, "a list");
    else if (n->type == LLMB_PN_MAP)
        snprintf(buf, len, "a map");
    else if (n->len > 40)
        snprintf(buf, len, "\"%.37s...\"", n->s);
    else
        snprintf(buf, len, "\"%s\"", n->s);
}

static int add_kid(struct llmb_pnode *p, struct llmb_pnode *k)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 4;
        struct llmb_pnode **v = realloc(p->kids, cap * sizeof *v);
        if (!v)
            return LLMB_E_NOMEM;
        p->kids = v;
        p->cap = cap;
    }
    p->kids[p->n++] = k;
    return LLMB_OK;
}

static struct llmb_pnode *node_new(int type, const yaml_mark_t *m)
{
    struct llmb_pnode *n = calloc(1, sizeof *n);
    if (n) {
        n->type = type;
        n->line = (int)m->line + 1;
        n->col = (int)m->column + 1;
    }
    return n;
}

static int at(struct llmb_error *err, const char *name, const yaml_mark_t *m, const char *what)
{
    return llmb_error_set(err, LLMB_E_INVAL, "%s at %s:%zu:%zu", what, name, m->line + 1, m->column + 1);
}

/* One event into the tree: a new node goes under the top of the stack. */
static int fold(const char *name, yaml_event_t *ev, struct llmb_pnode **stack, int *depth, size_t *count,
                struct llmb_pnode **root, struct llmb_error *err)
{
    const yaml_mark_t *m = &ev->start_mark;
    int type;
    switch (ev->type) {
    case YAML_ALIAS_EVENT: return at(err, name, m, "anchors and aliases (*name) are not supported in plans");
    case YAML_SCALAR_EVENT: type = LLMB_PN_SCALAR; break;
    case YAML_SEQUENCE_START_EVENT: type = LLMB_PN_SEQ; break;
    case YAML_MAPPING_START_EVENT: type = LLMB_PN_MAP; break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: --*depth; return LLMB_OK;
    case YAML_DOCUMENT_START_EVENT:
        if (*root)
            return at(err, name, m, "a plan is one YAML document; a second one starts");
        return LLMB_OK;
    default: return LLMB_OK;
    }
    if ((type == LLMB_PN_SCALAR && ev->data.scalar.anchor) || (type == LLMB_PN_SEQ && ev->data.sequence_start.anchor) ||
        (type == LLMB_PN_MAP && ev->data.mapping_start.anchor))
        return at(err, name, m, "anchors and aliases (&name) are not supported in plans");
    if (++*count > LLMB_PTREE_MAX_NODES)
        return llmb_error_set(err, LLMB_E_INVAL, "the plan has more than %d values at %s:%zu:%zu", LLMB_PTREE_MAX_NODES,
                              name, m->line + 1, m->column + 1);
    struct llmb_pnode *n = node_new(type, m);
    if (!n)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    if (type == LLMB_PN_SCALAR) {
        n->len = ev->data.scalar.length;
        n->quoted = ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                    ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
        if (!(n->s = malloc(n->len + 1))) {
            free(n);
            return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        }
        memcpy(n->s, ev->data.scalar.value, n->len);
        n->s[n->len] = 0;
        if (strlen(n->s) != n->len) {
            llmb_ptree_free(n);
            return at(err, name, m, "a value holds a NUL character");
        }
    }
    int rc = LLMB_OK;
    if (*depth == 0) {
        if (*root) {
            llmb_ptree_free(n);
            return at(err, name, m, "a plan is one YAML document");
        }
        *root = n;
    } else if ((rc = add_kid(stack[*depth - 1], n))) {
        llmb_ptree_free(n);
        return llmb_error_set(err, rc, "out of memory");
    }
    if (type != LLMB_PN_SCALAR) {
        if (*depth >= LLMB_PTREE_MAX_DEPTH)
            return llmb_error_set(err, LLMB_E_INVAL, "nesting deeper than %d levels at %s:%zu:%zu",
                                  LLMB_PTREE_MAX_DEPTH, name, m->line + 1, m->column + 1);
        stack[(*depth)++] = n;
    }
    return LLMB_OK;
}

int llmb_ptree_parse(const char *name, const char *text, size_t len, struct llmb_pnode **root, struct llmb_error *err)
{
    *root = NULL;
    size_t bad = 0;
    if (!llmb_utf8_valid(text, len, &bad)) {
        int line = 1, col = 1;
        for (size_t i = 0; i < bad; i++, col++)
            if (text[i] == '\n')
                line++, col = 0;
        return llmb_error_set(err, LLMB_E_INVAL, "not valid UTF-8 (byte %zu) at %s:%d:%d", bad, name, line, col);
    }
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    struct llmb_pnode *stack[LLMB_PTREE_MAX_DEPTH + 1];
    int depth = 0, rc = LLMB_OK, done = 0;
    size_t count = 0;
    while (!rc && !done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            rc = llmb_error_set(err, LLMB_E_INVAL, "not valid YAML: %s at %s:%zu:%zu",
                                p.problem ? p.problem : "syntax error", name, p.problem_mark.line + 1,
                                p.problem_mark.column + 1);
            break;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        rc = fold(name, &ev, stack, &depth, &count, root, err);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    if (!rc && !*root)
        rc = llmb_error_set(err, LLMB_E_INVAL, "%s is empty: a plan needs at least 'version: 1' and 'runs:'", name);
    if (!rc && (*root)->type != LLMB_PN_MAP) {
        char got[64];
        llmb_ptree_got(*root, got, sizeof got);
        rc = llmb_error_set(err, LLMB_E_INVAL,
                            "plan: expected a map of keys (version, defaults, runs), got %s at "
                            "%s:%d:%d",
                            got, name, (*root)->line, (*root)->col);
    }
    if (rc) {
        llmb_ptree_free(*root);
        *root = NULL;
    }
    return rc;
}

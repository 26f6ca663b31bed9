/* ptree.h - a plan file's text as a tree of scalars, lists and maps, each
 * node with its line and column, read through libyaml's event API with
 * limits (depth, nodes) and no anchors or aliases. JSON is YAML's flow
 * syntax, so JSON plans read the same way. */
#ifndef LLMB_PLAN_PTREE_H
#define LLMB_PLAN_PTREE_H

#include <stddef.h>

#include "llmbench/llmbench.h"

enum { LLMB_PN_SCALAR, LLMB_PN_SEQ, LLMB_PN_MAP };

#define LLMB_PTREE_MAX_DEPTH 16
#define LLMB_PTREE_MAX_NODES 100000

struct llmb_pnode {
    int type;                 /* LLMB_PN_* */
    char *s;                  /* scalar text (NUL-terminated, UTF-8) */
    size_t len;               /* its length (a NUL inside is refused) */
    int quoted;               /* '...' or "...": a string, never a number */
    int line, col;            /* 1-based */
    struct llmb_pnode **kids; /* seq: items; map: key, value, key, value... */
    size_t n, cap;
};

/* Parses text into *root (a map, the document's top). name is the file's
 * name in errors ("plan.yaml:3:5: ..."). */
int llmb_ptree_parse(const char *name, const char *text, size_t len, struct llmb_pnode **root, struct llmb_error *err);
void llmb_ptree_free(struct llmb_pnode *n);
/* "a list", "a map", or the scalar quoted: what an error says it got. */
void llmb_ptree_got(const struct llmb_pnode *n, char *buf, size_t len);

#endif

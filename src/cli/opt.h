/* opt.h - option tables: each command declares its flags once (names, type,
 * destination, default, bounds, help); parsing, validation, defaults and
 * --help all come from the same table. Only this module converts numbers. */
#ifndef LLMB_CLI_OPT_H
#define LLMB_CLI_OPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "llmbench/llmbench.h"
#include "llmbench/plan.h"

/* The most threads any command accepts (documented in --help). */
#define LLMB_MAX_THREADS 4096

/* What a value is. Numeric types refuse nan, inf, overflow and anything past
 * [min, max]; integer types refuse fractions. */
enum llmb_opt_type {
    LLMB_OPT_STR = 0, /* any text, handed to the callback (the default type) */
    LLMB_OPT_FLAG,    /* no value (arg NULL) */
    LLMB_OPT_INT,     /* a whole number; destination: int */
    LLMB_OPT_U64,     /* a whole number; destination: uint64_t (seeds) */
    LLMB_OPT_DOUBLE,  /* a finite number; destination: double */
    LLMB_OPT_PCT,     /* a finite number, an optional trailing '%'; destination: double */
    LLMB_OPT_SIZE,    /* bytes, with K/M/G/T (binary) suffixes; destination: double */
    LLMB_OPT_LIST,    /* a list of whole numbers with ranges (first-last+step, *step), each in [min, max],
                       * read by llmb_plan_parse_ints; destination: struct llmb_int_list (appended) */
    LLMB_OPT_ENUM,    /* one of the '|'-separated words of arg; handed to the callback */
};

struct llmb_opt {
    int id;            /* handed to the callback; 0 ends the table */
    const char *names; /* "-p,--n-prompt" */
    const char *arg;   /* value placeholder ("LIST"), NULL for a flag; "[=PORT]": an optional value, given
                        * only as --name=value (the callback gets NULL without one) */
    const char *def;   /* default shown in --help and, for a typed destination, applied */
    const char *help;
    enum llmb_opt_type type;
    double min, max;  /* bounds of numeric types (both 0: none) */
    size_t at;        /* LLMB_OPT_AT(struct, member): where the value goes; 0: the callback */
    const char *word; /* a word accepted besides a number ("auto"), handed to the callback */
};

/* Destination of an option: a member of the struct handed to llmb_opt_parse as user. */
#define LLMB_OPT_AT(type, member) (offsetof(type, member) + 1)

/* Called per option (val NULL for flags) and per positional argument
 * (id -1), after the value was validated; not for an option whose value
 * went to its destination (at), unless it has a word (the word, or any
 * value, is then handed over too). Returns an llmb code; non-zero stops
 * parsing. */
typedef int (*llmb_opt_cb)(int id, const char *name, const char *val, void *user, struct llmb_error *err);

/* Parses argv[0..argc) (argv[0] is the first argument, not the program).
 * Accepts "--name value", "--name=value" and "-n value". "-h"/"--help" gives
 * LLMB_OPT_HELP. Errors are one line naming the option and the value. */
#define LLMB_OPT_HELP (-100)
int llmb_opt_parse(const struct llmb_opt *table, int argc, char **argv, llmb_opt_cb cb, void *user,
                   struct llmb_error *err);

/* Stores the table's defaults in user for every option with a destination
 * whose default is a value of its type ("physical cores" is not). */
void llmb_opt_defaults(const struct llmb_opt *table, void *user);

/* Checks val against o and converts it: *num gets a number (INT, U64, DOUBLE,
 * PCT, SIZE), list (may be NULL) the elements of a LIST. */
int llmb_opt_check(const struct llmb_opt *o, const char *name, const char *val, double *num, struct llmb_int_list *list,
                   struct llmb_error *err);

/* The number a value of an INT, U64 or DOUBLE option stands for, for
 * callbacks of options without a destination (llmb_opt_parse validated it). */
double llmb_opt_value(const char *val);

void llmb_opt_usage(FILE *f, const char *usage, const char *about, const struct llmb_opt *table);

/* One command: its name, runner, help and options. run returns an llmb
 * code with err filled (LLMB_E_INVAL / LLMB_E_MODEL: bad input, exit 2;
 * LLMB_E_INTERRUPTED: told already, exit 130; LLMB_E_FAILED without a
 * message: failures shown in the output, exit 1; any other: exit 1). */
struct llmb_cli_command {
    const char *name;
    int (*run)(int argc, char **argv, struct llmb_error *err);
    const char *help;  /* one line for llmbench --help */
    const char *usage; /* "llmbench compare A B [options]" */
    const char *about; /* what the command does, for its --help */
    int reads;         /* changes nothing: an interruption has nothing to undo or keep */
    const struct llmb_opt *opts;
};
extern const struct llmb_cli_command llmb_cli_commands[];
extern const size_t llmb_cli_n_commands;
const struct llmb_cli_command *llmb_cli_command_find(const char *name);
/* The skeleton: --help from the registry, c->run, its error printed once
 * (llmb_cli_error), the exit status from its code. */
int llmb_cli_command_main(const struct llmb_cli_command *c, int argc, char **argv);
/* 0 -> 0; LLMB_E_INVAL, LLMB_E_MODEL -> 2; LLMB_E_INTERRUPTED -> 130; others -> 1. */
int llmb_cli_exit_status(int rc);

/* 1 when -h or --help is among argv as an option (not an option's value). */
int llmb_opt_wants_help(const struct llmb_opt *table, int argc, char **argv);

#endif

/* hw.c - `llmbench hw`: the machine as llmbench sees it (CPU, instruction
 * sets, topology, caches, NUMA, memory, OS, frequencies, the engine's
 * devices, NVML), as text or --json; --bandwidth adds the memory bandwidth
 * (measured once per machine and kept in the store with its date;
 * --remeasure measures again); --matrix prints the compatibility matrix
 * from the stored evidence. The facts come from src/probe and src/store;
 * this file parses flags and prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "llmbench/bandwidth.h"
#include "llmbench/engine.h"
#include "llmbench/hw.h"
#include "signals.h"
#include "store_cli.h"

enum {
    O_JSON = 1,
    O_ROOT,
    O_NO_DEVICES,
    O_BANDWIDTH,
    O_REMEASURE,
    O_THREADS,
    O_SIZE,
    O_REPS,
    O_MATRIX,
    O_NO_DB,
    O_RPC
};

struct hw_cli {
    struct llmb_cli_store st;
    double bw_size;
    int json, no_devices, bandwidth, remeasure, matrix, no_db;
    struct llmb_bw_params bw;
    const char *root, *rpc;
};

const struct llmb_opt llmb_hw_opts[] = {
    {O_JSON, "--json", NULL, NULL, "print JSON instead of text", LLMB_OPT_FLAG, 0, 0, 0, NULL},
    {O_BANDWIDTH, "--bandwidth", NULL, NULL, "add the memory bandwidth (read, copy, triad; kept in the store)",
     LLMB_OPT_FLAG, 0, 0, 0, NULL},
    {O_REMEASURE, "--remeasure", NULL, NULL, "measure the bandwidth again even when the store has it", LLMB_OPT_FLAG, 0,
     0, 0, NULL},
    {O_THREADS, "-t,--threads", "N", "physical cores", "bandwidth threads", LLMB_OPT_INT, 1, LLMB_MAX_THREADS, 0, NULL},
    {O_SIZE, "--bw-size", "SIZE", NULL, "bytes per bandwidth array (K/M/G; default 4 x LLC, 256M-1G)", LLMB_OPT_SIZE,
     1 << 20, 1099511627776.0, LLMB_OPT_AT(struct hw_cli, bw_size), NULL},
    {O_REPS, "--bw-reps", "N", "5", "bandwidth: best of N repetitions", LLMB_OPT_INT, 1, 1000, 0, NULL},
    {O_MATRIX, "--matrix", NULL, NULL, "print the compatibility matrix of the store instead", LLMB_OPT_FLAG, 0, 0, 0,
     NULL},
    {O_NO_DB, "--no-db", NULL, NULL, "bandwidth: neither read nor keep it in the store", LLMB_OPT_FLAG, 0, 0, 0, NULL},
    {O_ROOT, "--root", "DIR", "/", "read /proc and /sys under DIR (a saved or fixture tree)", LLMB_OPT_STR, 0, 0, 0,
     NULL},
    {O_NO_DEVICES, "--no-devices", NULL, NULL, "do not ask the engine or NVML for devices", LLMB_OPT_FLAG, 0, 0, 0,
     NULL},
    {O_RPC, "-rpc,--rpc", "SERVERS", NULL,
     "llama.cpp RPC servers (host:port,...): their devices are listed and, with --bandwidth, measured", LLMB_OPT_STR, 0,
     0, 0, NULL},
    LLMB_STORE_DB_OPTS,
    {0},
};

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct hw_cli *c = user;
    int rc;
    if (llmb_cli_store_opt(&c->st, id, name, v, &rc, err))
        return rc;
    switch (id) {
    case -1: return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s' (see llmbench hw --help)", v);
    case O_JSON: c->json = 1; return LLMB_OK;
    case O_ROOT: c->root = v; return LLMB_OK;
    case O_NO_DEVICES: c->no_devices = 1; return LLMB_OK;
    case O_BANDWIDTH: c->bandwidth = 1; return LLMB_OK;
    case O_REMEASURE: c->remeasure = c->bandwidth = 1; return LLMB_OK;
    case O_THREADS: c->bw.threads = (int)llmb_opt_value(v); return LLMB_OK;
    case O_REPS: c->bw.reps = (int)llmb_opt_value(v); return LLMB_OK;
    case O_MATRIX: c->matrix = 1; return LLMB_OK;
    case O_NO_DB: c->no_db = 1; return LLMB_OK;
    case O_RPC: c->rpc = v; return LLMB_OK;
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
}

/* The bandwidth: the store's, unless asked to remeasure (or it has none). */
static int bandwidth(const struct hw_cli *c, struct llmb_bw_result *bw, struct llmb_error *err)
{
    struct llmb_store *s = NULL;
    int found = 0, rc = LLMB_OK;
    if (!c->no_db && (rc = llmb_cli_store_open(&c->st, 0, &s, err)))
        return rc;
    if (s && !c->remeasure)
        rc = llmb_store_get_bandwidth(s, NULL, bw, &found, err);
    if (!rc && !found) {
        if (!c->json)
            fprintf(stderr, "llmbench: measuring memory bandwidth...\n");
        volatile int *stop = llmb_cli_signals_catch();
        rc = llmb_bw_measure(&c->bw, stop, bw, err);
        if (!rc && s)
            rc = llmb_store_put_bandwidth(s, bw, err);
    }
    if (s)
        llmb_store_close(s);
    /* each device's own memory, every time (which devices are there changes with -rpc and drivers) */
    uint64_t bytes = c->bw.array_bytes ? c->bw.array_bytes : 256ull << 20;
    if (!rc && !c->no_devices) /* -rpc's servers were registered by llmb_cmd_hw */
        llmb_bw_devices(llmb_engine_default(), bytes, c->bw.reps, bw);
    return rc;
}

int llmb_cli_hw_matrix(const struct llmb_cli_store *st, int json, struct llmb_error *err);

int llmb_cmd_hw(int argc, char **argv, struct llmb_error *err)
{
    struct hw_cli c = {0};
    llmb_cli_store_init(&c.st);
    int rc = llmb_opt_parse(llmb_hw_opts, argc, argv, on_opt, &c, err);
    c.bw.array_bytes = (uint64_t)c.bw_size; /* stored by the table (at): no callback */
    if (!rc && c.root && access(c.root, R_OK) != 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "--root '%s' does not exist", c.root);
    if (!rc && c.matrix && c.bandwidth)
        rc = llmb_error_set(err, LLMB_E_INVAL, "--matrix and --bandwidth do not go together");
    if (rc)
        return llmb_cli_input(rc);
    if (c.matrix)
        return llmb_cli_hw_matrix(&c.st, c.json, err);
    if (c.rpc && !c.no_devices && (rc = llmb_engine_use_rpc(llmb_engine_default(), c.rpc, err)))
        return llmb_cli_input(rc);
    struct llmb_bw_result bw = {0};
    if (c.bandwidth && (rc = bandwidth(&c, &bw, err)))
        return rc == LLMB_E_INTERRUPTED ? llmb_cli_interrupted_say("%s; nothing kept", err->msg) : rc;
    static struct llmb_hw hw;
    llmb_hw_snapshot(c.root, c.no_devices ? 0 : LLMB_HW_ALL, &hw);
    if (c.json) {
        char *s = llmb_hw_json(&hw, c.bandwidth ? &bw : NULL, 1);
        if (!s)
            return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        puts(s);
        free(s);
    } else
        llmb_hw_print(stdout, &hw, c.bandwidth ? &bw : NULL);
    return fflush(stdout) == 0 ? LLMB_OK : llmb_error_set(err, LLMB_E_IO, "cannot write to standard output");
}

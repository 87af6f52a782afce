/* fuzz_scenario.c - the fuzzing target for the scenario loader.
 *
 * One input is one scenario text. It goes through everything `tradewar validate` does
 * with a file: the config tree (libyaml parse, YAML hazards, extends), the runner's keys,
 * the trade model's keys and calibration, and the unknown-key check. A refusal is a
 * normal outcome; what the sanitizers and the checks below catch is anything else: a
 * crash, a leak, undefined behaviour, a success without a tree, a refusal without a
 * message, or an error message that is not one line.
 *
 * A tree that loads is also emitted and loaded back: the emitter promises text that
 * loads to the same tree, so the two hashes must agree. That turns the emitter's quoting
 * rules into something the fuzzer can break.
 *
 * Built with clang's libFuzzer (fuzz/CMakeLists.txt, tools/fuzz). The same function is
 * linked with fuzz_replay.c into a plain program that runs saved inputs once each, so
 * the crash regressions in fuzz/regressions/ run in every build, with any compiler.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_config.h"
#include "tw_runner.h"
#include "tw_trade.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise: report it and abort, which every fuzzing engine records as a crash. */
static void tw__fuzz_fail(const char *what, const char *detail) {
    fprintf(stderr, "fuzz_scenario: %s: %s\n", what, detail != NULL ? detail : "");
    abort();
}

/* A refusal must carry a non-empty message of one line and a status that maps to exit 2
 * (bad input) or, for an allocation failure, 1. */
static void tw__check_refusal(tw_status st, const tw_err *err) {
    if (err->msg[0] == '\0') tw__fuzz_fail("refusal without a message", tw_strerror(st));
    if (strchr(err->msg, '\n') != NULL) tw__fuzz_fail("message is not one line", err->msg);
    if (st != TW_ECONFIG && st != TW_EDATA && st != TW_ENOMEM)
        tw__fuzz_fail("unexpected status for bad input", err->msg);
}

/* Emit the tree and load the text back: the hash of the reloaded tree must be the same. */
static void tw__check_round_trip(const tw_cfg *cfg) {
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    if (fp == NULL) return;
    int bad = tw_cfg_emit(cfg, fp);
    if (fclose(fp) != 0 || bad != 0) {
        free(text);
        tw__fuzz_fail("emit failed", NULL);
    }
    tw_cfg *again = NULL;
    tw_err err;
    tw_err_clear(&err);
    tw_status st = tw_cfg_load_string("emitted.yaml", text, len, &again, &err);
    if (st != TW_OK) {
        fprintf(stderr, "emitted text:\n%s\n", text);
        tw__fuzz_fail("emitted tree does not load back", err.msg);
    }
    if (tw_cfg_hash(again) != tw_cfg_hash(cfg)) {
        fprintf(stderr, "emitted text:\n%s\n", text);
        tw__fuzz_fail("emitted tree loads back to a different tree", NULL);
    }
    tw_cfg_free(again);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    tw_cfg *cfg = NULL;
    tw_err err;
    tw_err_clear(&err);
    tw_status st = tw_cfg_load_string("fuzz.yaml", (const char *)data, size, &cfg, &err);
    if (st != TW_OK) {
        if (cfg != NULL) tw__fuzz_fail("failed load left a tree", err.msg);
        tw__check_refusal(st, &err);
        return 0;
    }
    if (cfg == NULL || tw_cfg_root(cfg) == NULL) tw__fuzz_fail("load succeeded without a tree", NULL);
    tw__check_round_trip(cfg);

    /* The same phases as `tradewar validate`. */
    const tw_cfg_node *root = tw_cfg_root(cfg);
    tw_run_spec spec;
    void *params = NULL;
    st = tw_run_spec_load(root, &spec, &err);
    if (st == TW_OK) st = tw_trade_model.load(root, &params, &err);
    if (st == TW_OK) st = tw_cfg_check_unused(cfg, &err);
    if (st != TW_OK) tw__check_refusal(st, &err);
    if (params != NULL) tw_trade_model.free_params(params);
    tw_cfg_free(cfg);
    return 0;
}

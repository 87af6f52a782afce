/* fuzz_scenario.c - the fuzzing target for the scenario loader.
 *
 * One input is one scenario text, optionally followed by a line "#--set" and then one
 * --set assignment per line. It goes through everything `tradewar validate` does: the
 * config tree (libyaml parse, YAML hazards, extends), the overrides, the runner's keys,
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
static void fuzz_fail(const char *what, const char *detail) {
    fprintf(stderr, "fuzz_scenario: %s: %s\n", what, detail != NULL ? detail : "");
    abort();
}

/* A refusal must carry a non-empty message of one line and a status that maps to exit 2
 * (bad input) or, for an allocation failure, 1. */
static void check_refusal(tw_status st, const tw_err *err) {
    if (err->msg[0] == '\0') fuzz_fail("refusal without a message", tw_strerror(st));
    if (strchr(err->msg, '\n') != NULL) fuzz_fail("message is not one line", err->msg);
    if (st != TW_ECONFIG && st != TW_EDATA && st != TW_ENOMEM)
        fuzz_fail("unexpected status for bad input", err->msg);
}

/* Emit the tree and load the text back: the hash of the reloaded tree must be the same. */
static void check_round_trip(const tw_cfg *cfg) {
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    if (fp == NULL) return;
    int bad = tw_cfg_emit(cfg, fp);
    if (fclose(fp) != 0 || bad != 0) {
        free(text);
        fuzz_fail("emit failed", NULL);
    }
    tw_cfg *again = NULL;
    tw_err err;
    tw_err_clear(&err);
    tw_status st = tw_cfg_load_string("emitted.yaml", text, len, &again, &err);
    if (st != TW_OK) {
        fprintf(stderr, "emitted text:\n%s\n", text);
        fuzz_fail("emitted tree does not load back", err.msg);
    }
    if (tw_cfg_hash(again) != tw_cfg_hash(cfg)) {
        fprintf(stderr, "emitted text:\n%s\n", text);
        fuzz_fail("emitted tree loads back to a different tree", NULL);
    }
    tw_cfg_free(again);
    free(text);
}

/* Apply the --set lines of text[0..len) in order, as the program does, up to the first
 * refusal (TW_EUSAGE, one line, like any other). */
static tw_status apply_sets(tw_cfg *cfg, const char *text, size_t len, tw_err *err) {
    char *copy = malloc(len + 1);
    if (copy == NULL) return TW_OK;
    memcpy(copy, text, len);
    copy[len] = '\0';
    tw_status st = TW_OK;
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line != NULL && st == TW_OK;
         line = strtok_r(NULL, "\n", &save))
        st = tw_cfg_set(cfg, line, err);
    free(copy);
    if (st != TW_OK && st != TW_EUSAGE && st != TW_ENOMEM)
        fuzz_fail("unexpected status from --set", err->msg);
    if (st != TW_OK && (err->msg[0] == '\0' || strchr(err->msg, '\n') != NULL))
        fuzz_fail("--set refusal is not one line", err->msg);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char marker[] = "\n#--set\n";
    const char *text = (const char *)data;
    size_t yaml_len = size, mlen = sizeof marker - 1;
    for (size_t i = 0; i + mlen <= size; i++)
        if (memcmp(text + i, marker, mlen) == 0) {
            yaml_len = i + 1;
            break;
        }
    tw_cfg *cfg = NULL;
    tw_err err;
    tw_err_clear(&err);
    tw_status st = tw_cfg_load_string("fuzz.yaml", text, yaml_len, &cfg, &err);
    if (st != TW_OK) {
        if (cfg != NULL) fuzz_fail("failed load left a tree", err.msg);
        check_refusal(st, &err);
        return 0;
    }
    if (cfg == NULL || tw_cfg_root(cfg) == NULL) fuzz_fail("load succeeded without a tree", NULL);
    if (yaml_len < size &&
        apply_sets(cfg, text + yaml_len + mlen - 1, size - yaml_len - mlen + 1, &err) != TW_OK) {
        tw_cfg_free(cfg);
        return 0;
    }
    check_round_trip(cfg);

    /* The same phases as `tradewar validate`. */
    const tw_cfg_node *root = tw_cfg_root(cfg);
    tw_run_spec spec;
    void *params = NULL;
    st = tw_run_spec_load(root, &spec, &err);
    if (st == TW_OK) st = tw_trade_model.load(root, &params, &err);
    if (st == TW_OK) st = tw_cfg_check_unused(cfg, &err);
    if (st != TW_OK) check_refusal(st, &err);
    if (params != NULL) tw_trade_model.free_params(params);
    tw_cfg_free(cfg);
    return 0;
}

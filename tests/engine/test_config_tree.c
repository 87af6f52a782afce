/* test_config_tree.c - the configuration tree and its accessors (engine/tw_config_tree.c):
 * navigation, locations and dotted paths, NULL tolerance, and two threads loading at once.
 *
 * Error messages are part of the interface (they are what a user sees), so the config
 * tests compare the whole text, location included. Small cases load from strings named
 * "t.yaml" (tests/support/tw_test_config.h).
 */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tw_config.h"
#include "tw_test_config.h"

/* --- loading and navigation --- */

Test(config, basic_file_getters) {
    tw_cfg *cfg = load_file(FIXTURES "/basic.yaml");
    tw_err err;
    const tw_cfg_node *root = tw_cfg_root(cfg);
    cr_assert_str_eq(tw_cfg_source(cfg), FIXTURES "/basic.yaml");
    cr_assert_eq(tw_cfg_kind_of(root), TW_CFG_MAP);
    cr_assert_str_eq(tw_cfg_path(root), "");
    cr_assert_eq(tw_cfg_len(root), 9);
    cr_assert_str_eq(tw_cfg_key_at(root, 0), "name");
    cr_assert_str_eq(tw_cfg_key_at(root, 8), "notes");
    cr_assert_null(tw_cfg_key_at(root, 9));

    const char *name = NULL;
    cr_assert_eq(tw_cfg_string(root, "name", true, NULL, &name, &err), TW_OK);
    cr_assert_str_eq(name, "basic test");
    int64_t reps = 0;
    cr_assert_eq(tw_cfg_int(root, "replicates", true, 0, 1, 1000000, &reps, &err), TW_OK);
    cr_assert_eq(reps, 20);
    tw_day start = 0;
    cr_assert_eq(tw_cfg_date(root, "start", true, 0, &start, &err), TW_OK);
    cr_assert_eq(start, tw_day_from_civil(2025, 5, 14));
    bool verbose = false;
    cr_assert_eq(tw_cfg_bool(root, "verbose", true, false, &verbose, &err), TW_OK);
    cr_assert(verbose);

    const tw_cfg_node *firms = tw_cfg_get(root, "firms");
    cr_assert_eq(tw_cfg_kind_of(firms), TW_CFG_MAP);
    cr_assert_str_eq(tw_cfg_path(firms), "firms");
    double tail = 0;
    cr_assert_eq(tw_cfg_double(firms, "size_tail", true, 0, 1.05, 10, &tail, &err), TW_OK);
    cr_assert_eq(tail, 1.5);
    int64_t per_cell = 0;
    cr_assert_eq(tw_cfg_int(firms, "per_cell", true, 0, 1, 100, &per_cell, &err), TW_OK);
    cr_assert_eq(per_cell, 12);
    const tw_cfg_node *pc = tw_cfg_get(firms, "per_cell");
    cr_assert_str_eq(tw_cfg_file(pc), FIXTURES "/basic.yaml");
    cr_assert_eq(tw_cfg_line(pc), 7);
    cr_assert_eq(tw_cfg_col(pc), 13);
    cr_assert_str_eq(tw_cfg_path(pc), "firms.per_cell");
    cr_assert_str_eq(tw_cfg_text(pc), "12");
    cr_assert_null(tw_cfg_text(firms));

    static const char *const countries[] = {"US", "CN", "EU", "ROW", NULL};
    int home = -1;
    cr_assert_eq(tw_cfg_enum(root, "home", true, 0, countries, &home, &err), TW_OK);
    cr_assert_eq(home, 1);
    const tw_cfg_node *list = tw_cfg_get(root, "countries");
    cr_assert_eq(tw_cfg_kind_of(list), TW_CFG_SEQ);
    cr_assert_eq(tw_cfg_len(list), 4);
    for (size_t i = 0; i < tw_cfg_len(list); i++) {
        int c = -1;
        cr_assert_eq(tw_cfg_node_enum(tw_cfg_at(list, i), countries, &c, &err), TW_OK);
        cr_assert_eq(c, (int)i);
    }
    cr_assert_null(tw_cfg_at(list, 4));
    cr_assert_null(tw_cfg_key_at(list, 0));

    const tw_cfg_node *tariffs = tw_cfg_get(root, "tariffs");
    cr_assert_eq(tw_cfg_len(tariffs), 2);
    const tw_cfg_node *t1 = tw_cfg_at(tariffs, 1);
    cr_assert_str_eq(tw_cfg_path(t1), "tariffs[1]");
    double rate = 0;
    cr_assert_eq(tw_cfg_double(t1, "rate", true, 0, 0, 1, &rate, &err), TW_OK);
    cr_assert_eq(rate, 0.1);
    cr_assert_str_eq(tw_cfg_path(tw_cfg_get(t1, "rate")), "tariffs[1].rate");
    cr_assert_eq(tw_cfg_line(tw_cfg_get(t1, "rate")), 14);
    cr_assert_eq(tw_cfg_col(tw_cfg_get(t1, "rate")), 11);
    int from = -1;
    cr_assert_eq(tw_cfg_enum(t1, "from", true, 0, countries, &from, &err), TW_OK);
    cr_assert_eq(from, 1);
    const tw_cfg_node *t0 = tw_cfg_at(tariffs, 0);
    cr_assert_eq(tw_cfg_double(t0, "rate", true, 0, 0, 1, &rate, &err), TW_OK);
    cr_assert_eq(tw_cfg_enum(t0, "from", true, 0, countries, &from, &err), TW_OK);
    cr_assert_eq(from, 0);

    /* map values by index, in document order */
    const tw_cfg_node *notes = tw_cfg_get(root, "notes");
    cr_assert_str_eq(tw_cfg_text(tw_cfg_at(notes, 0)), "form");
    cr_assert_eq(tw_cfg_kind_of(tw_cfg_at(notes, 1)), TW_CFG_SEQ);
    tw_cfg_mark_used(notes);
    cr_assert_eq(tw_cfg_check_unused(cfg, &err), TW_OK, "%s", err.msg);
    tw_cfg_free(cfg);
}

Test(config, null_tolerance) {
    cr_assert_null(tw_cfg_get(NULL, "x"));
    cr_assert_eq(tw_cfg_len(NULL), 0);
    cr_assert_null(tw_cfg_at(NULL, 0));
    cr_assert_null(tw_cfg_key_at(NULL, 0));
    cr_assert_null(tw_cfg_text(NULL));
    cr_assert_null(tw_cfg_file(NULL));
    cr_assert_null(tw_cfg_path(NULL));
    cr_assert_eq(tw_cfg_line(NULL), 0);
    cr_assert_null(tw_cfg_root(NULL));
    tw_cfg_mark_used(NULL);
    tw_cfg_free(NULL);
    tw_cfg *cfg = load_str("a: 1\n");
    const tw_cfg_node *a = tw_cfg_get(tw_cfg_root(cfg), "a");
    cr_assert_null(tw_cfg_get(a, "x")); /* a scalar is not a map */
    cr_assert_eq(tw_cfg_len(a), 0);
    cr_assert_null(tw_cfg_get(tw_cfg_root(cfg), "b"));
    tw_cfg_free(cfg);
}

/* --- threads --- */

typedef struct {
    const char *path;
    uint64_t hash;
    int failures;
} load_job;

static void *load_many(void *arg) {
    load_job *job = arg;
    for (int k = 0; k < 50; k++) {
        tw_cfg *cfg = NULL;
        tw_err err;
        if (tw_cfg_load(job->path, &cfg, &err) != TW_OK || tw_cfg_hash(cfg) != job->hash)
            job->failures++;
        tw_cfg_free(cfg);
    }
    return NULL;
}

Test(config, two_threads_load_at_once) {
    load_job jobs[2] = {{FIXTURES "/basic.yaml", 0, 0}, {FIXTURES "/grandchild.yaml", 0, 0}};
    for (int k = 0; k < 2; k++) {
        tw_cfg *cfg = load_file(jobs[k].path);
        jobs[k].hash = tw_cfg_hash(cfg);
        tw_cfg_free(cfg);
    }
    cr_assert_neq(jobs[0].hash, jobs[1].hash);
    pthread_t t[2];
    for (int k = 0; k < 2; k++) cr_assert_eq(pthread_create(&t[k], NULL, load_many, &jobs[k]), 0);
    for (int k = 0; k < 2; k++) cr_assert_eq(pthread_join(t[k], NULL), 0);
    cr_assert_eq(jobs[0].failures, 0);
    cr_assert_eq(jobs[1].failures, 0);
}

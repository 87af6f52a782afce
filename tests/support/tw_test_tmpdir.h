/* tw_test_tmpdir.h - a fresh temporary directory for each Criterion test.
 *
 * Include in a test file and name the pair as a suite's fixture:
 *   TestSuite(outdir, .init = tmp_setup, .fini = tmp_teardown);
 * g_tmp is then a new directory under $TMPDIR (else /tmp) during each test, removed
 * afterwards. Static on purpose: every test program has its own. Needs criterion.h
 * included first. */
#ifndef TW_TEST_TMPDIR_H
#define TW_TEST_TMPDIR_H

#include <stdlib.h>

#include "tw_test_support.h"

static char *g_tmp;

static void tmp_setup(void) {
    g_tmp = tw_tmpdir();
    cr_assert_not_null(g_tmp, "cannot create a temporary directory");
}

static void tmp_teardown(void) {
    if (g_tmp != NULL) tw_rmtree(g_tmp);
    free(g_tmp);
    g_tmp = NULL;
}

#endif

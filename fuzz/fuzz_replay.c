/* fuzz_replay.c - run saved fuzzer inputs once each through LLVMFuzzerTestOneInput.
 *
 * libFuzzer brings its own main(); this one stands in for it in builds without clang, so
 * that every input in fuzz/regressions/ (each once made the loader crash or misbehave)
 * and the seed corpus run as an ordinary test under any compiler and sanitizer. Usage:
 * fuzz_replay FILE...; exit 0 when every input ran, 1 when a file cannot be read (a
 * broken promise aborts inside the target).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_test_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        size_t n = 0;
        char *text = tw_slurp(argv[i], &n);
        /* libFuzzer hands the target a buffer of exactly n bytes, without a terminating
         * NUL; keep that, so that a read past the end is caught here too. */
        uint8_t *exact = text != NULL ? malloc(n > 0 ? n : 1) : NULL;
        if (exact == NULL) {
            free(text);
            fprintf(stderr, "fuzz_replay: %s: cannot read\n", argv[i]);
            return 1;
        }
        memcpy(exact, text, n);
        free(text);
        LLVMFuzzerTestOneInput(exact, n);
        free(exact);
    }
    printf("fuzz_replay: %d inputs ran\n", argc - 1);
    return 0;
}

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
    int ran = 0;
    for (int i = 1; i < argc; i++) {
        FILE *fp = fopen(argv[i], "rb");
        if (fp == NULL) {
            fprintf(stderr, "fuzz_replay: %s: cannot open\n", argv[i]);
            return 1;
        }
        size_t cap = 4096, n = 0, got;
        uint8_t *buf = malloc(cap);
        while (buf != NULL && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
            n += got;
            if (n == cap) {
                uint8_t *nb = realloc(buf, cap * 2);
                if (nb == NULL) {
                    free(buf);
                    buf = NULL;
                    break;
                }
                buf = nb;
                cap *= 2;
            }
        }
        int bad = buf == NULL || ferror(fp);
        fclose(fp);
        if (bad) {
            free(buf);
            fprintf(stderr, "fuzz_replay: %s: cannot read\n", argv[i]);
            return 1;
        }
        /* libFuzzer hands the target a buffer of exactly n bytes; keep that, so a read
         * past the end is caught here too. */
        uint8_t *exact = malloc(n > 0 ? n : 1);
        if (exact == NULL) {
            free(buf);
            return 1;
        }
        for (size_t k = 0; k < n; k++) exact[k] = buf[k];
        free(buf);
        LLVMFuzzerTestOneInput(exact, n);
        free(exact);
        ran++;
    }
    printf("fuzz_replay: %d inputs ran\n", ran);
    return 0;
}

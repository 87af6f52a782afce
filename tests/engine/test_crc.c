/* Tests for tw_crc.c: the standard CRC-32C check value, pieces equal the whole, and the
 * instruction path equals the table path at every length and alignment. */
#include <criterion/criterion.h>
#include <string.h>

#include "tw_crc.h"

Test(crc32c, standard_check_value) {
    cr_assert_eq(tw_crc32c(0, "123456789", 9), 0xe3069283u);
    cr_assert_eq(tw_crc32c(0, "", 0), 0u);
}

Test(crc32c, pieces_give_the_crc_of_the_whole) {
    const char *s = "The quick brown fox jumps over the lazy dog";
    uint32_t whole = tw_crc32c(0, s, strlen(s));
    cr_assert_eq(whole, 0x22620404u);
    for (size_t cut = 0; cut <= strlen(s); cut++)
        cr_assert_eq(tw_crc32c(tw_crc32c(0, s, cut), s + cut, strlen(s) - cut), whole);
}

Test(crc32c, every_single_bit_flip_changes_it) {
    unsigned char buf[64];
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * 37u + 11u);
    uint32_t ref = tw_crc32c(0, buf, sizeof buf);
    for (size_t bit = 0; bit < 8 * sizeof buf; bit++) {
        buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        cr_assert_neq(tw_crc32c(0, buf, sizeof buf), ref, "bit %zu", bit);
        buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
    }
}

Test(crc32c, the_fast_path_equals_the_table_at_every_length_and_alignment) {
    unsigned char buf[300];
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < sizeof buf; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (unsigned char)x;
    }
    for (size_t off = 0; off < 9; off++)
        for (size_t len = 0; off + len <= sizeof buf; len++)
            cr_assert_eq(tw_crc32c(7u, buf + off, len), tw_crc32c_portable(7u, buf + off, len),
                         "offset %zu length %zu", off, len);
}

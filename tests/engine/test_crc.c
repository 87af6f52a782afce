/* Tests for tw_crc.c: the standard CRC-32C check value, and pieces equal the whole. */
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

/* tw_crc.h - CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum that
 * guards checkpoint files.
 *
 * It detects every error of up to three flipped bits and every burst of up to 32 bits in
 * a file of any size a checkpoint can have, and any other damage except with probability
 * 2^-32. Pure functions, thread-safe; the processor's CRC instruction where it has one.
 */
#ifndef TW_CRC_H
#define TW_CRC_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32C of data[0..len-1], continuing from crc (start with 0): the CRC of a file fed
 * in pieces equals the CRC of the whole. */
uint32_t tw_crc32c(uint32_t crc, const void *data, size_t len);
/* The same value computed a byte at a time from a table: what tw_crc32c falls back to on
 * processors without a CRC-32C instruction (kept callable so that tests check both). */
uint32_t tw_crc32c_portable(uint32_t crc, const void *data, size_t len);

#endif

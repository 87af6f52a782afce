#!/usr/bin/env python3
"""End-to-end: a damaged checkpoint is refused, and an intact one still resumes to the
bytes of an uninterrupted run.

A batch that checkpoints after every chunk is killed (SIGKILL) mid-way; its OUTDIR.partial
is kept as a pristine copy. Each case copies it, damages the copy's checkpoint.bin (or a
.part file), and runs `tradewar run --resume` on it: the resume must exit 2 within the
timeout with one line naming checkpoint.bin and the reason, create no final directory,
and leave every file of the copy byte for byte as it was. The damage is what an
integrity check has to catch: 20 random single-bit flips, a changed `done` count, a
lengthened replicates.csv length, an events.csv length of 2^62, a statistics length of
2^62, a cut file, a missing .part file, and a format-1 file. The header edits are made
twice, once leaving the CRC stale and once with the CRC recomputed (the format is in
engine/tw_checkpoint.h), so the checks behind the checksum are tested too.

Run by CTest as py/test_checkpoint with TW_BIN and TW_SOURCE_DIR.
"""
import os
import random
import shutil
import signal
import struct
import unittest

from mc_common import (BASELINE, SMALL, TW_BIN, assert_same_outputs, kill_mid_batch, run,
                       McCase)

N = 120
ARGS = ["run", BASELINE, "-n", str(N)] + SMALL + ["--checkpoint-every", "0"]

# The header (engine/tw_checkpoint.h): magic, then uint64 fields in this order.
MAGIC = b"TWCHKPT\n"
FIELDS = ["version", "header_bytes", "payload_bytes", "replicates", "seed", "config_hash",
          "cells", "outcomes", "out_days", "done", "files", "len_replicates", "len_events",
          "len_trajectories", "crc_replicates", "crc_events", "crc_trajectories"]
HEAD = 8 + 8 * len(FIELDS)


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


CRC_TABLE = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def field_offset(name):
    return 8 + 8 * FIELDS.index(name)


def snapshot(d):
    """Every file under d, by relative path, with its bytes."""
    out = {}
    for root, _, files in os.walk(d):
        for name in files:
            p = os.path.join(root, name)
            with open(p, "rb") as f:
                out[os.path.relpath(p, d)] = f.read()
    return out


class Checkpoint(McCase):
    prefix = "tw_ckpt_"
    reference_args = ARGS + ["-t", "2"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pristine = os.path.join(cls.tmp, "killed")

    def setUp(self):
        if not os.path.isdir(self.pristine + ".partial"):
            kill_mid_batch(self, [TW_BIN] + ARGS + ["-t", "2", "-o", self.pristine],
                           self.pristine, signal.SIGKILL, N)

    def copy(self, name):
        """A fresh copy of the killed run's OUTDIR.partial, as OUT.partial; returns OUT."""
        out = os.path.join(self.tmp, name)
        shutil.copytree(self.pristine + ".partial", out + ".partial")
        return out

    def ckpt(self, out):
        return os.path.join(out + ".partial", "checkpoint.bin")

    def edit(self, out, fn):
        p = self.ckpt(out)
        with open(p, "rb") as f:
            data = bytearray(f.read())
        fn(data)
        with open(p, "wb") as f:
            f.write(data)

    def set_field(self, out, name, value, fix_crc):
        def fn(data):
            struct.pack_into("<Q", data, field_offset(name), value)
            if fix_crc:
                struct.pack_into("<Q", data, len(data) - 8, crc32c(bytes(data[:-8])))
        self.edit(out, fn)

    def field(self, out, name):
        with open(self.ckpt(out), "rb") as f:
            return struct.unpack_from("<Q", f.read(HEAD), field_offset(name))[0]

    def assert_refused(self, out, *reason, names_checkpoint=True):
        """--resume out exits 2 with one line naming checkpoint.bin (where the checkpoint
        is at fault) and the reason, and changes nothing: no final directory, every file of
        out.partial as it was."""
        partial = out + ".partial"
        before = snapshot(partial)
        p = run([TW_BIN, "run", "--resume", out, "-q", "-t", "2"], timeout=60)
        self.assertEqual(p.returncode, 2, "%s: %s" % (out, p.stderr))
        lines = p.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        if names_checkpoint:
            self.assertIn("checkpoint.bin", lines[0])
        for r in reason:
            self.assertIn(r, lines[0])
        self.assertFalse(os.path.exists(out), "a refused resume made the final directory")
        self.assertTrue(os.path.isdir(partial), "a refused resume removed OUTDIR.partial")
        self.assertEqual(sorted(snapshot(partial)), sorted(before), "files added or removed")
        for name, data in snapshot(partial).items():
            self.assertEqual(data, before[name], "%s changed by a refused resume" % name)

    def test_random_bit_flips_are_refused(self):
        rng = random.Random(20251202)
        size = os.path.getsize(self.ckpt(self.pristine))
        for k in range(20):
            out = self.copy("flip%02d" % k)
            bit = rng.randrange(8 * os.path.getsize(self.ckpt(out)))

            def flip(data, bit=bit):
                data[bit // 8] ^= 1 << (bit % 8)
            self.edit(out, flip)
            with self.subTest(bit=bit, size=size):
                self.assert_refused(out, "refusing to resume")

    def test_a_changed_done_count_is_refused(self):
        out = self.copy("done_stale")
        done = self.field(out, "done")
        self.set_field(out, "done", done + 1, fix_crc=False)
        self.assert_refused(out, "checksum mismatch")
        out = self.copy("done_crc")
        self.set_field(out, "done", done + 1, fix_crc=True)
        self.assert_refused(out, "holds %d replicates, the header %d" % (done, done + 1))
        out = self.copy("done_over_budget")
        self.set_field(out, "done", N + 1, fix_crc=True)
        self.assert_refused(out, "%d replicates done of %d" % (N + 1, N))

    def test_a_lengthened_replicates_field_is_refused(self):
        out = self.copy("reps_stale")
        n = self.field(out, "len_replicates")
        self.set_field(out, "len_replicates", n + (1 << 20), fix_crc=False)
        self.assert_refused(out, "checksum mismatch")
        out = self.copy("reps_mb")
        self.set_field(out, "len_replicates", n + (1 << 20), fix_crc=True)
        self.assert_refused(out, "replicates.csv.part holds", "checkpoint records %d" % (n + (1 << 20)))
        # Within the file (the kill left rows after the checkpoint), but not what `done`
        # replicates wrote.
        out = self.copy("reps_in_file")
        self.set_field(out, "len_replicates", n + 1, fix_crc=True)
        self.assert_refused(out, "replicates.csv.part hold")

    def test_huge_lengths_are_refused_at_once(self):
        for name in ["len_events", "payload_bytes", "crc_events", "len_replicates"]:
            for fix in (False, True):
                out = self.copy("huge_%s_%d" % (name, fix))
                self.set_field(out, name, 1 << 62, fix_crc=fix)
                with self.subTest(field=name, crc_fixed=fix):
                    self.assert_refused(out, "refusing to resume")

    def test_cut_missing_and_foreign_files_are_refused(self):
        out = self.copy("cut")
        self.edit(out, lambda data: data.__delitem__(slice(len(data) // 2, None)))
        self.assert_refused(out, "the header announces")
        out = self.copy("cut_header")
        self.edit(out, lambda data: data.__delitem__(slice(40, None)))
        self.assert_refused(out, "truncated to 40 bytes")
        out = self.copy("missing_part")
        os.remove(os.path.join(out + ".partial", "replicates.csv.part"))
        # The command line refuses a missing row file before the checkpoint is read.
        self.assert_refused(out, "replicates.csv.part is missing", names_checkpoint=False)
        out = self.copy("short_part")
        with open(os.path.join(out + ".partial", "events.csv.part"), "r+b") as f:
            f.truncate(self.field(out, "len_events") - 1)
        self.assert_refused(out, "events.csv.part holds")
        out = self.copy("format1")
        self.edit(out, lambda data: data.__setitem__(slice(0, 8), b"TWCKPT01"))
        self.assert_refused(out, "checkpoint format 1")
        out = self.copy("not_ours")
        self.edit(out, lambda data: data.__setitem__(slice(0, 8), b"PK\x03\x04\0\0\0\0"))
        self.assert_refused(out, "not a tradewar checkpoint")

    def test_an_intact_checkpoint_resumes_to_the_same_bytes(self):
        with open(self.ckpt(self.pristine), "rb") as f:
            head = f.read(HEAD)
        self.assertEqual(head[:8], MAGIC)
        self.assertEqual(struct.unpack_from("<Q", head, 8)[0], 3)
        # Each row file's checksum is the CRC-32C of the prefix the checkpoint records.
        part = self.pristine + ".partial"
        for name in ("replicates", "events"):
            with open(os.path.join(part, name + ".csv.part"), "rb") as f:
                prefix = f.read(self.field(self.pristine, "len_" + name))
            self.assertEqual(self.field(self.pristine, "crc_" + name), crc32c(prefix), name)
        out = self.copy("intact")
        p = run([TW_BIN, "run", "--resume", out, "-q", "-t", "1"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.exists(out + ".partial"))
        self.assertFalse(os.path.exists(os.path.join(out, "checkpoint.bin")))
        assert_same_outputs(self, self.ref, out, "SIGKILL then --resume of a copy")


if __name__ == "__main__":
    unittest.main(verbosity=2)

#!/usr/bin/env python3
"""End-to-end: what the program refuses rather than lose or misplace work, with the
fixtures of test_faults.py: a symbolic link at every path it writes, a flipped bit in each
row file of an interrupted batch, --force over a directory that is not a tradewar output,
a lock naming a holder the kernel does not show, an edited scenario.yaml in a partial, a
run too large for its disk, and a real full disk under a run. Each case ends with the file
a link leads to untouched and the directory finished to the bytes of an uninterrupted run,
or refused with one line and left as it was.

Run by CTest as py/test_faults_refusals with TW_BIN, TW_FAULT_LIB and TW_SOURCE_DIR.
"""
import os
import shutil
import socket
import struct
import subprocess
import unittest

from mc_common import BASELINE, TW_BIN, read
from test_faults import LONG, SAME_BYTES, SMALL, Case, run, snapshot


class Links(Case):
    """A symbolic link planted at any path the program writes is refused or replaced,
    never followed: the file it leads to keeps its bytes."""

    VICTIM = b"not the program's to write\n"

    def victim(self, case):
        v = os.path.join(case, "victim.txt")
        with open(v, "wb") as f:
            f.write(self.VICTIM)
        return v

    def assert_victim(self, v, what):
        self.assertFalse(os.path.islink(v), what)
        self.assertEqual(read(v), self.VICTIM, "%s: the file a link leads to was written" % what)

    def test_a_link_at_the_lock_is_refused(self):
        case = os.path.join(self.tmp, "link-lock")
        os.mkdir(case)
        v = self.victim(case)
        os.symlink(v, os.path.join(case, "out.lock"))
        p = run([TW_BIN, "run", BASELINE] + SMALL + ["-o", "out"], cwd=case)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("out.lock: is a symbolic link", p.stderr)
        self.assert_victim(v, "out.lock")
        self.assertEqual(sorted(os.listdir(case)), ["out.lock", "victim.txt"])

    def test_a_link_at_every_file_a_resume_writes(self):
        """Each name the resume of the template writes in out.partial, as a link to a file
        outside: refused by name (and resumable once the link is gone), or replaced by the
        file's own rename; the outputs are those of an uninterrupted run either way."""
        names = ["scenario.yaml", "replicates.csv.part", "events.csv.part", "checkpoint.bin",
                 "summary.csv", "outcomes.csv", "replicates.csv", "events.csv", "drivers.csv",
                 "provenance.yaml", "datapackage.json"]
        refused = []
        for name in names:
            case = os.path.join(self.tmp, "link-" + name)
            shutil.copytree(self.template, case, symlinks=True)
            v = self.victim(case)
            part = os.path.join(case, "out.partial")
            at, aside = os.path.join(part, name), os.path.join(case, "aside")
            if os.path.exists(at):
                os.rename(at, aside)
            os.symlink(v, at)
            p = run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case)
            self.assert_victim(v, name)
            if p.returncode != 0:
                refused.append(name)
                self.assertEqual(p.returncode, 2, "%s: %s" % (name, p.stderr))
                self.assertIn("symbolic link", p.stderr, name)
                self.assertTrue(os.path.islink(at), "%s: the refusal changed the link" % name)
                os.unlink(at)
                if os.path.exists(aside):
                    os.rename(aside, at)
                p = run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case)
                self.assertEqual(p.returncode, 0, "%s: %s" % (name, p.stderr))
            out = os.path.join(case, "out")
            for f in os.listdir(out):
                self.assertFalse(os.path.islink(os.path.join(out, f)), "%s: %s" % (name, f))
            self.same_as_ref(out)
        # refused: the files the resume reads back before it writes (scenario.yaml, the
        # .part files, the checkpoint), and at the commit, before it changes anything, a
        # link still in out.partial (drivers.csv, which this batch does not write, and
        # datapackage.json, written after that check); the others are renamed over
        self.assertEqual(refused, ["scenario.yaml", "replicates.csv.part", "events.csv.part",
                                   "checkpoint.bin", "drivers.csv", "datapackage.json"])

    def test_a_linked_staging_directory_is_refused(self):
        case = os.path.join(self.tmp, "link-partial")
        shutil.copytree(self.template, case, symlinks=True)
        elsewhere = os.path.join(case, "elsewhere")
        os.rename(os.path.join(case, "out.partial"), elsewhere)
        os.symlink(elsewhere, os.path.join(case, "out.partial"))
        before = snapshot(elsewhere)
        p = run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("symbolic link", p.stderr)
        self.assertEqual(snapshot(elsewhere), before)
        # --force replaces the link itself, not what it leads to
        p = run([TW_BIN, "run", BASELINE] + SMALL + ["-o", "out", "--force"], cwd=case)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(snapshot(elsewhere), before)
        self.same_as_ref(os.path.join(case, "out"))


    def test_force_over_a_link_replaces_the_link_not_where_it_leads(self):
        case = os.path.join(self.tmp, "link-out")
        os.mkdir(case)
        elsewhere = os.path.join(case, "elsewhere")
        shutil.copytree(self.ref, elsewhere)
        os.symlink(elsewhere, os.path.join(case, "out"))
        before = snapshot(elsewhere)
        p = run([TW_BIN, "run", BASELINE] + SMALL + ["-o", "out", "--force", "-s", "7"],
                cwd=case)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.islink(os.path.join(case, "out")))
        self.assertEqual(snapshot(elsewhere), before)
        self.assertEqual(sorted(os.listdir(case)), ["elsewhere", "out"])


class RowFiles(Case):
    """A flipped bit in the checkpointed prefix of each row file is found on resume."""

    needs_template = False
    TRAJ = SMALL + ["--trajectories"]

    def test_a_flipped_bit_in_each_row_file_is_refused(self):
        template = self.interrupted_template("template-traj", self.TRAJ)
        ref = os.path.join(self.tmp, "ref-traj")
        p = run([TW_BIN, "run", BASELINE] + self.TRAJ + ["-o", ref])
        self.assertEqual(p.returncode, 0, p.stderr)
        ckpt = read(os.path.join(template, "out.partial", "checkpoint.bin"))
        # the .part lengths: header fields 11, 12, 13 (engine/tw_checkpoint.h)
        lens = struct.unpack_from("<3Q", ckpt, 8 + 8 * 11)
        for k, name in enumerate(["replicates.csv", "events.csv", "trajectories.csv"]):
            case = os.path.join(self.tmp, "flip-" + name)
            shutil.copytree(template, case, symlinks=True)
            part = os.path.join(case, "out.partial")
            path = os.path.join(part, name + ".part")
            data = bytearray(read(path))
            # a letter or digit of the last checkpointed line (of the header, where no
            # event happened yet): still a well-formed row
            at = max(i for i in range(lens[k]) if chr(data[i]).isalnum())
            data[at] ^= 2
            with open(path, "wb") as f:
                f.write(data)
            before = snapshot(part)
            p = run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case)
            self.assertEqual(p.returncode, 2, "%s: %s" % (name, p.stderr))
            self.assertIn("%s.part do not match their checksum" % name, p.stderr)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
            self.assertEqual(snapshot(part), before, "%s: the refusal changed out.partial" % name)
            data[at] ^= 2
            with open(path, "wb") as f:
                f.write(data)
            p = run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case)
            self.assertEqual(p.returncode, 0, p.stderr)
            for f in SAME_BYTES + ["trajectories.csv"]:
                self.assertEqual(read(os.path.join(case, "out", f)), read(os.path.join(ref, f)),
                                 "%s after restoring %s" % (f, name))


class Refusals(Case):
    """--force, the lock's holder, an edited scenario.yaml and the disk space."""

    def test_force_replaces_only_a_tradewar_output(self):
        case = os.path.join(self.tmp, "force-foreign")
        os.makedirs(os.path.join(case, "out"))
        with open(os.path.join(case, "out", "thesis.tex"), "w") as f:
            f.write("\\chapter{}")
        p = run([TW_BIN, "run", BASELINE] + SMALL + ["-o", "out", "--force"], cwd=case)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("not a tradewar output", p.stderr)
        self.assertEqual(sorted(os.listdir(case)), ["out"])
        self.assertEqual(os.listdir(os.path.join(case, "out")), ["thesis.tex"])
        # an empty directory and a tradewar output are replaced
        os.remove(os.path.join(case, "out", "thesis.tex"))
        for _ in range(2):
            p = run([TW_BIN, "run", BASELINE] + SMALL + ["-o", "out", "--force"], cwd=case)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.same_as_ref(os.path.join(case, "out"))

    def test_a_lock_naming_another_host_is_refused(self):
        case = os.path.join(self.tmp, "lock-host")
        shutil.copytree(self.template, case, symlinks=True)
        with open(os.path.join(case, "out.lock"), "w") as f:
            f.write("4242 node-elsewhere\n")
        before = snapshot(os.path.join(case, "out.partial"))
        p = run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("pid 4242 on node-elsewhere", p.stderr)
        self.assertIn("remove out.lock", p.stderr)
        self.assertEqual(snapshot(os.path.join(case, "out.partial")), before)
        os.remove(os.path.join(case, "out.lock"))
        self.resumes_to_ref(case)

    def test_a_lock_naming_a_live_tradewar_process_here_is_refused(self):
        case = os.path.join(self.tmp, "lock-live")
        shutil.copytree(self.template, case, symlinks=True)
        # a live tradewar process whose lock this file does not carry (as on a file
        # system that does not share locks)
        other = os.path.join(case, "other")
        os.mkdir(other)
        proc = subprocess.Popen([TW_BIN, "run", BASELINE] + LONG + ["-o", "o"], cwd=other,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with open(os.path.join(case, "out.lock"), "w") as f:
                f.write("%d %s\n" % (proc.pid, socket.gethostname()))
            p = run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("pid %d on %s" % (proc.pid, socket.gethostname()), p.stderr)
        finally:
            proc.kill()
            proc.wait()
        # the same file once that process is gone is stale: taken over
        self.resumes_to_ref(case)

    def test_an_edited_scenario_yaml_in_the_partial_is_refused(self):
        case = os.path.join(self.tmp, "edited-yaml")
        shutil.copytree(self.template, case, symlinks=True)
        part = os.path.join(case, "out.partial")
        path = os.path.join(part, "scenario.yaml")
        text = read(path)
        with open(path, "wb") as f:
            f.write(text.replace(b"seed: ", b"seed:  ", 1))
        before = snapshot(part)
        p = run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("scenario.yaml: is not the scenario this run resolves to", p.stderr)
        self.assertEqual(snapshot(part), before)
        with open(path, "wb") as f:
            f.write(text)
        self.resumes_to_ref(case)

    def test_a_run_that_cannot_fit_on_the_disk_is_refused_up_front(self):
        case = os.path.join(self.tmp, "disk")
        os.mkdir(case)
        # a million replicates' trajectories of a whole year: far more than any disk here
        # (monthly summary rows, so that the statistics fit in memory and the disk is
        # what refuses)
        p = run([TW_BIN, "run", BASELINE, "-n", "1000000", "--trajectories", "--set",
                 "output.interval_days=30", "-o", "out"],
                cwd=case, timeout=60)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("-o out: the run writes at least", p.stderr)
        self.assertIn("MB free", p.stderr)
        self.assertEqual(os.listdir(case), [])

    def test_a_sweep_that_cannot_fit_on_the_disk_is_refused_up_front(self):
        """The same for a sweep, whose points each keep a batch's files."""
        case = os.path.join(self.tmp, "disk-sweep")
        os.mkdir(case)
        sweep = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures",
                             "sweep_grid.yaml")
        p = run([TW_BIN, "run", sweep, "-n", "1000000", "--trajectories", "--set",
                 "output.interval_days=30", "-o", "out"],
                cwd=case, timeout=60)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("-o out: the run writes at least", p.stderr)
        self.assertEqual(os.listdir(case), [])


class FullDisk(Case):
    """A real full disk (a small tmpfs; needs the right to mount one): the up-front check
    passes, the checkpoint fits, summary.csv does not. The checkpointed work is kept,
    the error names the command that finishes it, and after space is freed that command
    gives the bytes of an uninterrupted run."""

    needs_template = False
    YEAR = ["-n", "12", "--set", "firms.per_cell=30", "--set", "rare_earths.per_cell=10",
            "--set", "output.interval_days=7", "-q", "-t", "1", "--checkpoint-every", "0"]

    def mount(self, where, size):
        return subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", where],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0

    def test_a_full_disk_keeps_the_checkpoint_and_says_how_to_finish(self):
        disk = os.path.join(self.tmp, "disk")
        os.mkdir(disk)
        if os.geteuid() != 0 or not self.mount(disk, "1m"):
            self.skipTest("cannot mount a tmpfs here")
        try:
            # the floor of what the run writes, from its own refusal on 1 MB
            p = run([TW_BIN, "run", BASELINE] + self.YEAR + ["-o", "out"], cwd=disk)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertEqual(os.listdir(disk), [])
            floor = float(p.stderr.split("at least ")[1].split(" MB")[0])
            subprocess.run(["umount", disk], check=True)
            self.assertTrue(self.mount(disk, "%dk" % int((floor + 2) * 1000)))
            p = run([TW_BIN, "run", BASELINE] + self.YEAR + ["-o", "out"], cwd=disk)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("No space left on device", p.stderr)
            self.assertIn("out.partial is kept: finish with tradewar run --resume out",
                          p.stderr)
            self.assertTrue(os.path.exists(os.path.join(disk, "out.partial", "checkpoint.bin")))
            subprocess.run(["mount", "-o", "remount,size=200m", disk], check=True)
            p = run([TW_BIN, "run", "--resume", "out", "-q"], cwd=disk)
            self.assertEqual(p.returncode, 0, p.stderr)
            ref = os.path.join(self.tmp, "ref-year")
            p = run([TW_BIN, "run", BASELINE] + self.YEAR + ["-o", ref])
            self.assertEqual(p.returncode, 0, p.stderr)
            for f in SAME_BYTES:
                self.assertEqual(read(os.path.join(disk, "out", f)), read(os.path.join(ref, f)),
                                 f)
        finally:
            subprocess.run(["umount", disk], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    unittest.main(verbosity=2)

#!/usr/bin/env python3
"""End-to-end: the output directory survives a crash or an I/O error at every step, one
writer per directory, and a resume that never destroys what it found.

The fault harness runs a small batch under tests/support/tw_fault.c (LD_PRELOAD), which
kills the program (SIGKILL) or fails a call (ENOSPC, EIO) at its Nth flush, close, sync,
write, truncate, rename, removal or mkdir in the test's directory. For every N of a fresh
run, and of the resume of a run killed after its first checkpoint, and for each of the
three faults, the directory must either be complete with the bytes of an uninterrupted
run, or resume (without faults) to those bytes, or never have been touched; and nothing
but DIR, DIR.partial and DIR.lock may appear beside it.

Run by CTest as py/test_faults with TW_BIN, TW_FAULT_LIB and TW_SOURCE_DIR.
"""
import concurrent.futures
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from mc_common import BASELINE, TW_BIN, read

FAULT_LIB = os.environ.get("TW_FAULT_LIB", "")
# Eight replicates, a few days: with one thread a batch is two chunks with a checkpoint
# between them, so every part of the directory's life is visited.
SMALL = ["-n", "8", "--set", "firms.per_cell=30", "--set", "rare_earths.per_cell=10",
         "--set", "end=2025-01-10", "-q", "-t", "1", "--checkpoint-every", "0"]
OUTPUTS = {"summary.csv", "replicates.csv", "events.csv", "outcomes.csv", "scenario.yaml",
           "provenance.yaml"}
SAME_BYTES = ["summary.csv", "replicates.csv", "events.csv", "outcomes.csv", "scenario.yaml"]
MODES = ["kill", "enospc", "eio"]


def run(cmd, cwd=None, env=None, timeout=300):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
                          env=env, universal_newlines=True, timeout=timeout)


def faulty_env(root, at, mode, log=None):
    env = dict(os.environ, LD_PRELOAD=FAULT_LIB, TW_FAULT_DIR=root, TW_FAULT_AT=str(at),
               TW_FAULT_MODE=mode)
    if log:
        env["TW_FAULT_LOG"] = log
    return env


def snapshot(d):
    """Every file under d with its bytes."""
    out = {}
    for base, _, files in os.walk(d):
        for f in files:
            p = os.path.join(base, f)
            out[os.path.relpath(p, d)] = read(p)
    return out


def scratch_root():
    # Thousands of fsyncs: a memory file system keeps the harness fast; the protocol's
    # order of steps is what is tested, not the disk.
    for d in ("/dev/shm", None):
        if d is None or (os.path.isdir(d) and os.access(d, os.W_OK)):
            return tempfile.mkdtemp(prefix="tw_faults_", dir=d)


class Faults(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not TW_BIN or not os.access(TW_BIN, os.X_OK):
            raise unittest.SkipTest("TW_BIN is not set to the tradewar program")
        if not FAULT_LIB or not os.path.exists(FAULT_LIB):
            raise unittest.SkipTest("TW_FAULT_LIB is not set to the fault shim")
        if "ASAN_OPTIONS" in os.environ or "TSAN_OPTIONS" in os.environ:
            raise unittest.SkipTest("the shim is not preloaded under sanitizers")
        cls.tmp = scratch_root()
        cls.ref = os.path.join(cls.tmp, "ref")
        p = run([TW_BIN, "run", BASELINE] + SMALL + ["-o", cls.ref])
        assert p.returncode == 0, p.stderr
        cls.ref_bytes = {f: read(os.path.join(cls.ref, f)) for f in SAME_BYTES}
        cls.template = cls.interrupted_template()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def interrupted_template(cls):
        """A case directory whose out.partial was killed just after its first checkpoint."""
        for n in range(1, 200):
            case = os.path.join(cls.tmp, "template")
            shutil.rmtree(case, ignore_errors=True)
            os.mkdir(case)
            run([TW_BIN, "run", BASELINE] + SMALL + ["-o", "out"], cwd=case,
                env=faulty_env(case, n, "kill"))
            part = os.path.join(case, "out.partial")
            if os.path.exists(os.path.join(part, "checkpoint.bin")):
                return case
        raise AssertionError("no step of the run left a checkpoint")

    # -- the check after each fault ----------------------------------------------------

    def outcome(self, case, what):
        """Problems with case/ after a fault (an empty list if none): finish it as a user
        would and compare with the uninterrupted run."""
        bad = []
        out, part = os.path.join(case, "out"), os.path.join(case, "out.partial")
        beside = set(os.listdir(case)) - {"out", "out.partial", "out.lock"}
        if beside:
            bad.append("%s: left beside the directory: %s" % (what, sorted(beside)))
        if os.path.isdir(part):
            p = run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case)
            if p.returncode == 2 and "command is missing" in p.stderr:
                # killed before the command file: nothing finished, nothing to resume
                left = [f for f in os.listdir(part) if ".tmp." not in f]
                if left:
                    bad.append("%s: no command file but %s" % (what, left))
                p = run([TW_BIN, "run", BASELINE] + SMALL + ["-o", "out", "--force"], cwd=case)
            if p.returncode != 0:
                return bad + ["%s: finishing failed (%d): %s" % (what, p.returncode,
                                                                  p.stderr.strip())]
        if not os.path.isdir(out):
            left = set(os.listdir(case)) - {"out.lock"}
            if left:
                bad.append("%s: not complete, not resumable, but %s" % (what, sorted(left)))
            return bad
        # A kill at the very last step leaves the lock file; nobody holds it (the kernel
        # dropped the lock with the process), so the next command takes it over.
        if set(os.listdir(case)) - {"out.lock"} != {"out"}:
            bad.append("%s: after finishing: %s" % (what, sorted(os.listdir(case))))
        if set(os.listdir(out)) != OUTPUTS:
            bad.append("%s: files %s" % (what, sorted(os.listdir(out))))
            return bad
        for f in SAME_BYTES:
            if read(os.path.join(out, f)) != self.ref_bytes[f]:
                bad.append("%s: %s differs from the uninterrupted run" % (what, f))
        return bad

    def one(self, kind, mode, n):
        case = os.path.join(self.tmp, "%s-%s-%d" % (kind, mode, n))
        if kind == "run":
            os.mkdir(case)
            cmd = [TW_BIN, "run", BASELINE] + SMALL + ["-o", "out"]
        else:
            shutil.copytree(self.template, case, symlinks=True)
            cmd = [TW_BIN, "run", "--resume", "out", "-q"]
        p = run(cmd, cwd=case, env=faulty_env(case, n, mode))
        what = "%s, %s at step %d" % (kind, mode, n)
        bad = []
        if mode == "kill" and p.returncode != -signal.SIGKILL:
            bad.append("%s: not killed (%d)" % (what, p.returncode))
        if mode != "kill" and p.returncode not in (0, 1, 2):
            bad.append("%s: exit %d: %s" % (what, p.returncode, p.stderr.strip()))
        if mode != "kill" and p.returncode != 0 and len(p.stderr.strip().splitlines()) != 1:
            bad.append("%s: not one line on stderr: %r" % (what, p.stderr))
        bad += self.outcome(case, what)
        shutil.rmtree(case, ignore_errors=True)
        return bad

    def count(self, kind):
        case = os.path.join(self.tmp, "count-" + kind)
        if kind == "run":
            os.mkdir(case)
            cmd = [TW_BIN, "run", BASELINE] + SMALL + ["-o", "out"]
        else:
            shutil.copytree(self.template, case, symlinks=True)
            cmd = [TW_BIN, "run", "--resume", "out", "-q"]
        log = os.path.join(self.tmp, "count-%s.txt" % kind)
        p = run(cmd, cwd=case, env=faulty_env(case, 0, "kill", log))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.outcome(case, kind + " without faults"), [])
        shutil.rmtree(case)
        with open(log) as f:
            return int(f.read())

    def test_every_fault_point_of_a_run_and_of_its_resume(self):
        points = {kind: self.count(kind) for kind in ("run", "resume")}
        self.assertGreater(points["run"], 20)
        self.assertGreater(points["resume"], 10)
        jobs = [(kind, mode, n) for kind in points for mode in MODES
                for n in range(1, points[kind] + 1)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            problems = [b for bad in pool.map(lambda j: self.one(*j), jobs) for b in bad]
        sys.stderr.write("fault points: %d of a run and %d of a resume, x %d faults = %d\n"
                         % (points["run"], points["resume"], len(MODES), len(jobs)))
        self.assertEqual(problems, [], "\n".join(problems[:20]))


if __name__ == "__main__":
    unittest.main(verbosity=2)

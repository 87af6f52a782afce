#!/usr/bin/env python3
"""End-to-end: sweeps, comparisons and MPI batches keep what they finished or
checkpointed, whatever stops them, and resume to the bytes of an uninterrupted run.

- A SIGINT or SIGTERM to either rank of a real `mpirun -np 2` batch stops it at a
  checkpoint, keeps DIR.partial and says so truthfully; `--resume` finishes it to the
  reference bytes (a signal to rank 1 used to delete DIR.partial while telling the user
  to resume it).
- A SIGINT or SIGTERM to a sweep or a comparison (and a signal to rank 1 of either under
  mpirun) stops it with a non-zero exit, DIR.partial kept and the command that finishes
  it; that command gives the bytes of an uninterrupted one.
- A directory that appears at OUTDIR while a sweep or a comparison runs is left alone and
  the finished result is kept in DIR.partial; once it is moved away, --resume commits.
- The fault harness (tests/support/tw_fault.c) kills a two-point sweep and a comparison
  at every one of its steps in the test's directory (a write, sync, rename, removal,
  mkdir ...): each case ends complete with the reference bytes, or resumable to them, or
  untouched.

Run by CTest as py/test_faults_batch with TW_BIN, TW_FAULT_LIB, TW_SOURCE_DIR and
TW_MPIEXEC (empty when built without MPI: the mpirun cases are then skipped).
"""
import concurrent.futures
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from mc_common import (BASELINE, TW_BIN, TW_MPIEXEC, McCase, mpi_env, mpirun_cmd, part_rows,
                       read, run)
from test_faults import unplant

FAULT_LIB = os.environ.get("TW_FAULT_LIB", "")
QUICK = ["--set", "firms.per_cell=30", "--set", "rare_earths.per_cell=30", "--set",
         "output.interval_days=30", "--set", "end=2025-04-30", "-q", "-t", "1",
         "--checkpoint-every", "0"]
EXTRA = ("tariffs[+]={measure: extra_us_cn, imposer: US, target: CN, sectors: all, rate: 30, "
         "authority: IEEPA, effective: 2025-03-01}")
SWEEP_YAML = """extends: %s
name: faults-sweep
sweep:
  design: grid
  parameters:
    - {key: model.pass_through, values: [0.7, 1.0]}
    - {key: governments.US.resolve, values: [0.3, 0.9]}
""" % BASELINE


def snapshot(d):
    """Every file under d with its bytes, provenance.yaml aside (it records the command
    line, which differs between a run and its resume)."""
    out = {}
    for base, _, files in os.walk(d):
        for f in files:
            p = os.path.join(base, f)
            if f != "provenance.yaml":
                out[os.path.relpath(p, d)] = read(p)
    return out


def rank_pids(out):
    """{rank: pid} of the tradewar processes writing to out under mpirun."""
    pids = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = read("/proc/%s/cmdline" % pid).split(b"\0")
            env = read("/proc/%s/environ" % pid).split(b"\0")
        except OSError:
            continue
        if os.path.basename(cmd[0]) != b"tradewar" or out.encode() not in cmd:
            continue
        for e in env:
            if e.startswith(b"OMPI_COMM_WORLD_RANK="):
                pids[int(e.split(b"=")[1])] = int(pid)
    return pids


class BatchCase(McCase):
    """McCase with a sweep over a drawn parameter (cls.sweep) and the uninterrupted
    outputs (reference) the interrupted ones are held to."""

    prefix = "tw_faults_batch_"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sweep = os.path.join(cls.tmp, "sweep.yaml")
        with open(cls.sweep, "w") as f:
            f.write(SWEEP_YAML)
        cls.refs = {}

    def reference(self, kind, args):
        """The uninterrupted output of args (cached by kind)."""
        if kind not in self.refs:
            d = os.path.join(self.tmp, "ref-" + kind)
            p = run([TW_BIN] + args + ["-o", d])
            self.assertEqual(p.returncode, 0, p.stderr)
            self.refs[kind] = snapshot(d)
        return self.refs[kind]

    def interrupt(self, cmd, out, ready, act):
        """Start cmd, wait until ready(out.partial) holds, then act(proc); returns the
        finished process and its stderr."""
        partial = out + ".partial"
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                universal_newlines=True, env=mpi_env())
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None and not ready(partial):
            time.sleep(0.01)
        if proc.poll() is not None:
            self.fail("finished before it could be interrupted: " + proc.communicate()[1])
        act(proc)
        _, err = proc.communicate(timeout=300)
        return proc, err

    def signals_stop(self, kind, args, ready, message):
        """SIGINT and SIGTERM, each to a fresh run of args once ready: stopped, kept,
        resumed to the reference."""
        ref = self.reference(kind, args)
        for sig in (signal.SIGINT, signal.SIGTERM):
            with self.subTest(sig=sig.name):
                out = os.path.join(self.tmp, "%s-%s" % (kind, sig.name))
                proc, err = self.interrupt([TW_BIN] + args + ["-o", out], out, ready,
                                           lambda p: p.send_signal(sig))
                self.assertIn(message, err)
                # A new command into the same place is refused, naming the resume.
                p = run([TW_BIN] + args + ["-o", out])
                self.assertEqual(p.returncode, 2)
                self.assertIn("--resume %s" % out, p.stderr)
                self.stopped_and_resumed(proc, err, out, ref)

    def killed_resumes(self, kind, args, ready):
        """SIGKILL once ready; --resume (with another thread count) gives the reference."""
        ref = self.reference(kind, args)
        out = os.path.join(self.tmp, kind + "-kill")
        proc, _ = self.interrupt([TW_BIN] + args + ["-o", out], out, ready, lambda p: p.kill())
        self.assertEqual(proc.returncode, -signal.SIGKILL)
        p = run([TW_BIN, "run", "--resume", out, "-q", "-t", "2"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(snapshot(out), ref)

    def rank1_signal_stops(self, kind, args, ready, sig):
        if not TW_MPIEXEC:
            self.skipTest("built without MPI")
        ref = self.reference(kind, args)
        out = os.path.join(self.tmp, kind + "-mpi")
        proc, err = self.interrupt(mpirun_cmd(2, args + ["-o", out]), out,
                                   lambda part: ready(part) and len(rank_pids(out)) == 2,
                                   lambda p: os.kill(rank_pids(out)[1], sig))
        self.stopped_and_resumed(proc, err, out, ref,
                                 mpirun_cmd(2, ["run", "--resume", out, "-q"]))

    def outdir_appears(self, kind, args, ready):
        """OUTDIR made while args runs: left alone, the result kept; --resume commits it
        once OUTDIR is moved away. Returns the resume's stdout."""
        ref = self.reference(kind, args)
        out = os.path.join(self.tmp, kind + "-appears")
        proc, err = self.interrupt([TW_BIN] + args + ["-o", out], out, ready,
                                   lambda p: os.mkdir(out))
        self.assertEqual(proc.returncode, 2, err)
        self.assertIn("appeared while running", err)
        self.assertIn("is kept: finish with tradewar run --resume %s" % out, err)
        self.assertEqual(os.listdir(out), [], "the directory that appeared is left alone")
        os.rmdir(out)
        p = run([TW_BIN, "run", "--resume", out, "-q"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(snapshot(out), ref)
        return p.stdout

    def stopped_and_resumed(self, proc, err, out, ref, resume=None):
        """A stop: non-zero exit, DIR.partial kept, a message that names the command that
        finishes it; that command (or resume) gives ref."""
        self.assertNotEqual(proc.returncode, 0, "a stopped command is not a success")
        self.assertFalse(os.path.exists(out))
        self.assertTrue(os.path.isdir(out + ".partial"), "the interrupted work is kept: " + err)
        self.assertIn("finish with", err)
        self.assertIn("tradewar run --resume %s" % out, err)
        p = run(resume or [TW_BIN, "run", "--resume", out, "-q"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.exists(out + ".partial"))
        self.assertEqual(snapshot(out), ref)


class MpiSignals(BatchCase):
    ARGS = ["run", BASELINE, "-n", "48"] + QUICK

    def test_a_signal_to_either_rank_keeps_the_checkpoint(self):
        if not TW_MPIEXEC:
            self.skipTest("built without MPI")
        ref = self.reference("mpi-run", self.ARGS)
        for rank in (0, 1):
            for sig in (signal.SIGINT, signal.SIGTERM):
                with self.subTest(rank=rank, sig=sig.name):
                    out = os.path.join(self.tmp, "mpi-%d-%s" % (rank, sig.name))

                    def ready(part):
                        return (os.path.exists(os.path.join(part, "checkpoint.bin")) and
                                part_rows(part) >= 4 and len(rank_pids(out)) == 2)

                    proc, err = self.interrupt(mpirun_cmd(2, self.ARGS + ["-o", out]), out,
                                               ready, lambda p: os.kill(rank_pids(out)[rank], sig))
                    self.assertIn("stopped by a signal after", err)
                    self.assertTrue(os.path.exists(os.path.join(out + ".partial",
                                                                "checkpoint.bin")))
                    self.assertLess(part_rows(out + ".partial"), 48)
                    self.stopped_and_resumed(proc, err, out, ref,
                                             mpirun_cmd(2, ["run", "--resume", out, "-q"]))


class SweepLife(BatchCase):
    def args(self):
        return ["run", self.sweep, "-n", "64"] + QUICK

    @staticmethod
    def point_started(part):
        return os.path.exists(os.path.join(part, "points", "1", "checkpoint.bin"))

    def test_signals_stop_a_sweep_at_a_checkpoint(self):
        self.signals_stop("sweep", self.args(), self.point_started, "stopped by a signal")

    def test_a_killed_sweep_resumes(self):
        self.killed_resumes("sweep", self.args(), self.point_started)

    def test_a_signal_to_rank_1_stops_a_sweep(self):
        self.rank1_signal_stops("sweep", self.args(), self.point_started, signal.SIGINT)

    def test_a_sweep_edited_before_its_resume_is_refused(self):
        edited = os.path.join(self.tmp, "edited.yaml")
        with open(edited, "w") as f:
            f.write(SWEEP_YAML)
        args = ["run", edited, "-n", "64"] + QUICK
        out = os.path.join(self.tmp, "sweep-edited")
        proc, err = self.interrupt([TW_BIN] + args + ["-o", out], out, self.point_started,
                                   lambda p: p.send_signal(signal.SIGINT))
        self.assertNotEqual(proc.returncode, 0, err)
        # Only the points not yet run change: the finished ones must not be mixed in.
        with open(edited, "w") as f:
            f.write(SWEEP_YAML.replace("values: [0.7, 1.0]", "values: [0.7, 0.9]"))
        before = snapshot(out + ".partial")
        p = run([TW_BIN, "run", "--resume", out, "-q"])
        self.assertEqual(p.returncode, 2, p.stderr)
        # caught at the kept scenario.yaml (the whole scenario, its sweep: included), or,
        # were that the same, at the point run for another scenario
        self.assertRegex(p.stderr, r"scenario\.yaml: is not the scenario this run resolves to|"
                                   r"points/0: refusing to resume: the point was run for "
                                   r"another scenario")
        self.assertNotIn("finish with", p.stderr)
        self.assertEqual(snapshot(out + ".partial"), before, "a refused resume changes nothing")

    def test_an_outdir_that_appears_keeps_the_finished_sweep(self):
        self.outdir_appears("sweep", self.args(), self.point_started)


class CompareLife(BatchCase):
    def args(self):
        return ["compare", BASELINE, BASELINE, "-n", "160", "--set-b", EXTRA] + QUICK

    @staticmethod
    def checkpointed(part):
        return os.path.exists(os.path.join(part, "compare_checkpoint.bin"))

    def test_signals_stop_a_comparison_at_a_checkpoint(self):
        self.signals_stop("compare", self.args(), self.checkpointed,
                          "compare stopped by a signal after")

    def test_a_killed_comparison_resumes(self):
        self.killed_resumes("compare", self.args(), self.checkpointed)

    def test_a_signal_to_rank_1_stops_a_comparison(self):
        self.rank1_signal_stops("compare", self.args(), self.checkpointed, signal.SIGTERM)

    def test_an_outdir_that_appears_keeps_the_finished_comparison(self):
        self.assertIn("complete", self.outdir_appears("compare", self.args(), self.checkpointed))

    def test_a_damaged_checkpoint_is_refused_and_kept(self):
        out = os.path.join(self.tmp, "cmp-damaged")
        proc, err = self.interrupt([TW_BIN] + self.args() + ["-o", out], out,
                                   self.checkpointed, lambda p: p.send_signal(signal.SIGINT))
        ckpt = os.path.join(out + ".partial", "compare_checkpoint.bin")
        data = bytearray(read(ckpt))
        data[200] ^= 0x10
        with open(ckpt, "wb") as f:
            f.write(data)
        p = run([TW_BIN, "run", "--resume", out, "-q"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("compare_checkpoint.bin: refusing to resume: its checksum does not match "
                      "(the file is damaged); start over with --force\n", p.stderr)
        self.assertNotIn("finish with", p.stderr)
        self.assertEqual(read(ckpt), bytes(data), "a refused resume changes nothing")


class KillAtEveryStep(BatchCase):
    """Under the fault shim, a kill at step n of a small sweep and a small comparison,
    for every n until one finishes untouched by the fault."""

    SMALL = ["-n", "4", "--set", "firms.per_cell=20", "--set", "rare_earths.per_cell=10",
             "--set", "end=2025-01-10", "-q", "-t", "1", "--checkpoint-every", "0"]

    @classmethod
    def setUpClass(cls):
        if not FAULT_LIB or not os.path.exists(FAULT_LIB):
            raise unittest.SkipTest("TW_FAULT_LIB is not set to the fault shim")
        if "ASAN_OPTIONS" in os.environ or "TSAN_OPTIONS" in os.environ:
            raise unittest.SkipTest("the shim is not preloaded under sanitizers")
        super().setUpClass()

    def one(self, kind, args, n, ref, mode="kill"):
        case = os.path.join(self.tmp, "%s-%s-%d" % (kind, mode, n))
        os.mkdir(case)
        env = dict(os.environ, LD_PRELOAD=FAULT_LIB, TW_FAULT_DIR=case, TW_FAULT_AT=str(n),
                   TW_FAULT_MODE=mode)
        victim, log = case + ".victim", case + ".log"
        if mode == "link":
            with open(victim, "wb") as f:
                f.write(b"victim")
            env.update(TW_FAULT_VICTIM=victim, TW_FAULT_LOG=log)
        p = subprocess.run([TW_BIN] + args + ["-o", "out"], cwd=case, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=300)
        what = "%s %s at step %d" % (kind, {"kill": "killed", "enospc": "full disk",
                                            "link": "a link planted"}[mode], n)
        if p.returncode == 0 and mode == "kill":
            return None  # ran past its last step: the cases end here
        bad = []
        if mode == "link":
            bad += unplant(case, what, p)
        if mode == "kill" and p.returncode != -signal.SIGKILL:
            bad.append("%s: exit %d: %s" % (what, p.returncode, p.stderr.strip()))
        if mode != "kill" and p.returncode not in (0, 1, 2):  # 2: the probe before any work
            bad.append("%s: exit %d: %s" % (what, p.returncode, p.stderr.strip()))
        out = os.path.join(case, "out")
        # (a link is refused by name, and the refusal says to remove it)
        if mode == "enospc" and os.path.isdir(out + ".partial") and p.returncode != 0 and \
                "tradewar run --resume" not in p.stderr:
            bad.append("%s: kept out.partial without saying how to finish: %s" %
                       (what, p.stderr.strip()))
        if os.path.isdir(out + ".partial"):
            q = subprocess.run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True, timeout=300)
            if q.returncode == 2 and "command is missing" in q.stderr:
                left = [f for f in os.listdir(out + ".partial") if ".tmp." not in f]
                if left:
                    bad.append("%s: no command file but %s" % (what, left))
                q = subprocess.run([TW_BIN] + args + ["-o", "out", "--force"], cwd=case,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   universal_newlines=True, timeout=300)
            if q.returncode != 0:
                return bad + ["%s: finishing failed (%d): %s" % (what, q.returncode,
                                                                  q.stderr.strip())]
        # an empty DIR.staging.<pid> is the probe a run makes and removes before any work
        # (cli_rundir.c), left by a kill between the two; the next command on out removes it
        probes = {f for f in os.listdir(case) if f.startswith("out.staging.")
                  and os.listdir(os.path.join(case, f)) == []}
        left = set(os.listdir(case)) - {"out.lock"}
        if not os.path.isdir(out):
            if left - probes:
                bad.append("%s: not complete, not resumable, but %s" % (what, sorted(left)))
            if probes:
                q = subprocess.run([TW_BIN] + args + ["-o", "out", "-q"], cwd=case,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   universal_newlines=True, timeout=300)
                if q.returncode != 0 or set(os.listdir(case)) != {"out"}:
                    bad.append("%s: the next run (%d) left %s" % (what, q.returncode,
                                                                 sorted(os.listdir(case))))
        elif left != {"out"}:
            bad.append("%s: beside the output: %s" % (what, sorted(left)))
        elif snapshot(out) != ref:
            bad.append("%s: differs from the uninterrupted run" % what)
        shutil.rmtree(case, ignore_errors=True)
        return bad

    def every_step(self, kind, args):
        ref = self.reference(kind + "-small", args)
        bad, n, done = [], 1, False
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            while not done and n < 5000:
                results = list(pool.map(lambda k: self.one(kind, args, k, ref), range(n, n + 8)))
                n += 8
                for r in results:
                    if r is None:
                        done = True
                    else:
                        bad += r
        self.assertTrue(done, "%s never finished under the shim" % kind)
        self.assertEqual(bad, [])
        return n

    def steps(self, args, line=0):
        """The number of steps the shim counts in an undisturbed run of args (line 1: its
        opens for writing)."""
        case = tempfile.mkdtemp(dir=self.tmp)
        log = os.path.join(case, "count.log")
        env = dict(os.environ, LD_PRELOAD=FAULT_LIB, TW_FAULT_DIR=case,
                   TW_FAULT_AT="0", TW_FAULT_LOG=log)
        p = subprocess.run([TW_BIN] + args + ["-o", "out"], cwd=case, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(log) as f:
            n = int(f.read().split("\n")[line])
        shutil.rmtree(case, ignore_errors=True)
        self.assertGreater(n, 5)
        return n

    def at_every_step(self, kind, args, mode):
        """ENOSPC at each step of an undisturbed run (the disk is full there once), or a
        symbolic link planted at each of its opens for writing."""
        ref = self.reference(kind + "-small", args)
        n = self.steps(args, 1 if mode == "link" else 0)
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(lambda k: self.one(kind, args, k, ref, mode),
                                    range(1, n + 1)))
        problems = [b for r in results if r for b in r]
        self.assertEqual(problems, [], "\n".join(problems))

    def two_points(self):
        # Two points: the first finished and recorded before the second starts.
        two = os.path.join(self.tmp, "two.yaml")
        with open(two, "w") as f:
            f.write(SWEEP_YAML.replace("values: [0.7, 1.0]", "values: [0.7]"))
        return ["run", two] + self.SMALL

    def test_sweep(self):
        self.every_step("sweep", self.two_points())

    def test_sweep_full_disk(self):
        self.at_every_step("sweep", self.two_points(), "enospc")

    def test_sweep_links(self):
        self.at_every_step("sweep", self.two_points(), "link")

    def compare_args(self):
        return ["compare", BASELINE, BASELINE, "--set-b", EXTRA] + self.SMALL

    def test_compare(self):
        self.every_step("compare", self.compare_args())

    def test_compare_full_disk(self):
        self.at_every_step("compare", self.compare_args(), "enospc")

    def test_compare_links(self):
        self.at_every_step("compare", self.compare_args(), "link")


if __name__ == "__main__":
    unittest.main(verbosity=2)

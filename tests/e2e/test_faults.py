#!/usr/bin/env python3
"""End-to-end: the output directory survives a crash or an I/O error at every step, one
writer per directory, and a resume that never destroys what it found.

The fault harness runs a small batch under tests/support/tw_fault.c (LD_PRELOAD), which
kills the program (SIGKILL) or fails a call (ENOSPC, EIO) at its Nth flush, close, sync,
write, truncate, rename, removal or mkdir in the test's directory, or plants a symbolic
link at its Nth open for writing. For every N of a fresh run, and of the resume of a run
killed after its first checkpoint, and for each of the three faults (and every N of a
--force run over an earlier output, and of a --compress run, killed, and of an --until
run, with a full disk), the directory must either be complete with the bytes of an
uninterrupted run, or resume (without faults) to those bytes, or never have been touched;
a fresh run that fails after its first checkpoint must keep it and say how to finish;
and nothing but DIR, DIR.partial and DIR.lock may appear beside it (an earlier output a
killed --force run moved aside, and the empty probe a kill left, which the next command
removes, aside). A link at any open is refused by name and never followed. The refusals
(links at named paths, row-file checksums, --force, the lock's holder, the disk) are in
test_faults_refusals.py.

Run by CTest as py/test_faults with TW_BIN, TW_FAULT_LIB and TW_SOURCE_DIR.
"""
import concurrent.futures
import os
import shutil
import signal
import socket
import struct
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
           "provenance.yaml", "datapackage.json"}
SAME_BYTES = ["summary.csv", "replicates.csv", "events.csv", "outcomes.csv", "scenario.yaml",
              "datapackage.json"]
# With --compress summary.csv is stored as summary.csv.gz, written at the commit.
OUTPUTS_GZ = OUTPUTS - {"summary.csv"} | {"summary.csv.gz"}
SAME_BYTES_GZ = ["summary.csv.gz"] + SAME_BYTES[1:]
MODES = ["kill", "enospc", "eio"]
# --until with a half-width no batch reaches stops at the first check (128 replicates);
# four threads make chunks of 16, so the batch checkpoints eight times. Five firms a cell
# and three days: the steps in the directory (115) are those of a larger run, each
# replicate's rows are still compared byte for byte, and each of the 115 cases costs a
# third of what it did.
UNTIL = ["-n", "160", "--set", "firms.per_cell=5", "--set", "rare_earths.per_cell=5",
         "--set", "end=2025-01-04", "-q", "-t", "4", "--checkpoint-every", "0",
         "--until", "escalations:1000"]


def run(cmd, cwd=None, env=None, timeout=300):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
                          env=env, universal_newlines=True, timeout=timeout)


def faulty_env(root, at, mode, log=None):
    env = dict(os.environ, LD_PRELOAD=FAULT_LIB, TW_FAULT_DIR=root, TW_FAULT_AT=str(at),
               TW_FAULT_MODE=mode)
    if log:
        env["TW_FAULT_LOG"] = log
    return env


def skip_unless_the_shim_runs():
    if not TW_BIN or not os.access(TW_BIN, os.X_OK):
        raise unittest.SkipTest("TW_BIN is not set to the tradewar program")
    if not FAULT_LIB or not os.path.exists(FAULT_LIB):
        raise unittest.SkipTest("TW_FAULT_LIB is not set to the fault shim")
    if "ASAN_OPTIONS" in os.environ or "TSAN_OPTIONS" in os.environ:
        raise unittest.SkipTest("the shim is not preloaded under sanitizers")


def dead_pid():
    """The pid of a process that has ended."""
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


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


def unplant(case, what, p):
    """After a run with a link planted at its Nth open for writing (case.victim the file
    it leads to, case.log the shim's log): the file the link leads to is untouched and the
    program refused by name; then, as a user would, the link is removed and the file it
    replaced put back."""
    bad = []
    victim, log = case + ".victim", case + ".log"
    if read(victim) != b"victim":
        bad.append("%s: the link was followed: %r" % (what, read(victim)))
    with open(log) as f:
        planted = f.read().split("\n")[2]
    if planted:
        planted = os.path.join(case, planted)  # the program's paths are relative to it
    if planted and (p.returncode != 2 or "is a symbolic link" not in p.stderr):
        bad.append("%s: a link at %s not refused (%d): %s"
                   % (what, planted, p.returncode, p.stderr.strip()))
    if planted and os.path.islink(planted):
        os.unlink(planted)
    if planted and os.path.exists(planted + ".tw_aside"):
        os.rename(planted + ".tw_aside", planted)
    os.remove(victim)
    os.remove(log)
    return bad


class Case(unittest.TestCase):
    """cls.tmp (removed afterwards), cls.ref (the uninterrupted run of SMALL) and
    cls.template (a case directory with out.partial killed after its first checkpoint)."""

    needs_template = True

    @classmethod
    def setUpClass(cls):
        skip_unless_the_shim_runs()
        cls.tmp = scratch_root()
        cls.ref = os.path.join(cls.tmp, "ref")
        p = run([TW_BIN, "run", BASELINE] + SMALL + ["-o", cls.ref])
        assert p.returncode == 0, p.stderr
        cls.ref_bytes = {f: read(os.path.join(cls.ref, f)) for f in SAME_BYTES}
        ref_gz = os.path.join(cls.tmp, "ref-gz")
        p = run([TW_BIN, "run", BASELINE] + SMALL + ["-o", ref_gz, "--compress"])
        assert p.returncode == 0, p.stderr
        cls.ref_bytes_gz = {f: read(os.path.join(ref_gz, f)) for f in SAME_BYTES_GZ}
        ref_until = os.path.join(cls.tmp, "ref-until")
        p = run([TW_BIN, "run", BASELINE] + UNTIL + ["-o", ref_until])
        assert p.returncode == 0, p.stderr
        cls.ref_bytes_until = {f: read(os.path.join(ref_until, f)) for f in SAME_BYTES}
        cls.template = cls.interrupted_template() if cls.needs_template else None

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def interrupted_template(cls, name="template", args=SMALL):
        """A case directory whose out.partial was killed just after its first checkpoint;
        cls.first_checkpoint is the first step that a checkpoint precedes."""
        for n in range(1, 200):
            case = os.path.join(cls.tmp, name)
            shutil.rmtree(case, ignore_errors=True)
            os.mkdir(case)
            run([TW_BIN, "run", BASELINE] + args + ["-o", "out"], cwd=case,
                env=faulty_env(case, n, "kill"))
            part = os.path.join(case, "out.partial")
            if os.path.exists(os.path.join(part, "checkpoint.bin")):
                cls.first_checkpoint = n
                return case
        raise AssertionError("no step of the run left a checkpoint")

    def resumes_to_ref(self, case):
        """--resume out in case/ succeeds with the bytes of the uninterrupted run."""
        p = run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.same_as_ref(os.path.join(case, "out"))

    def same_as_ref(self, out):
        for f in SAME_BYTES:
            self.assertEqual(read(os.path.join(out, f)), self.ref_bytes[f], f + " differs")


class Faults(Case):
    # -- the check after each fault ----------------------------------------------------

    def earlier_kept(self, case):
        """Names beside out that hold the earlier directory a --force run moved aside
        (out.old.<pid>, left when the run was killed between its two renames or while it
        removed it): nothing in them but what the earlier output held."""
        earlier = set(os.listdir(self.ref)) | {"old.txt"}
        return {f for f in os.listdir(case) if f.startswith("out.old.")
                and set(os.listdir(os.path.join(case, f))) <= earlier}

    def stale_probes(self, case):
        """Empty DIR.staging.<pid> directories: the probe a run makes and removes before
        any work (cli_rundir.c), left by a kill between the two; the next command on out
        removes them."""
        return {f for f in os.listdir(case) if f.startswith("out.staging.")
                and os.listdir(os.path.join(case, f)) == []}

    def outcome(self, case, what, kind="run"):
        """Problems with case/ after a fault (an empty list if none): finish it as a user
        would and compare with the uninterrupted run."""
        bad = []
        gz = kind == "compress"
        outputs, ref = (OUTPUTS_GZ, self.ref_bytes_gz) if gz else (OUTPUTS, self.ref_bytes)
        if kind == "until":
            ref = self.ref_bytes_until
        out, part = os.path.join(case, "out"), os.path.join(case, "out.partial")
        olds, probes = self.earlier_kept(case), self.stale_probes(case)
        beside = set(os.listdir(case)) - {"out", "out.partial", "out.lock"} - olds - probes
        if beside:
            bad.append("%s: left beside the directory: %s" % (what, sorted(beside)))
        if os.path.isdir(part):
            p = run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case)
            if p.returncode == 2 and "command is missing" in p.stderr:
                # killed before the command file: nothing finished, nothing to resume
                left = [f for f in os.listdir(part) if ".tmp." not in f]
                if left:
                    bad.append("%s: no command file but %s" % (what, left))
                p = run([TW_BIN, "run", BASELINE] + (UNTIL if kind == "until" else SMALL) +
                        ["-o", "out", "--force"] + (["--compress"] if gz else []), cwd=case)
            if p.returncode != 0:
                return bad + ["%s: finishing failed (%d): %s" % (what, p.returncode,
                                                                  p.stderr.strip())]
        if os.path.isdir(out) and "old.txt" in os.listdir(out):
            return bad  # the earlier directory, untouched
        if not os.path.isdir(out):
            left = set(os.listdir(case)) - {"out.lock"} - probes
            if left:
                bad.append("%s: not complete, not resumable, but %s" % (what, sorted(left)))
            if probes:
                # what a user does next, a new run, removes the probe
                p = run([TW_BIN, "run", BASELINE] + (UNTIL if kind == "until" else SMALL) +
                        ["-o", "out"] + (["--compress"] if gz else []), cwd=case)
                if p.returncode != 0 or set(os.listdir(case)) != {"out"}:
                    bad.append("%s: the next run (%d) left %s" % (what, p.returncode,
                                                                 sorted(os.listdir(case))))
            return bad
        # A kill at the very last step leaves the lock file; nobody holds it (the kernel
        # dropped the lock with the process), so the next command takes it over.
        if set(os.listdir(case)) - {"out.lock"} - olds != {"out"}:
            bad.append("%s: after finishing: %s" % (what, sorted(os.listdir(case))))
        if set(os.listdir(out)) != outputs:
            bad.append("%s: files %s" % (what, sorted(os.listdir(out))))
            return bad
        for f in ref:
            if read(os.path.join(out, f)) != ref[f]:
                bad.append("%s: %s differs from the uninterrupted run" % (what, f))
        return bad

    def prepare(self, kind, case):
        """Make case/ for a fresh run or for the resume of the template; the command."""
        if kind in ("run", "compress", "until"):
            os.mkdir(case)
            return [TW_BIN, "run", BASELINE] + (UNTIL if kind == "until" else SMALL) + \
                ["-o", "out"] + (["--compress"] if kind == "compress" else [])
        if kind == "force":
            # an earlier tradewar output (--force replaces nothing else), with a file added
            os.mkdir(case)
            shutil.copytree(self.ref, os.path.join(case, "out"))
            with open(os.path.join(case, "out", "old.txt"), "w") as f:
                f.write("earlier results")
            return [TW_BIN, "run", BASELINE] + SMALL + ["-o", "out", "--force"]
        shutil.copytree(self.template, case, symlinks=True)
        return [TW_BIN, "run", "--resume", "out", "-q"]

    def one(self, kind, mode, n):
        case = os.path.join(self.tmp, "%s-%s-%d" % (kind, mode, n))
        cmd = self.prepare(kind, case)
        env = faulty_env(case, n, mode)
        if mode == "link":
            victim, log = case + ".victim", case + ".log"
            with open(victim, "wb") as f:
                f.write(b"victim")
            env = faulty_env(case, n, mode, log)
            env["TW_FAULT_VICTIM"] = victim
        p = run(cmd, cwd=case, env=env)
        what = "%s, %s at step %d" % (kind, mode, n)
        bad = unplant(case, what, p) if mode == "link" else []
        if mode == "kill" and p.returncode != -signal.SIGKILL:
            bad.append("%s: not killed (%d)" % (what, p.returncode))
        if mode != "kill" and p.returncode not in (0, 1, 2):
            bad.append("%s: exit %d: %s" % (what, p.returncode, p.stderr.strip()))
        if mode != "kill" and p.returncode != 0 and len(p.stderr.strip().splitlines()) != 1:
            bad.append("%s: not one line on stderr: %r" % (what, p.stderr))
        # A failure after the first checkpoint of a fresh run keeps the checkpointed work
        # and says the one command that finishes it.
        out, part = os.path.join(case, "out"), os.path.join(case, "out.partial")
        if (kind == "run" and mode not in ("kill", "link") and n >= self.first_checkpoint and
                not os.path.isdir(out)):
            if not os.path.isdir(part):
                bad.append("%s: the checkpointed work was deleted: %s" % (what, p.stderr.strip()))
            elif "tradewar run --resume out" not in p.stderr:
                bad.append("%s: kept, but not said how to finish: %s" % (what, p.stderr.strip()))
        bad += self.outcome(case, what, kind)
        shutil.rmtree(case, ignore_errors=True)
        return bad

    def count(self, kind):
        """The steps of a run of this kind and its opens for writing."""
        case = os.path.join(self.tmp, "count-" + kind)
        cmd = self.prepare(kind, case)
        log = os.path.join(self.tmp, "count-%s.txt" % kind)
        p = run(cmd, cwd=case, env=faulty_env(case, 0, "kill", log))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.outcome(case, kind + " without faults", kind), [])
        shutil.rmtree(case)
        with open(log) as f:
            lines = f.read().split("\n")
        return int(lines[0]), int(lines[1])

    def test_a_link_at_every_open_for_writing(self):
        """A symbolic link planted at every path a run and a resume open for writing (the
        lock, the command file, every temporary, the .part files), just before the open."""
        opens = {kind: self.count(kind)[1] for kind in ("run", "resume")}
        self.assertGreater(opens["run"], 5)
        jobs = [(kind, "link", n) for kind in ("run", "resume") for n in range(1, opens[kind] + 1)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            problems = [b for bad in pool.map(lambda j: self.one(*j), jobs) for b in bad]
        sys.stderr.write("opens for writing: %d of a run and %d of a resume\n"
                         % (opens["run"], opens["resume"]))
        self.assertEqual(problems, [], "\n".join(problems[:20]))

    def test_every_fault_point_of_a_run_and_of_its_resume(self):
        points = {kind: self.count(kind)[0]
                  for kind in ("run", "resume", "force", "compress", "until")}
        self.assertGreater(points["run"], 20)
        self.assertGreater(points["resume"], 10)
        # A --force run over an earlier directory adds the steps that move it aside; it
        # is killed at each (its failures take the paths of a plain run).
        jobs = [(kind, mode, n) for kind in ("run", "resume") for mode in MODES
                for n in range(1, points[kind] + 1)]
        jobs += [("force", "kill", n) for n in range(1, points["force"] + 1)]
        # --compress adds the .gz files and the removal of their plain twins to the commit.
        jobs += [("compress", "kill", n) for n in range(1, points["compress"] + 1)]
        # --until stops the batch early: a full disk at each of its steps.
        jobs += [("until", "enospc", n) for n in range(1, points["until"] + 1)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            problems = [b for bad in pool.map(lambda j: self.one(*j), jobs) for b in bad]
        sys.stderr.write("fault points: %d of a run and %d of a resume, x %d faults, %d "
                         "kills of a --force run, %d of a --compress run, %d full disks of an "
                         "--until run: %d\n"
                         % (points["run"], points["resume"], len(MODES), points["force"],
                            points["compress"], points["until"], len(jobs)))
        self.assertEqual(problems, [], "\n".join(problems[:20]))


class Resumes(Case):
    """A refused or failed resume leaves DIR.partial exactly as it was."""

    def case(self, name):
        case = os.path.join(self.tmp, name)
        shutil.copytree(self.template, case, symlinks=True)
        return case, os.path.join(case, "out.partial")

    def refused(self, case, part, text, code=2):
        before = snapshot(part)
        p = run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case)
        self.assertEqual(p.returncode, code, p.stderr)
        self.assertIn(text, p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertEqual(snapshot(part), before, "a refused resume changed out.partial")
        self.assertFalse(os.path.exists(os.path.join(case, "out.lock")))

    def finish(self, case):
        p = run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.same_as_ref(os.path.join(case, "out"))
        self.assertEqual(os.listdir(case), ["out"])

    def test_an_edited_scenario_is_refused_and_everything_kept(self):
        case, part = self.case("edited")
        scen = os.path.join(case, "scenario-copy.yaml")
        with open(BASELINE) as f:
            text = f.read()
        with open(scen, "w") as f:
            f.write(text.replace("seed: 20250101", "seed: 20250102"))
        # point the recorded command at the copy
        with open(os.path.join(part, "command"), "rb") as f:
            fields = f.read().split(b"\0")
        fields = [scen.encode() if x == BASELINE.encode() else x for x in fields]
        with open(os.path.join(part, "command"), "wb") as f:
            f.write(b"\0".join(fields))
        # the resolved scenario no longer matches the copy the run wrote, nor the checkpoint
        self.refused(case, part, "scenario.yaml: is not the scenario this run resolves to")
        with open(scen, "w") as f:
            f.write(text)
        p = run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.same_as_ref(os.path.join(case, "out"))

    def test_a_missing_part_file_is_refused_before_anything_is_cut(self):
        case, part = self.case("missing-part")
        os.rename(os.path.join(part, "events.csv.part"), os.path.join(case, "aside"))
        self.refused(case, part, "events.csv.part is missing")
        os.rename(os.path.join(case, "aside"), os.path.join(part, "events.csv.part"))
        self.finish(case)

    def test_a_truncated_checkpoint_fails_and_everything_is_kept(self):
        case, part = self.case("truncated")
        ckpt = os.path.join(part, "checkpoint.bin")
        whole = read(ckpt)
        with open(ckpt, "wb") as f:
            f.write(whole[:12])
        before = snapshot(part)
        p = run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case)
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(snapshot(part), before, "a failed resume changed out.partial")
        with open(ckpt, "wb") as f:
            f.write(whole)
        self.finish(case)

    def test_a_directory_that_appeared_is_not_replaced_without_the_recorded_force(self):
        case, part = self.case("appeared")
        os.mkdir(os.path.join(case, "out"))
        with open(os.path.join(case, "out", "mine.txt"), "w") as f:
            f.write("keep")
        self.refused(case, part, "appeared after the run started")
        self.assertEqual(os.listdir(os.path.join(case, "out")), ["mine.txt"])
        shutil.rmtree(os.path.join(case, "out"))
        self.finish(case)

    def test_a_crafted_command_file_is_refused(self):
        case = os.path.join(self.tmp, "crafted")
        os.makedirs(os.path.join(case, "x.partial"))
        for body in (b"/tmp\0--resume\0x\0", b"/tmp\0", b"relative\0" + BASELINE.encode() + b"\0",
                     b"/tmp\0--selfcheck\0" + BASELINE.encode() + b"\0", b"/tmp\0--bogus\0"):
            with open(os.path.join(case, "x.partial", "command"), "wb") as f:
                f.write(body)
            p = run([TW_BIN, "run", "--resume", "x"], cwd=case)
            self.assertEqual(p.returncode, 2, "%r: %s" % (body, p.stderr))
            self.assertIn("not a command file", p.stderr)
            self.assertEqual(sorted(os.listdir(case)), ["x.partial"])


class Chains(Case):
    """A resume killed after its own checkpoint resumes again to the same bytes, whether
    or not its chunks wrote events (a row file the resume appends nothing to keeps the
    length the checkpoint recorded)."""

    needs_template = False
    ARGS = SMALL[:SMALL.index("-n")] + ["-n", "16"] + SMALL[SMALL.index("-n") + 2:]

    def test_a_resume_killed_after_its_own_checkpoint(self):
        template = self.interrupted_template("template-16", self.ARGS)
        ref = os.path.join(self.tmp, "ref-16")
        p = run([TW_BIN, "run", BASELINE] + self.ARGS + ["-o", ref])
        self.assertEqual(p.returncode, 0, p.stderr)
        done_at = 8 + 8 * 9  # the header's `done` field (engine/tw_checkpoint.h)
        first = struct.unpack_from("<Q", read(os.path.join(template, "out.partial",
                                                           "checkpoint.bin")), done_at)[0]
        for n in range(1, 100):
            case = os.path.join(self.tmp, "chain-%d" % n)
            shutil.copytree(template, case, symlinks=True)
            run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case,
                env=faulty_env(case, n, "kill"))
            ckpt = os.path.join(case, "out.partial", "checkpoint.bin")
            if os.path.exists(ckpt) and struct.unpack_from("<Q", read(ckpt), done_at)[0] > first:
                break
            shutil.rmtree(case)
        else:
            self.fail("no step of the resume left a later checkpoint")
        p = run([TW_BIN, "run", "--resume", "out", "-q"], cwd=case)
        self.assertEqual(p.returncode, 0, p.stderr)
        for f in SAME_BYTES:
            self.assertEqual(read(os.path.join(case, "out", f)), read(os.path.join(ref, f)), f)


class Paths(Case):
    """Output paths that a commit could not replace are refused before any work."""

    needs_template = False

    def test_paths_refused_up_front(self):
        case = os.path.join(self.tmp, "paths")
        os.makedirs(os.path.join(case, "victim", "sub"))
        os.symlink("/nonexistent/zzz", os.path.join(case, "dangling"))
        for out, text in ((".", "'.' or '..'"), ("/", "'.' or '..'"),
                          ("victim/sub/..", "'.' or '..'"), ("victim/sub/.", "'.' or '..'"),
                          ("dangling", "symbolic link"), (case, "current directory"),
                          ("/proc", "mount point")):
            p = run([TW_BIN, "run", BASELINE] + SMALL + ["-o", out, "--force"], cwd=case)
            self.assertEqual(p.returncode, 2, "-o %s: %s" % (out, p.stderr))
            self.assertIn(text, p.stderr, out)
            self.assertEqual(sorted(os.listdir(case)), ["dangling", "victim"], out)
            self.assertEqual(os.listdir(os.path.join(case, "victim")), ["sub"], out)


LONG = ["-n", "48", "--set", "firms.per_cell=30", "--set", "rare_earths.per_cell=10",
        "--set", "end=2025-03-31", "-q", "-t", "1", "--checkpoint-every", "0"]


class Races(Case):
    """One writer per directory."""

    needs_template = False

    def start_and_wait(self, case, extra=()):
        """A long run into case/out, once it holds the lock and has checkpointed."""
        proc = subprocess.Popen([TW_BIN, "run", BASELINE] + LONG + list(extra) + ["-o", "out"],
                                cwd=case, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                universal_newlines=True)
        ckpt = os.path.join(case, "out.partial", "checkpoint.bin")
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None and not os.path.exists(ckpt):
            time.sleep(0.01)
        self.assertIsNone(proc.poll(), "the run ended before the race")
        return proc

    def assert_refused_naming(self, p, proc):
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("pid %d on %s" % (proc.pid, socket.gethostname()), p.stderr)

    def test_a_second_run_a_forced_run_and_a_resume_are_refused_while_a_run_lives(self):
        case = os.path.join(self.tmp, "live")
        os.mkdir(case)
        proc = self.start_and_wait(case)
        for cmd in ([TW_BIN, "run", BASELINE] + SMALL + ["-o", "out"],
                    [TW_BIN, "run", BASELINE] + SMALL + ["-o", "out", "--force"],
                    [TW_BIN, "run", "--resume", "out"],
                    [TW_BIN, "compare", BASELINE, BASELINE, "-n", "2", "-o", "out", "--force"]):
            self.assert_refused_naming(run(cmd, cwd=case), proc)
        out, err = proc.communicate(timeout=300)
        self.assertEqual(proc.returncode, 0, err)
        self.assertEqual(sorted(os.listdir(case)), ["out"])
        self.assertEqual(set(os.listdir(os.path.join(case, "out"))), OUTPUTS)

    def test_four_forced_runs_leave_one_consistent_directory(self):
        case = os.path.join(self.tmp, "four")
        os.mkdir(case)
        args = ["-n", "16", "--set", "firms.per_cell=30", "--set", "rare_earths.per_cell=10",
                "--set", "end=2025-01-20", "-q", "-t", "1", "--force", "-o", "out"]
        procs = [subprocess.Popen([TW_BIN, "run", BASELINE, "-s", str(seed)] + args, cwd=case,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  universal_newlines=True) for seed in (1, 2, 3, 4)]
        codes = [p.wait(timeout=300) for p in procs]
        for p in procs:
            p.communicate()
        self.assertTrue(set(codes) <= {0, 2}, codes)
        self.assertIn(0, codes)
        self.assertEqual(sorted(os.listdir(case)), ["out"])
        with open(os.path.join(case, "out", "provenance.yaml")) as f:
            seed = [l.split()[1] for l in f if l.startswith("seed:")][0]
        ref = os.path.join(self.tmp, "four-ref")
        p = run([TW_BIN, "run", BASELINE, "-s", seed] + args[:-1] + [ref])
        self.assertEqual(p.returncode, 0, p.stderr)
        for f in SAME_BYTES:
            self.assertEqual(read(os.path.join(case, "out", f)), read(os.path.join(ref, f)),
                             "%s is not that of seed %s's run" % (f, seed))

    def test_a_stale_lock_is_taken_over(self):
        case = os.path.join(self.tmp, "stale")
        os.mkdir(case)
        with open(os.path.join(case, "out.lock"), "w") as f:
            f.write("%d %s\n" % (dead_pid(), socket.gethostname()))
        p = run([TW_BIN, "run", BASELINE] + SMALL + ["-o", "out"], cwd=case)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(os.listdir(case), ["out"])
        self.same_as_ref(os.path.join(case, "out"))


if __name__ == "__main__":
    unittest.main(verbosity=2)

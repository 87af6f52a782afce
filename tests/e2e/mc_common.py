"""Shared pieces of the Monte Carlo end-to-end tests (test_mpi.py, test_resume.py): the
program, mpirun with the environment it needs as root, and byte comparison of outputs."""
import os
import shutil
import subprocess
import tempfile
import time
import unittest

TW_BIN = os.environ.get("TW_BIN", "")
TW_SOURCE_DIR = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
TW_MPIEXEC = os.environ.get("TW_MPIEXEC", "")
BASELINE = os.path.join(TW_SOURCE_DIR, "scenarios", "baseline-2025.yaml")
# Small firm counts (importers and rare-earth users) and a monthly output keep each run to
# a fraction of a second.
SMALL = ["--set", "firms.per_cell=60", "--set", "rare_earths.per_cell=60", "--set",
         "output.interval_days=30", "-q"]
COMPARED = ["summary.csv", "replicates.csv", "events.csv", "outcomes.csv"]


def mpi_env():
    env = dict(os.environ)
    env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
    env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    env["OMPI_MCA_rmaps_base_oversubscribe"] = "1"
    return env


def mpirun_cmd(np, args):
    # Under AddressSanitizer (tools/test's second stage) the ranks keep every check but
    # leak checking: OpenMPI's plugins allocate in MPI_Init and are unloaded before exit,
    # so LeakSanitizer reports their memory from unknown modules. Every run outside
    # mpirun, which goes through the same code, is still checked for leaks.
    extra = []
    if "ASAN_OPTIONS" in os.environ:
        extra = ["-x", "ASAN_OPTIONS=" + os.environ["ASAN_OPTIONS"] + ":detect_leaks=0"]
    return [TW_MPIEXEC, "--oversubscribe", "-np", str(np)] + extra + [TW_BIN] + args


def run(cmd, timeout=300):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=timeout, env=mpi_env())


def read(path):
    with open(path, "rb") as f:
        return f.read()


def assert_same_outputs(tc, ref_dir, other_dir, what):
    for name in COMPARED:
        a, b = read(os.path.join(ref_dir, name)), read(os.path.join(other_dir, name))
        tc.assertTrue(len(a) > 0, "%s/%s is empty" % (ref_dir, name))
        tc.assertEqual(a, b, "%s differs for %s" % (name, what))



class McCase(unittest.TestCase):
    """A test class with a temporary directory cls.tmp (removed afterwards), skipped when
    TW_BIN is not the program. With reference_args set, setUpClass also runs that batch
    into cls.ref (the args without -o)."""

    prefix = "tw_mc_"
    reference_args = None

    @classmethod
    def setUpClass(cls):
        if not TW_BIN or not os.access(TW_BIN, os.X_OK):
            raise unittest.SkipTest("TW_BIN is not set to the tradewar program")
        cls.tmp = tempfile.mkdtemp(prefix=cls.prefix)
        if cls.reference_args is not None:
            cls.ref = os.path.join(cls.tmp, "ref")
            p = run([TW_BIN] + cls.reference_args + ["-o", cls.ref])
            if p.returncode != 0:
                raise AssertionError("reference run failed: " + p.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)


def part_rows(partial):
    """Replicate rows in partial/replicates.csv.part (0 if it is not there yet)."""
    try:
        with open(os.path.join(partial, "replicates.csv.part")) as f:
            return sum(1 for _ in f) - 1
    except OSError:
        return 0


def kill_mid_batch(tc, cmd, out, sig, n):
    """Start cmd (a batch of n replicates into out that checkpoints after every chunk),
    wait until a checkpoint exists and replicates.csv.part holds some but not all rows,
    send sig, and check that out.partial was kept for --resume. Returns stderr."""
    partial = out + ".partial"
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, env=mpi_env())
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if os.path.exists(os.path.join(partial, "checkpoint.bin")) and part_rows(partial) >= 8:
            break
        time.sleep(0.02)
    tc.assertIsNone(proc.poll(), "the batch finished before it could be killed")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    tc.assertNotEqual(proc.returncode, 0, "a stopped batch is not a success")
    tc.assertFalse(os.path.exists(out), "no final directory after a kill")
    tc.assertTrue(os.path.isdir(partial), "the interrupted run is kept for --resume")
    tc.assertLess(part_rows(partial), n, "killed mid-batch")
    # mpirun can return while a rank that has let go of OUT.lock is still exiting (its MPI
    # finalisation, a sanitizer's leak check); the next run would rightly refuse the
    # directory while that process lives, so wait for the pid the lock names to end.
    try:
        with open(out + ".lock") as f:
            pid = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        pid = 0
    until = time.time() + 60
    while pid > 0 and os.path.exists("/proc/%d" % pid) and time.time() < until:
        time.sleep(0.05)
    return err

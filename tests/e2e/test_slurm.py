#!/usr/bin/env python3
"""End-to-end: tools/slurm-example.sh on a real one-node Slurm cluster started on this
machine. The job is stopped by the signal Slurm sends before the walltime, resubmits
itself, resumes, and the finished batch has the result hash of an uninterrupted run.

The cluster (Debian's slurm-wlm and munge) lives in a temporary directory: munged with
its own key and socket, slurmctld and slurmd as root on localhost with free ports, a
slurm.conf that names all of it, and SLURM_CONF pointing there. Whatever happens, the
daemons and every process of the cluster's jobs are killed and the directory removed.

The walltime signal: the script asks for --signal=TERM@120, with which slurmctld sends
SIGTERM to every process of the job's steps two minutes before the time limit. The test
sends the same signal to the same processes with `scancel --signal=TERM JOBID`, at a
moment it chooses (once the batch has checkpointed, before it ends), rather than waiting
for a time limit (Slurm checks those every 30 s or so).

  threads: 1 task x 2 CPUs (the main path). The first job has TW_MAX_RESUBMITS=0: it
           stops and does not resubmit. A job submitted by hand resumes, is stopped again
           and resubmits itself; that job finishes the batch.
  MPI:     2 tasks x 1 CPU with srun --mpi=pmix (where tradewar is built with MPI and
           Slurm has the pmix plugin): stopped once, resubmitted, finished.
  no MPI:  where tradewar is built without MPI, a job of 2 tasks is refused before it
           runs anything (the threads case above is how such a build runs).
  which batch: OUTDIR complete with the same scenario: "nothing to do"; another scenario
           file, or the same file with another --set, is refused (exit 2) with both
           scenario hashes, and nothing in OUTDIR changes.
  failure: a batch that fails without the walltime signal (a damaged checkpoint that
           --resume refuses) keeps OUTDIR.partial and is not resubmitted.

Where Slurm cannot start (not installed, not root, a daemon refuses) the test prints why
and exits 77, which CTest reports as skipped. Run by CTest as py/test_slurm with TW_BIN,
TW_SOURCE_DIR and TW_MPIEXEC.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

SKIPPED = 77
TW_BIN = os.environ.get("TW_BIN", "")
TW_SOURCE_DIR = os.path.realpath(
    os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")))
TW_MPIEXEC = os.environ.get("TW_MPIEXEC", "")
SCRIPT = "tools/slurm-example.sh"
SCENARIO = "scenarios/geneva-truce.yaml"
N = 192
# Small firm counts and a monthly output: a few seconds a job, a chunk a fraction of that.
SETS = ["--set", "firms.per_cell=200", "--set", "rare_earths.per_cell=50",
        "--set", "output.interval_days=30"]
SEARCH_PATH = os.environ.get("PATH", "") + ":/usr/sbin:/sbin:/usr/bin"
TOOLS = ["munged", "slurmctld", "slurmd", "sbatch", "scontrol", "scancel", "sinfo", "srun",
         "squeue"]


T0 = time.time()


def say(fmt, *args):
    """A transcript line on stdout, with the seconds since the test started."""
    print("[%5.1f s] %s" % (time.time() - T0, fmt % args if args else fmt))


class Unavailable(Exception):
    """Slurm cannot run here; the message says why."""


def tool(name):
    return shutil.which(name, path=SEARCH_PATH)


def free_ports(n):
    """n distinct TCP ports that nothing listens on now."""
    socks = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def tail(path, n=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return "(no %s)\n" % path


def wait_for(what, cond, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out after %d s waiting for %s" % (timeout, what))


class Cluster:
    """A one-node Slurm cluster in a temporary directory."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="tw_slurm_")
        self.conf = os.path.join(self.dir, "slurm.conf")
        self.daemons = []
        self.env = dict(os.environ, SLURM_CONF=self.conf)
        self.env["PATH"] = SEARCH_PATH
        self.cpus = 1

    def path(self, *names):
        return os.path.join(self.dir, *names)

    def start(self):
        missing = [t for t in TOOLS if tool(t) is None]
        if missing:
            raise Unavailable("not installed: %s (Debian: apt-get install slurm-wlm munge)"
                              % " ".join(missing))
        if os.geteuid() != 0:
            raise Unavailable("slurmd runs jobs as their user and must be started as root")
        # munged wants its socket's directory searchable by all and its key private.
        os.chmod(self.dir, 0o755)
        key = self.path("munge.key")
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, os.urandom(1024))
        os.close(fd)
        sock = self.path("munge.sock")
        self.daemon("munged", [tool("munged"), "-F", "-S", sock, "--key-file=" + key,
                               "--log-file=" + self.path("munged.log"),
                               "--pid-file=" + self.path("munged.pid"),
                               "--seed-file=" + self.path("munged.seed")])
        self.wait_daemon("munged's socket", lambda: os.path.exists(sock), 15)

        node = subprocess.run([tool("slurmd"), "-C"], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True, env=self.env)
        hw = re.search(r"^NodeName=\S+ (CPUs=(\d+) .*RealMemory=\d+)", node.stdout, re.M)
        if node.returncode != 0 or hw is None:
            raise Unavailable("slurmd -C cannot describe this machine:\n" + node.stdout)
        self.cpus = int(hw.group(2))
        host = socket.gethostname().split(".")[0]
        ctld_port, slurmd_port = free_ports(2)
        for d in ("state", "spool"):
            os.mkdir(self.path(d))
        with open(self.conf, "w") as f:
            f.write("\n".join([
                "ClusterName=tradewar-test",
                "SlurmctldHost=%s(127.0.0.1)" % host,
                "SlurmctldPort=%d" % ctld_port,
                "SlurmdPort=%d" % slurmd_port,
                "SlurmUser=root",
                "SlurmdUser=root",
                "AuthType=auth/munge",
                "CredType=cred/munge",
                "AuthInfo=socket=" + sock,
                "StateSaveLocation=" + self.path("state"),
                "SlurmdSpoolDir=" + self.path("spool"),
                "SlurmctldPidFile=" + self.path("slurmctld.pid"),
                "SlurmdPidFile=" + self.path("slurmd.pid"),
                "SlurmctldLogFile=" + self.path("slurmctld.log"),
                "SlurmdLogFile=" + self.path("slurmd.log"),
                "ProctrackType=proctrack/linuxproc",
                "TaskPlugin=task/none",
                "JobAcctGatherType=jobacct_gather/none",
                "AccountingStorageType=accounting_storage/none",
                "SchedulerType=sched/builtin",
                "SelectType=select/cons_tres",
                "SelectTypeParameters=CR_Core",
                "MpiDefault=none",
                "ReturnToService=2",
                "KillWait=5",
                "MinJobAge=600",
                "NodeName=%s NodeAddr=127.0.0.1 %s State=UNKNOWN" % (host, hw.group(1)),
                "PartitionName=test Nodes=%s Default=YES MaxTime=INFINITE State=UP" % host,
                ""]))
        self.daemon("slurmctld", [tool("slurmctld"), "-D", "-i"])
        self.daemon("slurmd", [tool("slurmd"), "-D"])
        self.wait_daemon("the node to be idle", lambda: self.query(
            ["sinfo", "--noheader", "--format=%T"]).strip() == "idle", 30)

    def daemon(self, name, cmd):
        log = open(self.path(name + ".out"), "w")
        self.daemons.append((name, subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                                    env=self.env, cwd=self.dir,
                                                    start_new_session=True)))
        log.close()

    def wait_daemon(self, what, cond, timeout):
        deadline = time.time() + timeout
        while not cond():
            for name, p in self.daemons:
                if p.poll() is not None:
                    raise Unavailable("%s exited with %d:\n%s%s" % (
                        name, p.returncode, tail(self.path(name + ".out")),
                        tail(self.path(name + ".log"))))
            if time.time() > deadline:
                logs = "".join(tail(self.path(n + ".log")) for n, _ in self.daemons)
                raise Unavailable("no %s after %d s:\n%s" % (what, timeout, logs))
            time.sleep(0.1)

    def query(self, cmd, check=False):
        p = subprocess.run([tool(cmd[0])] + cmd[1:], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True, env=self.env,
                           timeout=30)
        if check and p.returncode != 0:
            raise AssertionError("%s failed:\n%s" % (" ".join(cmd), p.stdout))
        return p.stdout

    def job(self, jid):
        """The job's fields from scontrol (JobState, ExitCode, NumCPUs, ...)."""
        out = self.query(["scontrol", "--oneliner", "show", "job", str(jid)])
        return dict(re.findall(r"(\S+?)=(\S*)", out))

    def stop(self):
        """Cancel every job, stop the daemons, kill what is left of the jobs, remove all."""
        if any(p.poll() is None for n, p in self.daemons if n == "slurmctld"):
            self.query(["scancel", "--user=root"])
            try:
                wait_for("the jobs to end", lambda: self.query(
                    ["squeue", "--noheader"]).strip() == "", 15)
            except (AssertionError, subprocess.TimeoutExpired):
                pass
        for _, p in reversed(self.daemons):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        # slurmstepd and the jobs' processes carry this cluster's SLURM_CONF.
        mark = ("SLURM_CONF=" + self.conf).encode() + b"\0"
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open("/proc/%s/environ" % pid, "rb") as f:
                    if mark in f.read() and int(pid) != os.getpid():
                        os.kill(int(pid), signal.SIGKILL)
            except (OSError, ValueError):
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


CLUSTER = None


def part_rows(outdir):
    try:
        with open(os.path.join(outdir + ".partial", "replicates.csv.part")) as f:
            return sum(1 for _ in f) - 1
    except OSError:
        return 0


def result_hash(outdir):
    with open(os.path.join(outdir, "provenance.yaml")) as f:
        return re.search(r'^result_hash: "([0-9a-f]{16})"', f.read(), re.M).group(1)


def provenance(outdir, key):
    with open(os.path.join(outdir, "provenance.yaml")) as f:
        return re.search(r"^%s: (\S+)" % key, f.read(), re.M).group(1)


class SlurmExample(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = CLUSTER.path("work")
        os.mkdir(cls.tmp)
        os.chmod(cls.tmp, 0o755)
        cls.ref = os.path.join(cls.tmp, "reference")
        p = subprocess.run([TW_BIN, "run", SCENARIO, "-n", str(N), "-t", "2", "-q", "-o",
                            cls.ref] + SETS, cwd=TW_SOURCE_DIR, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True, timeout=300)
        if p.returncode != 0:
            raise AssertionError("reference run failed:\n" + p.stdout)
        cls.ref_hash = result_hash(cls.ref)
        say("uninterrupted run without Slurm: result_hash %s", cls.ref_hash)

    def env(self, outdir, max_resubmits, srun_args=""):
        return dict(CLUSTER.env, TRADEWAR=TW_BIN, OUTDIR=outdir, REPLICATES=str(N),
                    TW_ARGS=" ".join(SETS + ["--checkpoint-every", "0"]),
                    TW_SRUN_ARGS=srun_args, TW_MAX_RESUBMITS=str(max_resubmits),
                    SBATCH_OUTPUT=os.path.join(self.tmp, "slurm-%j.log"))

    def submit(self, env, shape):
        """sbatch the example from the repository root, as the README says."""
        cmd = [tool("sbatch"), "--parsable"] + shape + ["--time=10", SCRIPT]
        p = subprocess.run(cmd, cwd=TW_SOURCE_DIR, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stdout)
        jid = int(p.stdout.strip().split(";")[0])
        say("$ sbatch %s  -> job %d", " ".join(cmd[2:]), jid)
        return jid

    def log(self, jid):
        with open(os.path.join(self.tmp, "slurm-%d.log" % jid), errors="replace") as f:
            return f.read()

    def walltime_signal(self, jid, outdir, rows_before):
        """Once the job's batch has gone past rows_before replicates (and so checkpointed
        and taken the signal handler), send what --signal=TERM@120 sends."""
        wait_for("job %d to get past %d replicates" % (jid, rows_before),
                 lambda: part_rows(outdir) > rows_before
                 and os.path.exists(os.path.join(outdir + ".partial", "checkpoint.bin")), 120)
        self.assertEqual(CLUSTER.job(jid).get("JobState"), "RUNNING",
                         "the batch is in job %d" % jid)
        CLUSTER.query(["scancel", "--signal=TERM", str(jid)], check=True)
        say("$ scancel --signal=TERM %d   (after %d of %d replicates)", jid, part_rows(outdir), N)
        state = self.wait_end(jid)
        self.assertFalse(os.path.exists(outdir), "job %d was stopped mid-batch" % jid)
        self.assertTrue(os.path.isdir(outdir + ".partial"))
        log = self.log(jid)
        self.assertIn("tradewar: stopped by a signal after", log)
        return state, log, part_rows(outdir)

    def wait_end(self, jid):
        ended = ("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY")
        info = wait_for("job %d to end" % jid,
                        lambda: (lambda j: j if j.get("JobState") in ended else None)(
                            CLUSTER.job(jid)), 150)
        say("job %d: %s, exit code %s", jid, info["JobState"], info.get("ExitCode"))
        return info

    def resubmitted(self, log):
        m = re.search(r"^Submitted batch job (\d+)$", log, re.M)
        self.assertIsNotNone(m, "the job resubmitted itself:\n" + log)
        return int(m.group(1))

    def finish(self, jid, outdir, shape_fields):
        info = self.wait_end(jid)
        log = self.log(jid)
        self.assertEqual((info["JobState"], info["ExitCode"]), ("COMPLETED", "0:0"), log)
        self.assertIn("resuming %s (resubmission 1)" % outdir, log)
        for k, v in shape_fields.items():
            self.assertEqual(info.get(k), v, "the resubmitted job keeps %s" % k)
        self.assertFalse(os.path.exists(outdir + ".partial"))
        h = result_hash(outdir)
        say("finished by job %d: result_hash %s (uninterrupted: %s)", jid, h, self.ref_hash)
        self.assertEqual(h, self.ref_hash, "the resumed batch has the uninterrupted result")
        return info

    def test_1_threads_stop_limit_resubmit_resume(self):
        cpus = min(2, CLUSTER.cpus)
        shape = ["--nodes=1", "--ntasks-per-node=1", "--cpus-per-task=%d" % cpus]
        out = os.path.join(self.tmp, "threads")

        # At TW_MAX_RESUBMITS=0 the stopped job keeps the partial batch and stops there.
        first = self.submit(self.env(out, 0), shape)
        info, log, rows = self.walltime_signal(first, out, 0)
        self.assertEqual(info["ExitCode"], "1:0", log)
        self.assertIn("not resubmitting: 0 resubmissions reached TW_MAX_RESUBMITS=0", log)
        self.assertNotIn("Submitted batch job", log)
        say("job %d: %s", first, log.strip().splitlines()[-1])

        # Submitted again by hand: it resumes, is stopped, and resubmits itself.
        second = self.submit(self.env(out, 3), shape)
        info, log, rows2 = self.walltime_signal(second, out, rows)
        self.assertIn("resuming %s (resubmission 0)" % out, log)
        self.assertIn("batch interrupted; resubmission 1 of at most 3 to resume", log)
        self.assertEqual(info["ExitCode"], "0:0", log)
        third = self.resubmitted(log)
        say("job %d's log:\n  %s", second, log.strip().replace("\n", "\n  "))

        self.finish(third, out, {"NumNodes": "1", "NumTasks": "1", "CPUs/Task": str(cpus),
                                 "TimeLimit": "00:10:00"})
        self.assertEqual(provenance(out, "threads"), str(cpus))

    def test_2_mpi_ranks_under_srun(self):
        if not TW_MPIEXEC:
            self.skipTest("tradewar is built without MPI")
        if CLUSTER.cpus < 2:
            self.skipTest("one CPU: no room for two ranks")
        if "pmix" not in CLUSTER.query(["srun", "--mpi=list"]):
            self.skipTest("Slurm has no pmix plugin to start OpenMPI's ranks")
        shape = ["--nodes=1", "--ntasks-per-node=2", "--cpus-per-task=1"]
        out = os.path.join(self.tmp, "mpi")
        env = self.env(out, 1, "--mpi=pmix")
        # Under AddressSanitizer, as for mpirun (mc_common.py): OpenMPI's plugins, unloaded
        # before exit, would show as leaks; everything else is still checked.
        if "ASAN_OPTIONS" in env:
            env["ASAN_OPTIONS"] += ":detect_leaks=0"
        first = self.submit(env, shape)
        _, log, _ = self.walltime_signal(first, out, 0)
        second = self.resubmitted(log)
        self.finish(second, out, {"NumTasks": "2", "CPUs/Task": "1"})
        self.assertEqual(provenance(out, "ranks"), "2")

    def test_3_without_mpi_several_tasks_are_refused(self):
        if TW_MPIEXEC:
            self.skipTest("tradewar is built with MPI")
        if CLUSTER.cpus < 2:
            self.skipTest("one CPU: no room for two tasks")
        out = os.path.join(self.tmp, "no-mpi")
        jid = self.submit(self.env(out, 1), ["--nodes=1", "--ntasks-per-node=2",
                                             "--cpus-per-task=1"])
        info = self.wait_end(jid)
        log = self.log(jid)
        self.assertEqual((info["JobState"], info["ExitCode"]), ("FAILED", "2:0"), log)
        self.assertIn("is built without MPI: 2 tasks would be 2 separate batches", log)
        self.assertFalse(os.path.exists(out) or os.path.exists(out + ".partial"),
                         "nothing ran")

    def test_4_outdir_of_another_scenario_is_refused(self):
        """The reference directory (geneva-truce with SETS, complete): the same batch is
        left alone; another scenario, or other --set overrides, is refused."""
        shape = ["--nodes=1", "--ntasks-per-node=1", "--cpus-per-task=1"]
        with open(os.path.join(self.ref, "provenance.yaml")) as f:
            before = f.read()
        jid = self.submit(self.env(self.ref, 0), shape)
        info, log = self.wait_end(jid), self.log(jid)
        self.assertEqual((info["JobState"], info["ExitCode"]), ("COMPLETED", "0:0"), log)
        self.assertIn("is complete (scenario hash %s): nothing to do"
                      % provenance(self.ref, "scenario_hash").strip('"'), log)
        for change, env in (
                ("another scenario", dict(self.env(self.ref, 0),
                                          SCENARIO="scenarios/truce-collapse.yaml")),
                ("another --set", dict(self.env(self.ref, 0), TW_ARGS=" ".join(
                    SETS + ["--set", "firms.per_cell=300"])))):
            jid = self.submit(env, shape)
            info, log = self.wait_end(jid), self.log(jid)
            self.assertEqual((info["JobState"], info["ExitCode"]), ("FAILED", "2:0"),
                             change + ":\n" + log)
            self.assertIn("holds the batch of another scenario", log, change)
            self.assertNotIn("nothing to do", log, change)
            say("%s: %s", change, log.strip().splitlines()[-1])
        with open(os.path.join(self.ref, "provenance.yaml")) as f:
            self.assertEqual(f.read(), before, "the complete batch is untouched")

    def test_5_failure_without_walltime_is_not_resubmitted(self):
        """A batch stopped here (no Slurm), its checkpoint then cut in half: the job's
        --resume refuses it (exit 2), and the job keeps OUTDIR.partial and stops."""
        out = os.path.join(self.tmp, "damaged")
        proc = subprocess.Popen([TW_BIN, "run", SCENARIO, "-n", str(N), "-t", "1", "-q", "-o",
                                 out, "--checkpoint-every", "0"] + SETS, cwd=TW_SOURCE_DIR,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                universal_newlines=True)
        ckpt = os.path.join(out + ".partial", "checkpoint.bin")
        wait_for("a checkpoint", lambda: part_rows(out) > 0 and os.path.exists(ckpt), 120)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=120)
        self.assertTrue(os.path.isdir(out + ".partial"))
        with open(ckpt, "r+b") as f:
            f.truncate(os.path.getsize(ckpt) // 2)
        jid = self.submit(self.env(out, 3), ["--nodes=1", "--ntasks-per-node=1",
                                             "--cpus-per-task=1"])
        info, log = self.wait_end(jid), self.log(jid)
        self.assertEqual((info["JobState"], info["ExitCode"]), ("FAILED", "2:0"), log)
        self.assertIn("without a walltime stop: not resubmitting", log)
        self.assertNotIn("Submitted batch job", log)
        self.assertTrue(os.path.isdir(out + ".partial"), "the partial batch is kept")
        say("job %d: %s", jid, log.strip().splitlines()[-1])


def main():
    global CLUSTER
    sys.stdout.reconfigure(line_buffering=True)
    if not TW_BIN or not os.access(TW_BIN, os.X_OK):
        print("skipped: TW_BIN is not set to the tradewar program")
        return SKIPPED

    def stop_on_signal(sig, _frame):
        raise SystemExit(128 + sig)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, stop_on_signal)
    CLUSTER = Cluster()
    try:
        try:
            CLUSTER.start()
        except Unavailable as e:
            print("skipped: Slurm cannot start here: %s" % e)
            return SKIPPED
        say("one-node Slurm cluster up: %s, %d CPUs",
            CLUSTER.query(["sinfo", "--noheader", "--format=%N %T"]).strip(), CLUSTER.cpus)
        result = unittest.main(verbosity=2, exit=False).result
        return 0 if result.wasSuccessful() else 1
    finally:
        CLUSTER.stop()


if __name__ == "__main__":
    sys.exit(main())

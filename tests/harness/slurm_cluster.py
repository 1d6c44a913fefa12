"""A throw-away single-node Slurm cluster on localhost, for the tests.

Debian's slurmctld, slurmd and munge (install_deps.sh installs them), started in
the foreground as children of the test, each with PR_SET_PDEATHSIG so that they
die with the test process even if it is killed.  Everything lives in one
temporary directory: the munge key (made here), munged's socket, slurm.conf,
state, spool and logs.  Both Slurm daemons listen on 127.0.0.1 only
(NoCtldInAddrAny, NoInAddrAny), on ports the kernel picked as free.

`LocalSlurm()` raises `Unavailable` with the reason when the cluster cannot come
up (not root, a daemon missing, a daemon that does not start); the tests skip
with that reason, they never pass without Slurm.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

NODE = "lbnode"
PARTITION = "lbtest"
DAEMONS = ("munged", "slurmctld", "slurmd")
CLIENTS = ("sbatch", "squeue", "scontrol", "sinfo", "scancel")


class Unavailable(RuntimeError):
    pass


def _die_with_parent():
    # Runs in the child between fork and exec: SIGTERM it when the test process dies.
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _find(name: str) -> str | None:
    return shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/sbin/{name}")
                                       if os.access(p, os.X_OK)), None)


class LocalSlurm:
    def __init__(self, start_timeout: float = 60.0):
        if os.geteuid() != 0:
            raise Unavailable("Slurm's slurmd must run as root to start jobs; run the tests as root")
        missing = [n for n in DAEMONS + CLIENTS if not _find(n)]
        if missing:
            raise Unavailable(f"not installed: {', '.join(missing)} (install_deps.sh installs "
                              f"slurmctld, slurmd, slurm-client and munge)")
        self.dir = Path(tempfile.mkdtemp(prefix="lb-slurm-"))
        self.dir.chmod(0o755)  # munged insists that its socket's directory is searchable by all
        self.procs: dict[str, subprocess.Popen] = {}
        self.env = dict(os.environ, SLURM_CONF=str(self.dir / "slurm.conf"))
        try:
            self._start(start_timeout)
        except BaseException:
            self.stop()
            raise

    # -- start --------------------------------------------------------------------------
    def _spawn(self, name: str, args: list[str]) -> None:
        log = open(self.dir / f"{name}.stderr", "w")
        self.procs[name] = subprocess.Popen([_find(name), *args], stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, env=self.env,
                                            preexec_fn=_die_with_parent)
        log.close()

    def _wait(self, what: str, ok, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ok():
                return
            dead = [n for n, p in self.procs.items() if p.poll() is not None]
            if dead:
                raise Unavailable(f"{dead[0]} exited (status {self.procs[dead[0]].returncode}) "
                                  f"while waiting for {what}:\n{self.logs()}")
            time.sleep(0.2)
        raise Unavailable(f"timed out after {timeout:.0f} s waiting for {what}:\n{self.logs()}")

    def _start(self, timeout: float) -> None:
        d = self.dir
        key = d / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        sock = d / "munge.sock"
        self._spawn("munged", ["--foreground", f"--key-file={key}", f"--socket={sock}",
                               f"--pid-file={d}/munged.pid", f"--log-file={d}/munged.log",
                               f"--seed-file={d}/munged.seed"])
        self._wait("munged's socket", sock.exists, timeout)
        for sub in ("state", "spool"):
            (d / sub).mkdir()
        cpus = os.cpu_count() or 1
        (d / "slurm.conf").write_text(f"""\
# A single-node cluster on localhost for labyrinth-bench's tests (tests/harness/slurm_cluster.py).
ClusterName=lbtest
SlurmctldHost={socket.gethostname()}(127.0.0.1)
SlurmctldPort={_free_port()}
SlurmdPort={_free_port()}
CommunicationParameters=NoInAddrAny,NoCtldInAddrAny
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={sock}
SlurmUser=root
SlurmdUser=root
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/slurmctld.log
SlurmdLogFile={d}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
KillWait=5
MinJobAge=600
NodeName={NODE} NodeHostname={socket.gethostname()} NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN
PartitionName={PARTITION} Nodes={NODE} Default=YES MaxTime=INFINITE State=UP
""")
        self._spawn("slurmctld", ["-D", "-i", "-f", str(d / "slurm.conf")])
        self._spawn("slurmd", ["-D", "-N", NODE, "-f", str(d / "slurm.conf")])
        self._wait("the node to be idle", lambda: self.run("sinfo", "-h", "-o", "%T").stdout.strip() == "idle",
                   timeout)

    # -- use ----------------------------------------------------------------------------
    def run(self, *args, timeout: float = 30) -> subprocess.CompletedProcess:
        try:
            return subprocess.run([_find(args[0]), *map(str, args[1:])], capture_output=True, text=True,
                                  env=self.env, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            return subprocess.CompletedProcess(e.cmd, 124, "", f"timed out after {timeout} s")

    def jobs(self) -> list[str]:
        return self.run("squeue", "-h", "-o", "%i %T").stdout.split("\n")[:-1]

    def wait_idle(self, timeout: float) -> bool:
        """True once no job is queued or running (within timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = self.run("squeue", "-h", "-o", "%i")
            if r.returncode == 0 and not r.stdout.strip():
                return True
            time.sleep(1)
        return False

    def logs(self, lines: int = 15) -> str:
        out = []
        for name in ("munged.log", "munged.stderr", "slurmctld.log", "slurmctld.stderr", "slurmd.log",
                     "slurmd.stderr"):
            p = self.dir / name
            if p.exists():
                tail = p.read_text(errors="replace").splitlines()[-lines:]
                out.append(f"--- {name}\n" + "\n".join(tail))
        return "\n".join(out)

    # -- stop ---------------------------------------------------------------------------
    def stop(self) -> None:
        """Cancel every job, stop the daemons (SIGTERM, then SIGKILL after 15 s), remove the directory."""
        if self.procs.get("slurmctld") and self.procs["slurmctld"].poll() is None:
            self.run("scancel", "--partition", PARTITION, timeout=10)
            self.wait_idle(20)  # slurmstepd ends the jobs' processes while slurmd is still there
        for name in ("slurmd", "slurmctld", "munged"):
            p = self.procs.get(name)
            if p is None or p.poll() is not None:
                continue
            p.terminate()
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)
        self.procs.clear()
        shutil.rmtree(self.dir, ignore_errors=True)

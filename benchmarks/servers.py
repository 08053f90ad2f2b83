"""Private servers for the fault drill, the serving benchmark and the browser tests.

Redis, PostgreSQL and gunicorn: each runs on its own free port from a temporary directory and is
stopped and removed by its owner, so that a drill may stop or restart them without touching the
machine's shared PostgreSQL (5432) or Redis (6379). The campaign load test measures the
machine's PostgreSQL as deployed (fsync on) instead, in a database of its own on it
(PostgresServer).
"""

import contextlib
import glob
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port():
    """A TCP port nobody listens on now (the kernel's pick)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port, timeout, up=True):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.2)
            listening = probe.connect_ex(("127.0.0.1", port)) == 0
        if listening == up:
            return
        time.sleep(0.05)
    raise RuntimeError(f"port {port} still {'closed' if up else 'open'} after {timeout} s")


# Nothing on disk (a restart comes back empty, as the README deploys it), local only, quiet.
REDIS_OPTIONS = ("--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning")


class PrivateRedis:
    """redis-server on its own port, keeping nothing on disk (as the README deploys it)."""

    def __init__(self, port=0, binary="redis-server"):
        self.binary = shutil.which(binary)
        if self.binary is None:
            raise RuntimeError("redis-server not found (apt-get install redis-server)")
        self.port = port or free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), *REDIS_OPTIONS],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port, 10)
        return self

    def stop(self):
        """Stop it the hard way (SIGKILL): what a crash or an OOM kill does."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None
            _wait_for_port(self.port, 10, up=False)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def postgres_bindir():
    """The directory of initdb and pg_ctl: pg_config's, else Debian's newest."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found and Path(found, "initdb").exists():
            return Path(found)
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )
    if candidates:
        return Path(candidates[-1])
    raise RuntimeError("initdb not found (apt-get install postgresql)")


class PostgresServer:
    """A PostgreSQL server reached over TCP as `postgres` (trust): its databases, dumps, psql."""

    def __init__(self, port=5432, host="127.0.0.1"):
        self.bindir = postgres_bindir()
        self.host = host
        self.port = port

    def url(self, database="postgres"):
        return f"postgres://postgres@{self.host}:{self.port}/{database}"

    def create_database(self, name):
        self.psql(f'CREATE DATABASE "{name}"')

    def drop_database(self, name):
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def has_database(self, name):
        listed = subprocess.run(
            [str(self.bindir / "psql"), "-lqAtX", self.url()],
            check=True,
            capture_output=True,
            text=True,
        )
        return name in {line.split("|", 1)[0] for line in listed.stdout.splitlines()}

    def psql(self, sql, database="postgres"):
        subprocess.run(
            [str(self.bindir / "psql"), "-q", "-X", self.url(database), "-c", sql],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def dump(self, database, path):
        subprocess.run(
            [str(self.bindir / "pg_dump"), "-Fc", "-f", str(path), self.url(database)], check=True
        )

    def restore(self, database, path):
        subprocess.run(
            [str(self.bindir / "pg_restore"), "--no-owner", "-d", self.url(database), str(path)],
            check=True,
        )


class PrivatePostgres(PostgresServer):
    """A throwaway PostgreSQL cluster (initdb + pg_ctl) in a temporary directory.

    initdb refuses to run as root, and CI runs as root: there the cluster belongs to the
    `postgres` system user and its commands run through runuser.
    """

    def __init__(self, port=0):
        super().__init__(port or free_port())
        self.root = Path(tempfile.mkdtemp(prefix="firesafety-drill-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.as_user = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None:
                raise RuntimeError("running as root needs runuser to start PostgreSQL")
            shutil.chown(self.root, "postgres")
            self.as_user = [runuser, "-u", "postgres", "--"]

    def _run(self, tool, *args):
        subprocess.run(
            [*self.as_user, str(self.bindir / tool), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def _pg_ctl(self, action, *args):
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            # Throwaway data: no fsync. A restart's shutdown checkpoint still writes everything.
            "-c fsync=off -c full_page_writes=off"
        )
        self._run("pg_ctl", action, "-D", str(self.data), "-l", str(self.log), "-o", options, *args)

    def start(self):
        if not self.data.exists():
            self._run(
                "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                "--locale=C.UTF-8", "--no-sync",
            )  # fmt: skip
        self._pg_ctl("start", "-w", "-t", "30")
        return self

    def restart(self):
        """A fast restart: sessions in flight are cut, as on a failover or a package upgrade."""
        self._pg_ctl("restart", "-m", "fast", "-w", "-t", "30")

    def stop(self):
        if self.data.exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._pg_ctl("stop", "-m", "immediate", "-w")
        shutil.rmtree(self.root, ignore_errors=True)


def schema_key():
    """What a migrated schema depends on: our migrations and the installed packages' versions."""
    digest = hashlib.sha256((REPO / "requirements.txt").read_bytes())
    for path in sorted(REPO.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def schema_cache_path():
    """A migrated empty database, dumped once: migrating from scratch takes ~45 s here."""
    return Path(tempfile.gettempdir()) / f"firesafety-drill-schema-{schema_key()}.dump"


class Gunicorn:
    """gunicorn serving config.wsgi; its workers can be listed and killed.

    Without `config`, 2 sync workers with an access log (the fault drill's server). With a
    config file (the repository's gunicorn.conf.py), its settings, then `options` on top, as
    gunicorn's command line overrides its config file; `workers` is then only what to wait for.
    """

    def __init__(self, env, port=0, workers=2, log_path=None, config=None, options=()):
        self.env = env
        self.port = port or free_port()
        self.workers = workers
        self.log_path = log_path
        self.config = config
        self.options = list(options)
        self.process = None
        self._log = None

    def command(self):
        command = [sys.executable, "-m", "gunicorn", "config.wsgi"]
        if self.config is None:
            command += ["--workers", str(self.workers), "--worker-class", "sync"]
            command += ["--access-logfile", "-"]
        else:
            command += ["--config", str(self.config), *self.options]
        return [*command, "--bind", f"127.0.0.1:{self.port}"]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=60):
        self._log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            self.command(),
            cwd=REPO,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        _wait_for_port(self.port, timeout)
        deadline = time.monotonic() + timeout
        while len(self.worker_pids()) < (self.workers or 0) and time.monotonic() < deadline:
            time.sleep(0.1)
        return self

    def worker_pids(self):
        """The master's children: its workers (Linux /proc)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except FileNotFoundError:
            return []

    def kill_worker(self, timeout=60):
        """SIGKILL one worker and wait for the master to start its replacement.

        Returns the seconds until the master had its full count of workers again.
        """
        victim = self.worker_pids()[0]
        started = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        while time.monotonic() - started < timeout:
            pids = self.worker_pids()
            if victim not in pids and len(pids) >= self.workers:
                return time.monotonic() - started
            time.sleep(0.05)
        raise RuntimeError("gunicorn did not replace its killed worker")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
            self.process = None
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()

"""The production layout on loopback: PostgreSQL, web nodes and task workers, for real.

    with Cluster(web=2, workers=2) as cluster:
        cluster.web_ports        # two separate gunicorn processes, each on its own port
        cluster.worker_pids      # two `matchmaker task_worker` processes
        cluster.postgres.restart()

Starts a throwaway PostgreSQL (as the `postgres` system user when run as root, because
PostgreSQL refuses to run as root), runs `matchmaker migrate` and optionally
`matchmaker load_demo`, then the web nodes and workers as docs/deploy.md describes them,
each in its own process group. Everything listens on 127.0.0.1 only, every wait is bounded,
and leaving the `with` block (also on an error or Ctrl-C) stops every process it started and
removes the database. Used by bench_ops_cluster.py and bench_load.py.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


def find_pg(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    path = found[0] if found else shutil.which(name)
    if not path:
        raise SystemExit(
            f"{name} not found; install PostgreSQL (Debian: apt-get install postgresql)"
        )
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {HOST}:{port} after {seconds} s")


class Postgres:
    """A throwaway PostgreSQL server on a free loopback port."""

    def __init__(self, workdir: str, max_connections: int = 300):
        self.workdir = workdir
        self.datadir = os.path.join(workdir, "data")
        self.port = free_port()
        self.max_connections = max_connections
        self.run_as: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(workdir, user.pw_uid, user.pw_gid)
            self.run_as = ["runuser", "-u", "postgres", "--"]

    def url(self, database: str = "matchmaker") -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def init(self) -> None:
        quiet = {"stdout": subprocess.DEVNULL}
        subprocess.run(
            [*self.run_as, find_pg("initdb"), "-D", self.datadir, "-U", "postgres", "-A", "trust"]
            + ["-E", "UTF8", "--no-sync"],
            check=True,
            timeout=120,
            **quiet,
        )
        self.start()
        self.createdb("matchmaker")

    def _ctl(self, *args: str, check: bool = True) -> None:
        options = (
            f"-c listen_addresses={HOST} -p {self.port} -k {self.workdir} -c fsync=off "
            f"-c full_page_writes=off -c max_connections={self.max_connections}"
        )
        subprocess.run(
            [*self.run_as, find_pg("pg_ctl"), "-D", self.datadir, "-l"]
            + [os.path.join(self.workdir, "log"), "-o", options, *args],
            check=check,
            timeout=120,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self) -> None:
        self._ctl("-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends open connections and stops cleanly, as a service restart does."""
        self._ctl("-w", "-m", mode, "stop", check=False)

    def createdb(self, name: str) -> None:
        subprocess.run(
            [find_pg("createdb"), "-h", HOST, "-p", str(self.port), "-U", "postgres", name],
            check=True,
            timeout=60,
        )

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)


class Cluster:
    """PostgreSQL + `web` gunicorn processes + `workers` task workers, all on loopback."""

    def __init__(
        self,
        *,
        web: int = 2,
        workers: int = 2,
        web_workers: int = 2,
        threads: int = 4,
        demo: bool = True,
        env: dict[str, str] | None = None,
        log_dir: str | None = None,
    ):
        self.web, self.workers = web, workers
        self.web_workers, self.threads = web_workers, threads
        self.demo = demo
        self.extra_env = env or {}
        self.workdir = tempfile.mkdtemp(prefix="matchmaker-cluster-")
        self.log_dir = Path(log_dir or self.workdir)
        self.postgres = Postgres(tempfile.mkdtemp(prefix="matchmaker-cluster-pg-"))
        self.processes: list[subprocess.Popen] = []
        self.web_ports: list[int] = []
        self.worker_processes: list[subprocess.Popen] = []
        self.env: dict[str, str] = {}

    # --- set-up ---------------------------------------------------------------------------
    def __enter__(self) -> Cluster:
        previous = signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run __exit__ on `kill`
        self._previous_sigterm = previous
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self) -> None:
        self.postgres.init()
        src = str(ROOT / "src")
        self.env = {
            **os.environ,
            "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "DJANGO_SETTINGS_MODULE": "matchmaker.settings",
            "MATCHMAKER_DATABASE_URL": self.postgres.url(),
            "MATCHMAKER_SECRET_KEY": secrets.token_urlsafe(50),
            "MATCHMAKER_DEBUG": "false",
            "MATCHMAKER_ALLOWED_HOSTS": f"{HOST},localhost,testserver",
            "MATCHMAKER_VAR_DIR": self.workdir,
            # plain HTTP on loopback: no TLS proxy in front, so no secure-only cookies
            "MATCHMAKER_SECURE_COOKIES": "false",
            "MATCHMAKER_SSL_REDIRECT": "false",
            "MATCHMAKER_DB_CONN_MAX_AGE": "60",
            "MATCHMAKER_DB_CONN_HEALTH_CHECKS": "true",
            "MATCHMAKER_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "MATCHMAKER_LOG_LEVEL": "WARNING",
            **self.extra_env,
        }
        self.manage("migrate", "--noinput")
        if self.demo:
            self.manage("load_demo")
        for _ in range(self.web):
            self.start_web()
        for _ in range(self.workers):
            self.start_worker()
        for port in self.web_ports:
            wait_for_port(port)

    def manage(self, *args: str, timeout: int = 600) -> str:
        """Run `matchmaker <args>` against the cluster's database; returns its output."""
        done = subprocess.run(
            [str(BIN / "matchmaker"), *args],
            env=self.env,
            check=True,
            timeout=timeout,
            capture_output=True,
            text=True,
        )
        return done.stdout

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        process.log = log  # type: ignore[attr-defined]
        self.processes.append(process)
        return process

    def start_web(self) -> int:
        port = free_port()
        self._spawn(
            f"web-{port}",
            [
                str(BIN / "gunicorn"),
                "matchmaker.wsgi:application",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(self.web_workers),
                "--threads",
                str(self.threads),
                "--worker-class",
                "gthread",
                "--graceful-timeout",
                "5",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
        )
        self.web_ports.append(port)
        return port

    def start_worker(self) -> subprocess.Popen:
        process = self._spawn(
            f"worker-{len(self.worker_processes) + 1}",
            [
                str(BIN / "matchmaker"),
                "task_worker",
                "--queue-name",
                "default",
                "--interval",
                "0.5",
            ],
        )
        self.worker_processes.append(process)
        return process

    @property
    def worker_pids(self) -> list[int]:
        return [p.pid for p in self.worker_processes if p.poll() is None]

    def kill_worker(self, pid: int) -> None:
        """SIGKILL one of our own task workers (only ours: refuses any other pid)."""
        if pid not in self.worker_pids:
            raise ValueError(f"{pid} is not a running worker of this cluster")
        os.kill(pid, signal.SIGKILL)
        next(p for p in self.worker_processes if p.pid == pid).wait(timeout=10)

    def url(self, path: str, node: int = 0) -> str:
        return f"http://{HOST}:{self.web_ports[node % len(self.web_ports)]}{path}"

    def django(self):
        """Set up Django in this process against the cluster's database (for checks)."""
        os.environ.update({k: v for k, v in self.env.items() if k.startswith("MATCHMAKER_")})
        os.environ["DJANGO_SETTINGS_MODULE"] = "matchmaker.settings"
        sys.path.insert(0, str(ROOT / "src"))
        import django

        django.setup()
        return django

    # --- tear-down ------------------------------------------------------------------------
    def __exit__(self, *exc) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 15
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait(timeout=10)
            process.log.close()  # type: ignore[attr-defined]
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django was never set up here
            pass
        self.postgres.destroy()
        shutil.rmtree(self.workdir, ignore_errors=True)
        signal.signal(signal.SIGTERM, getattr(self, "_previous_sigterm", signal.SIG_DFL))


if __name__ == "__main__":
    # `python bench/ops_cluster.py [--quick]` runs the fault scenarios that use this module
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_ops_cluster import main

    sys.exit(main())

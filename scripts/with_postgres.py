"""Run a command against a throwaway PostgreSQL server.

    python scripts/with_postgres.py pytest -q tests

Starts a fresh cluster in a temporary directory on a free loopback port, exports
MATCHMAKER_DATABASE_URL for the command, and removes the cluster afterwards. As root the server
runs as the `postgres` system user, because PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile


def find_bin(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    found = candidates[0] if candidates else shutil.which(name)
    if not found:
        sys.exit(
            f"with_postgres: {name} not found; install PostgreSQL (Debian: apt-get install postgresql)"
        )
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str]) -> int:
    if not argv:
        sys.exit("usage: with_postgres.py COMMAND [ARGS...]")
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    as_root = os.geteuid() == 0
    run_as: list[str] = []
    workdir = tempfile.mkdtemp(prefix="matchmaker-pg-")
    datadir = os.path.join(workdir, "data")
    if as_root:
        user = pwd.getpwnam("postgres")
        os.chown(workdir, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    quiet = {"stdout": subprocess.DEVNULL}
    try:
        subprocess.run(
            [
                *run_as,
                initdb,
                "-D",
                datadir,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            **quiet,
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {workdir} -c fsync=off -c full_page_writes=off -c max_connections=300"
        subprocess.run(
            [
                *run_as,
                pg_ctl,
                "-D",
                datadir,
                "-l",
                os.path.join(workdir, "log"),
                "-o",
                options,
                "-w",
                "start",
            ],
            check=True,
            **quiet,
        )
        subprocess.run(
            [
                find_bin("createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "matchmaker",
            ],
            check=True,
        )
        env = dict(
            os.environ, MATCHMAKER_DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/matchmaker"
        )
        print(f"with_postgres: PostgreSQL on 127.0.0.1:{port}", flush=True)
        return subprocess.run(argv, env=env).returncode
    finally:
        subprocess.run(
            [*run_as, pg_ctl, "-D", datadir, "-m", "immediate", "stop"],
            **quiet,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

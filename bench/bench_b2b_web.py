"""B2B at scale in PostgreSQL: a full scheduling run and the agenda page under load.

    python bench/bench_b2b_web.py            # 2,000 participants, 15,000 requests, 50 users
    python bench/bench_b2b_web.py --quick    # 200 participants, 1,500 requests, 10 users

Without MATCHMAKER_DATABASE_URL the script re-runs itself under scripts/with_postgres.py (a
throwaway PostgreSQL). It builds the event with bulk inserts, then times database → solver →
database (build_problem, solve, publish), then serves the app with gunicorn on loopback and
loads the agenda page of random participants from N concurrent keep-alive clients (wrk when
installed, else Python threads), printing p50/p95 and the ratio to the home page measured the
same way in the same run. Results go to bench/results/b2b_web.txt.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=15000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--time-limit", type=int, default=60)
    parser.add_argument(
        "--think", type=float, default=2.0, help="seconds a user reads a page (mean)"
    )
    args = parser.parse_args()
    if args.quick:
        args.participants, args.requests, args.users, args.seconds, args.time_limit = (
            200,
            1500,
            10,
            5,
            10,
        )
    return args


def build(args):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from matchmaker.directory.models import Organisation, Person
    from matchmaker.events.models import Event, Participant, ParticipantCategory, TeamMember
    from matchmaker.meetings import setup
    from matchmaker.meetings.models import B2BSession, MeetingRequest, MeetingSettings

    rng = random.Random(42)
    User = get_user_model()
    password = make_password("bench-password")
    event = Event.objects.create(
        name="Bench brokerage",
        slug="bench",
        kind="brokerage",
        start_date=dt.date(2027, 5, 10),
        end_date=dt.date(2027, 5, 10),
        time_zone="Europe/Paris",
        is_published=True,
    )
    organiser = User.objects.create(
        email="bench.organiser@example.org", name="Bench Organiser", password=password
    )
    TeamMember.objects.create(event=event, user=organiser)
    MeetingSettings.objects.create(
        event=event, max_meetings=12, max_requests_sent=40, max_requests_received=200
    )
    categories = [
        ParticipantCategory.objects.create(event=event, name=n)
        for n in ("Company", "Research", "Cluster")
    ]
    users = User.objects.bulk_create(
        [
            User(
                email=f"p{i}@bench.example",
                name=f"Participant {i}",
                password=password,
                time_zone="Europe/Warsaw",
            )
            for i in range(args.participants)
        ]
    )
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Org {i}", type="sme", country="PL", description=f"Sector {i % 17}")
            for i in range(args.participants)
        ]
    )
    people = Person.objects.bulk_create(
        [
            Person(organisation=o, name=u.name, email=u.email, user=u)
            for o, u in zip(orgs, users, strict=True)
        ]
    )
    participants = Participant.objects.bulk_create(
        [
            Participant(event=event, person=p, category=categories[i % 3], status="approved")
            for i, p in enumerate(people)
        ]
    )
    for name, start, end in (
        ("Morning", dt.time(9), dt.time(13)),
        ("Afternoon", dt.time(14), dt.time(18)),
    ):
        setup.save_session(
            B2BSession(
                event=event,
                name=name,
                date=event.start_date,
                start_time=start,
                end_time=end,
                slot_minutes=20,
            )
        )
    setup.set_table_count(event, max(10, args.participants // 4))
    # popular participants get many requests: weights follow a Zipf-like law
    weights = [1 / (i + 1) ** 0.8 for i in range(args.participants)]
    seen, rows = set(), []
    while len(rows) < args.requests:
        a = rng.randrange(args.participants)
        b = rng.choices(range(args.participants), weights)[0]
        if a == b or (a, b) in seen or (b, a) in seen:
            continue
        seen.add((a, b))
        rows.append(
            MeetingRequest(
                event=event, sender=participants[a], receiver=participants[b], status="accepted"
            )
        )
    MeetingRequest.objects.bulk_create(rows, batch_size=2000)
    return event, users


def schedule(event, time_limit: int) -> dict:
    from matchmaker import solver
    from matchmaker.meetings import scheduling
    from matchmaker.meetings.models import SchedulerRun

    started = time.perf_counter()
    problem = scheduling.build_problem(event)
    built = time.perf_counter()
    run = SchedulerRun.objects.create(event=event, time_limit=time_limit)
    result = solver.solve(problem, time_limit=time_limit, workers=2)
    solved = time.perf_counter()
    run.problem, run.result, run.status = (
        problem.to_dict(),
        result.to_dict(),
        SchedulerRun.Status.DONE,
    )
    run.save()
    counts = scheduling.publish(run)
    done = time.perf_counter()
    return {
        "build_s": built - started,
        "solve_s": solved - built,
        "publish_s": done - solved,
        "total_s": done - started,
        "meetings": counts["new"],
        "candidates": len(problem.meetings),
        "status": result.status,
        "bound": result.bound,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookies(users, n: int) -> list[str]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    cookies = []
    for user in random.Random(1).sample(list(users), n):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        cookies.append(store.session_key)
    return cookies


def load(
    port: int, path_for, cookies: list[str], users: int, seconds: int, think: float = 0.0
) -> list[float]:
    """Load from `users` keep-alive clients; returns latencies in ms.

    With `think` > 0 each user waits a random 0.5–1.5 × think seconds between pages, as a
    person reading the page would (locust's usual model); with 0 the loop is closed and
    measures the server's saturation throughput."""
    import http.client

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(k: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        cookie = cookies[k % len(cookies)]
        mine = []
        pause = random.Random(k)
        time.sleep(pause.uniform(0, think))  # users arrive spread out
        while time.perf_counter() < stop:
            t = time.perf_counter()
            try:
                conn.request("GET", path_for(k), headers={"Cookie": f"sessionid={cookie}"})
                response = conn.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # the server closed an idle keep-alive connection: reconnect, as a browser does
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                t = time.perf_counter()
                conn.request("GET", path_for(k), headers={"Cookie": f"sessionid={cookie}"})
                response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - t) * 1000)
            if response.status != 200:
                errors[0] += 1
            if think:
                time.sleep(pause.uniform(0.5 * think, 1.5 * think))
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors[0]:
        raise SystemExit(f"{errors[0]} responses were not 200")
    return latencies


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> int:
    args = parse()
    if not os.environ.get("MATCHMAKER_DATABASE_URL"):
        return subprocess.call(
            [sys.executable, str(ROOT / "scripts" / "with_postgres.py"), sys.executable, *sys.argv]
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "matchmaker.settings")
    # plain HTTP on loopback with a throwaway database: development mode
    os.environ.setdefault("MATCHMAKER_DEV", "1")
    os.environ["MATCHMAKER_VAR_DIR"] = tempfile.mkdtemp(prefix="matchmaker-bench-")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    event, users = build(args)
    print(
        f"built {args.participants} participants and {args.requests} requests in {time.perf_counter() - t:.1f} s"
    )
    run = schedule(event, args.time_limit)
    print(
        f"scheduling run, database → solver → database: {run['total_s']:.1f} s "
        f"(build {run['build_s']:.1f}, solve {run['solve_s']:.1f}, publish {run['publish_s']:.1f}); "
        f"{run['meetings']} of {run['candidates']} requests placed, status {run['status']}, bound {run['bound']}"
    )
    cookies = session_cookies(users, max(args.users, 100))
    port = free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if gunicorn is None:
        raise SystemExit("gunicorn is needed: pip install -e '.[bench]'")
    server = subprocess.Popen(
        [
            gunicorn,
            "matchmaker.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
        ],
        env=dict(os.environ, MATCHMAKER_DB_CONN_MAX_AGE="60"),
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        agenda = f"/events/{event.slug}/b2b/agenda/"
        load(port, lambda k: agenda, cookies, 4, 2)  # warm up
        home = load(port, lambda k: "/", cookies, args.users, args.seconds, args.think)
        agenda_lat = load(port, lambda k: agenda, cookies, args.users, args.seconds, args.think)
        saturated = load(port, lambda k: agenda, cookies, args.users, max(5, args.seconds // 2))
    finally:
        server.terminate()
        server.wait()
    lines = [
        f"B2B web bench: {args.participants} participants, {args.requests} requests, {args.users} concurrent users, "
        f"{args.seconds} s each, PostgreSQL, gunicorn 3×4 gthread, 2 cores",
        f"scheduling run total {run['total_s']:.1f} s (target ≤ 90 s); placed {run['meetings']}/{run['candidates']}",
        f"home page   : {len(home):6d} requests, p50 {statistics.median(home):6.1f} ms, p95 {percentile(home, 0.95):6.1f} ms",
        f"agenda page : {len(agenda_lat):6d} requests, p50 {statistics.median(agenda_lat):6.1f} ms, "
        f"p95 {percentile(agenda_lat, 0.95):6.1f} ms (target ≤ 150 ms)",
        f"agenda p95 / home p95 = {percentile(agenda_lat, 0.95) / percentile(home, 0.95):.2f}",
        f"without reading pauses (closed loop) the agenda page serves {len(saturated) / max(5, args.seconds // 2):.0f} "
        f"requests/s with p95 {percentile(saturated, 0.95):.0f} ms: the 2 cores are then saturated",
    ]
    print("\n".join(lines))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / ("b2b_web_quick.txt" if args.quick else "b2b_web.txt")).write_text(
        "\n".join(lines) + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""CPU time per participant page, measured in-process with the Django test client.

    python bench/bench_page_cost.py            # ITER demo + 300 participants, 30 rounds
    python bench/bench_page_cost.py --quick    # 40 participants, 5 rounds
    python bench/bench_page_cost.py --profile partners   # pyinstrument tree of one page
    python bench/bench_page_cost.py --against main       # before/after, same data, same run

Builds the data bench_load.py builds (the ITER demo plus N signed-in delegation members) in
a throwaway SQLite database, then requests each page locust requests (partners, search,
request form, request send, agenda, own requests) as one participant after another and
reports the process CPU milliseconds per request (median and p90). Queries are not the cost
(their number is fixed per page); Python is, so CPU time of one process is the measure.
With --against REF the code of that git revision is measured too, on a copy of the same
database, alternating with the working tree's code so both see the same machine load, and
the ratio per page is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent
PAGES = ["partners", "partners search", "request form", "request send", "agenda", "my requests"]


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small numbers (make bench)")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--profile", choices=PAGES, help="print a pyinstrument profile")
    parser.add_argument("--db", help="SQLite file to reuse (built when missing)")
    parser.add_argument("--against", metavar="REF", help="also measure this git revision")
    parser.add_argument("--alternations", type=int, default=4, help="runs of each, in turn")
    parser.add_argument("--src", help=argparse.SUPPRESS)  # the code to measure (child runs)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.users, args.rounds, args.alternations = 40, 5, 1
    return args


def setup_django(db: Path, var: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "matchmaker.settings",
            "MATCHMAKER_DEV": "1",
            "MATCHMAKER_DEBUG": "false",
            "MATCHMAKER_DATABASE_URL": f"sqlite:///{db}",
            "MATCHMAKER_VAR_DIR": str(var),
            "MATCHMAKER_ALLOWED_HOSTS": "testserver,127.0.0.1",
            "MATCHMAKER_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "MATCHMAKER_LOG_LEVEL": "ERROR",
            "MATCHMAKER_SSL_REDIRECT": "false",
            "MATCHMAKER_SECURE_COOKIES": "false",
        }
    )
    import django

    django.setup()


def build(users: int) -> None:
    import ops_people as people
    from django.core.management import call_command

    from matchmaker.demo.scenarios import iter_mission
    from matchmaker.events.models import Event, ParticipantCategory
    from matchmaker.meetings.models import MeetingSettings

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    event = Event.objects.get(slug=iter_mission.SLUG)
    delegates = ParticipantCategory.objects.get(event=event, name="Delegation member")
    accounts = people.add_people(users)
    people.register(event, accounts, delegates)
    MeetingSettings.objects.filter(event=event).update(max_requests_received=10_000)


def plan() -> dict:
    from django.contrib.auth import get_user_model

    from matchmaker.demo.scenarios import iter_mission
    from matchmaker.events.models import Event, ParticipantCategory
    from matchmaker.meetings.setup import allowed_pairs

    event = Event.objects.get(slug=iter_mission.SLUG)
    delegates = ParticipantCategory.objects.get(event=event, name="Delegation member")
    partner_categories = [b for a, b in allowed_pairs(event) if a == delegates.pk]
    partners = list(
        event.participants.filter(status="approved", category_id__in=partner_categories)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    users = list(get_user_model().objects.filter(email__endswith="@load.example").order_by("pk"))
    return {"slug": event.slug, "partners": partners, "users": users}


def requests_for(the_plan: dict, k: int):
    """The locust actions of one participant, as (page, method, path, data)."""
    base = f"/events/{the_plan['slug']}/b2b"
    partner = the_plan["partners"][k % len(the_plan["partners"])]
    pages = max(1, -(-len(the_plan["partners"]) // 30))
    searches = ["tokamak", "vacuum", "cryogenics", "robotics", "magnets", "welding"]
    return [
        ("partners", "get", f"{base}/?page={k % pages + 1}", None),
        ("partners search", "get", f"{base}/?q={searches[k % len(searches)]}", None),
        ("request form", "get", f"{base}/request/{partner}/", None),
        (
            "request send",
            "post",
            f"{base}/request/{partner}/",
            {"message": "We make parts you may need; shall we meet?"},
        ),
        ("agenda", "get", f"{base}/agenda/", None),
        ("my requests", "get", f"{base}/requests/", None),
    ]


def measure(the_plan: dict, rounds: int, profile: str | None) -> dict[str, list[float]]:
    from django.test import Client

    costs: dict[str, list[float]] = {page: [] for page in PAGES}
    users = the_plan["users"]
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
    # one client for all: each Client loads the middleware anew, which a server does once
    client = Client()
    for k in range(rounds + 2):  # two warm-up rounds load code and build the recommender
        client.logout()
        client.force_login(users[k % len(users)])
        for page, method, path, data in requests_for(the_plan, k):
            record = k >= 2
            if profiler and record and page == profile:
                profiler.start()
            started = time.process_time()
            response = getattr(client, method)(path, data, follow=(method == "post"))
            took = (time.process_time() - started) * 1000
            if profiler and record and page == profile:
                profiler.stop()
            assert response.status_code == 200, (page, response.status_code)
            if record:
                costs[page].append(took)
    if profiler:
        print(
            profiler.output_text(
                unicode=True, color=False, show_all=bool(os.environ.get("PROFILE_ALL"))
            )
        )
    return costs


def child(src: Path, db: Path, args: argparse.Namespace) -> dict[str, list[float]]:
    """Costs measured by a fresh process running the code in src on a copy of db."""
    copy = db.parent / f"run-{os.getpid()}-{time.monotonic_ns()}.sqlite3"
    shutil.copy(db, copy)
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--db", str(copy), "--rounds", str(args.rounds)]
            + ["--src", str(src), "--json"],
            env=dict(os.environ, PYTHONPATH=str(src)),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        copy.unlink()
    return json.loads(out.strip().splitlines()[-1])


def compare(db: Path, args: argparse.Namespace) -> None:
    baseline = Path(tempfile.mkdtemp(prefix="matchmaker-pagecost-src-"))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", args.against, "src"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(baseline)], input=archive, check=True)
    before: dict[str, list[float]] = {page: [] for page in PAGES}
    after: dict[str, list[float]] = {page: [] for page in PAGES}
    for _ in range(args.alternations):
        for costs, src in ((before, baseline / "src"), (after, ROOT / "src")):
            for page, values in child(src, db, args).items():
                costs[page] += values
    shutil.rmtree(baseline)
    print(f"CPU ms per request (median), {args.against} → working tree, same data\n")
    print(f"| page | {args.against} ms | now ms | now / {args.against} |")
    print("|---|---:|---:|---:|")
    for page in PAGES:
        old, new = statistics.median(before[page]), statistics.median(after[page])
        print(f"| {page} | {old:.1f} | {new:.1f} | {new / old:.2f} |")


def main() -> int:
    args = parse()
    workdir = Path(tempfile.mkdtemp(prefix="matchmaker-pagecost-"))
    db = Path(args.db) if args.db else workdir / "db.sqlite3"
    fresh = not db.exists()
    sys.path.insert(0, args.src or str(ROOT / "src"))
    try:
        setup_django(db, db.parent / "var")
        if fresh:
            build(args.users)
        report(db, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def report(db: Path, args: argparse.Namespace) -> None:
    if args.against:
        compare(db, args)
        return
    costs = measure(plan(), args.rounds, args.profile)
    if args.json:
        print(json.dumps(costs))
        return
    print(f"CPU ms per request, {args.rounds} participants one after another (request send")
    print("includes following its redirect to own requests, as a browser does; each")
    print("participant's first partner list ranks, the search after it reuses the ranking)\n")
    print("| page | median ms | p90 ms |")
    print("|---|---:|---:|")
    for page, values in costs.items():
        values.sort()
        p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
        print(f"| {page} | {statistics.median(values):.1f} | {p90:.1f} |")


if __name__ == "__main__":
    sys.exit(main())

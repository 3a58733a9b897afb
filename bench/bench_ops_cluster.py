"""The production layout under faults: 2 gunicorn web nodes + 2 task workers + PostgreSQL.

    python bench/bench_ops_cluster.py            # 200 bookers, 50 agenda readers, 45 s heartbeat limit
    python bench/bench_ops_cluster.py --quick    # 40 bookers, 10 readers, 10 s limit (about 2 min)

Scenarios, each checked and reported:
  lock     two organisers start a scheduler run on the same event at the same moment, through
           different web nodes: exactly one run starts, the other page says why
  booking  N participants accept a meeting request with a live slot at once, half through each
           web node: afterwards nobody and no table has two meetings in one slot
  restart  PostgreSQL restarts while M participants reload their agendas: meanwhile every
           answer is the 503 page (with Retry-After), never a 500; time to recover is measured
  kill     the task worker running a scheduler run is killed with SIGKILL: the run page shows
           it failed within a minute, nothing was published, and a new run completes

Everything runs on 127.0.0.1 and every process started is stopped at the end. The full run
writes bench/results/ops_cluster.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ops_people as people  # noqa: E402
from ops_cluster import ROOT, Cluster  # noqa: E402

RESULTS = ROOT / "bench" / "results"
STATUS = re.compile(r'<strong class="run-status">([^<]*)</strong>')
ALERT = re.compile(r'<p class="form-errors" role="alert">([^<]*)</p>')
MESSAGE = re.compile(r'<li class="message ([a-z]+)">([^<]*)</li>')
STOPPED = "The worker running this schedule stopped; start it again."


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small numbers (make bench)")
    parser.add_argument("--bookers", type=int, default=200)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--down-seconds", type=float, default=5.0)
    parser.add_argument("--stale-seconds", type=int, default=45)
    parser.add_argument("--logs", help="keep the processes' logs in this directory")
    args = parser.parse_args()
    if args.quick:
        args.bookers, args.readers, args.down_seconds, args.stale_seconds = 40, 10, 3.0, 10
    return args


class Report:
    def __init__(self):
        self.lines: list[str] = []
        self.failures: list[str] = []
        self.started = time.monotonic()

    def section(self, title: str) -> None:
        self.say(f"\n## {title}\n\n(at {time.monotonic() - self.started:.0f} s)\n")

    def check(self, ok: bool, what: str) -> None:
        self.say(f"- [{'x' if ok else ' '}] {what}")
        if not ok:
            self.failures.append(what)

    def say(self, line: str) -> None:
        print(line, flush=True)
        self.lines.append(line)


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def wait_for_run(client, url: str, seconds: float) -> tuple[str, str, str]:
    """Poll the run's progress fragment as the organiser's page does, until the run ends.

    Returns the run's status and message (from the database, whatever the organiser's
    language) and the last page shown."""
    from matchmaker.meetings.models import SchedulerRun

    run_id = int(url.rstrip("/").split("/")[-2])
    deadline = time.monotonic() + seconds
    body = ""
    run = SchedulerRun.objects.get(pk=run_id)
    while time.monotonic() < deadline:
        body = html_unescape(client.get(url, timeout=10).text)
        run.refresh_from_db()
        if run.status not in SchedulerRun.ACTIVE:
            break
        time.sleep(1)
    return run.status, run.message, body


# --- lock ------------------------------------------------------------------------------------
def scenario_lock(cluster: Cluster, report: Report, setup: dict) -> None:
    from matchmaker.meetings.models import SchedulerRun

    report.section("Two organisers start a scheduler run at once (two web nodes)")
    event = setup["iter"]
    before = SchedulerRun.objects.filter(event=event).count()
    barrier = threading.Barrier(2)
    outcomes: dict[int, object] = {}
    start_url = f"/events/{event.slug}/b2b/manage/runs/"

    def start(k: int) -> None:
        client = setup["organiser_clients"][k]
        barrier.wait(timeout=30)
        outcomes[k] = client.post(
            cluster.url(start_url, node=k), data={"time_limit": 5}, timeout=30
        )

    threads = [threading.Thread(target=start, args=(k,)) for k in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    runs = SchedulerRun.objects.filter(event=event).count() - before
    report.check(runs == 1, f"runs created by two simultaneous starts: {runs} (expected 1)")
    statuses = sorted(r.status_code for r in outcomes.values())
    report.check(statuses == [200, 200], f"both pages answered: {statuses}")
    refused = [
        html_unescape(m)
        for r in outcomes.values()
        for kind, m in MESSAGE.findall(r.text)
        if kind == "error"
    ]
    run = SchedulerRun.objects.filter(event=event).select_related("created_by").first()
    # the demo organiser reads Polish: the check is on who started the run, in any language
    report.check(
        len(refused) == 1 and run.created_by.name in refused[0],
        f"the other organiser is told why: {refused!r}",
    )
    started = [r for r in outcomes.values() if "/manage/runs/" in r.url]
    if started:
        status, message, _page = wait_for_run(
            setup["organiser_clients"][0], started[0].url.rstrip("/") + "/progress/", 120
        )
        report.check(status == "done", f"the run that started finished: {status} {message}")


# --- booking ---------------------------------------------------------------------------------
def scenario_booking(cluster: Cluster, report: Report, setup: dict, n: int) -> None:
    from django.db.models import Count

    from matchmaker.meetings.models import Meeting, MeetingRequest, SlotBooking

    report.section(f"{n} participants book live at once (both web nodes)")
    event, participants = setup["live"], setup["live_participants"][:n]
    # a ring: everyone has asked the next one; now everyone accepts the request they received,
    # in one of three slots, with a table for only a third of the meetings in each slot
    requests = MeetingRequest.objects.bulk_create(
        [
            MeetingRequest(event=event, sender=participants[i - 1], receiver=participants[i])
            for i in range(n)
        ]
    )
    slots = list(event.slots.order_by("starts_at").values_list("pk", flat=True))
    rng = random.Random(11)
    chosen = [rng.choice(slots) for _ in range(n)]
    barrier = threading.Barrier(n)
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def accept(i: int) -> None:
        client = people.browser(setup["sessions"][participants[i].person.user_id])
        url = cluster.url(f"/events/{event.slug}/b2b/requests/{requests[i].pk}/accept/", node=i)
        slot = chosen[i]
        barrier.wait(timeout=60)
        try:
            response = client.post(url, data={"slot": slot}, timeout=60)
            text = " ".join(html_unescape(m) for _k, m in MESSAGE.findall(response.text))
            outcome = (response.status_code, text)
        except Exception as error:  # reported, not raised: a failed request is a finding
            outcome = (0, repr(error))
        with lock:
            results.append(outcome)

    started = time.perf_counter()
    threads = [threading.Thread(target=accept, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    took = time.perf_counter() - started
    codes = Counter(code for code, _t in results)
    booked = sum(1 for _c, text in results if "Meeting booked." in text)
    refused = Counter(text for code, text in results if "Meeting booked." not in text)
    meetings = Meeting.objects.filter(event=event, status="scheduled")
    report.say(f"{n} accepts in {took:.1f} s; answers {dict(codes)}; booked {booked}")
    report.say(f"refusals: {dict(refused)}")
    report.check(codes == Counter({200: n}), "every answer is a page (after the redirect)")
    report.check(
        meetings.count() == booked, f"meetings in the database {meetings.count()} = booked {booked}"
    )
    person_twice = (
        SlotBooking.objects.filter(slot__event=event)
        .values("slot", "participant")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    table_twice = meetings.values("slot", "table").annotate(n=Count("pk")).filter(n__gt=1).count()
    per_person = Counter()
    for a, b, slot in meetings.values_list("a_id", "b_id", "slot_id"):
        per_person[(a, slot)] += 1
        per_person[(b, slot)] += 1
    report.check(person_twice == 0, f"participants booked twice in a slot: {person_twice}")
    report.check(
        max(per_person.values(), default=0) <= 1,
        "no participant is in two meetings of one slot",
    )
    report.check(table_twice == 0, f"tables used twice in a slot: {table_twice}")
    report.check(
        SlotBooking.objects.filter(slot__event=event).count() == 2 * meetings.count(),
        "two slot bookings per meeting",
    )


# --- restart ---------------------------------------------------------------------------------
def scenario_restart(cluster: Cluster, report: Report, setup: dict, readers: int, down: float):
    report.section(f"PostgreSQL restarts while {readers} participants read their agendas")
    event = setup["iter"]
    # more readers than the demo has participants: the others join the event now (joining
    # earlier would leave them without meetings the scheduler must give them in `lock`)
    register(event, setup["extra_readers"])
    sessions = setup["readers"][:readers]
    agenda = f"/events/{event.slug}/b2b/agenda/"
    t0 = time.monotonic()
    stop_at = [t0 + 600.0]
    samples: list[tuple[float, float, int, bool, bool]] = []
    lock = threading.Lock()

    def read(k: int) -> None:
        client = people.browser(sessions[k])
        pause = random.Random(k)
        for _ in range(2000):  # bounded; the clock stops it long before
            if time.monotonic() >= stop_at[0]:
                break
            began = time.monotonic()
            try:
                response = client.get(cluster.url(agenda, node=k), timeout=15)
                code, body = response.status_code, response.text
                retry = response.headers.get("Retry-After") == "10"
            except Exception:
                code, body, retry = 0, "", False
            layout = 'class="site-header"' in body and "Traceback" not in body
            with lock:
                samples.append((began - t0, time.monotonic() - t0, code, retry, layout))
            time.sleep(pause.uniform(0.3, 0.7))

    threads = [threading.Thread(target=read, args=(k,)) for k in range(readers)]
    for thread in threads:
        thread.start()
    time.sleep(5)
    stopping = time.monotonic() - t0
    cluster.postgres.stop("fast")
    stopped = time.monotonic() - t0
    time.sleep(down)
    cluster.postgres.start()
    back = time.monotonic() - t0
    stop_at[0] = time.monotonic() + 20
    for thread in threads:
        thread.join(timeout=60)
    codes = Counter(code for *_t, code, _r, _l in samples)
    during = [s for s in samples if stopping <= s[1] and s[0] <= back]
    bad = [s for s in samples if s[2] != 200]
    late_bad = [s for s in bad if s[0] >= back]
    recovery = max((s[1] for s in late_bad), default=back) - back
    first_ok = min((s[1] for s in samples if s[0] >= back and s[2] == 200), default=-1) - back
    report.say(
        f"database stopped at {stopping:.1f} s (down at {stopped:.1f} s), back at {back:.1f} s; "
        f"{len(samples)} agenda requests: {dict(codes)}; during the outage {len(during)}"
    )
    report.check(
        set(codes) <= {200, 503}, "every answer is 200 or 503 (no 500, no dropped connection)"
    )
    report.check(
        all(retry and layout for _b, _e, code, retry, layout in bad if code == 503),
        "every 503 is the site's page with Retry-After: 10 and no traceback",
    )
    report.check(codes[503] > 0, f"requests during the outage got the 503 page: {codes[503]}")
    report.check(
        recovery <= 10,
        f"recovered by itself: first 200 {first_ok:.1f} s after the database was back; "
        + (
            f"last error {recovery:.1f} s after (limit 10 s)"
            if late_bad
            else "no request sent after that failed (limit 10 s)"
        ),
    )
    from django.db import connections

    connections.close_all()  # this script's own connection died with the restart too
    alive = len(cluster.worker_pids)
    report.check(alive == 2, f"task workers still running after the restart: {alive} of 2")


# --- kill ------------------------------------------------------------------------------------
def scenario_kill(cluster: Cluster, report: Report, setup: dict, stale: int) -> None:
    from matchmaker.meetings.models import Meeting, MeetingRequest, SchedulerRun

    report.section("A task worker is killed (SIGKILL) in the middle of a scheduler run")
    event = setup["big"]
    client = setup["big_organiser"]
    base = f"/events/{event.slug}/b2b/manage/runs/"
    # first a published schedule, so that there is something a half-done run could spoil
    response = client.post(cluster.url(base), data={"time_limit": 20}, timeout=30)
    status, message, _page = wait_for_run(client, response.url.rstrip("/") + "/progress/", 120)
    published = client.post(response.url.rstrip("/") + "/publish/", timeout=120)
    report.say(f"published a first schedule ({status} {message}): {published.status_code}")
    snapshot = sorted(
        Meeting.objects.filter(event=event).values_list(
            "pk", "slot_id", "table_id", "status", "is_published"
        )
    )
    # then more accepted requests: a run that has real work (new meetings around kept ones)
    MeetingRequest.objects.bulk_create(setup["later_requests"])
    for attempt in range(1, 4):  # a run that ends before the kill is tried again, at most 3 times
        response = client.post(cluster.url(base), data={"time_limit": 300}, timeout=30)
        run_id = int(response.url.rstrip("/").rsplit("/", 1)[1])
        deadline = time.monotonic() + 120
        run = SchedulerRun.objects.get(pk=run_id)
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.status != "queued" and (run.status != "running" or run.progress >= 30):
                break
            time.sleep(0.2)
        if run.status == "running":
            break
        report.say(f"attempt {attempt}: the run ended ({run.status}) before it could be killed")
    report.check(run.status == "running", f"the run is solving on worker {run.worker}")
    pid = int(run.worker.rsplit(":", 1)[1])
    cluster.kill_worker(pid)
    killed = time.monotonic()
    report.say(f"killed worker pid {pid} at {time.strftime('%H:%M:%S')}")
    status, message, page = wait_for_run(client, cluster.url(f"{base}{run_id}/progress/", 1), 90)
    took = time.monotonic() - killed
    report.check(
        status == "failed" and message == STOPPED and STOPPED in page,
        f"the run page shows {status!r}: {message!r} after {took:.0f} s (heartbeat limit {stale} s)",
    )
    report.check(took <= 60, f"failed within a minute of the kill: {took:.0f} s")
    run.refresh_from_db()
    after = sorted(
        Meeting.objects.filter(event=event).values_list(
            "pk", "slot_id", "table_id", "status", "is_published"
        )
    )
    report.check(
        run.result is None and after == snapshot and len(after) > 0,
        f"nothing half-published: result stored {run.result is not None}, "
        f"meetings unchanged {after == snapshot} ({len(after)} meetings)",
    )
    response = client.post(cluster.url(base, node=1), data={"time_limit": 10}, timeout=30)
    report.check("/manage/runs/" in response.url, "a new run can be started at once")
    if "/manage/runs/" in response.url:
        status, message, _page = wait_for_run(client, response.url.rstrip("/") + "/progress/", 120)
        report.check(status == "done", f"the new run finished on the other worker: {status}")
    cluster.start_worker()  # as the service manager would


# --- set-up ----------------------------------------------------------------------------------
def prepare(args) -> dict:
    from django.contrib.auth import get_user_model

    from matchmaker.demo.scenarios import iter_mission
    from matchmaker.events.models import Event, Participant
    from matchmaker.meetings.models import MeetingRequest

    User = get_user_model()
    rng = random.Random(5)
    iter_event = Event.objects.get(slug=iter_mission.SLUG)
    users = people.add_people(max(args.bookers, args.readers, 120))
    live, live_category = people.brokerage(
        "live-booking", mode="live", slots=3, tables=max(2, args.bookers // 6), max_meetings=3
    )
    live_participants = people.register(live, users[: args.bookers], live_category)
    # a bigger event whose scheduling takes the whole time limit, for the kill scenario
    big, big_category = people.brokerage(
        "big-schedule", mode="requests", slots=12, tables=40, max_meetings=10
    )
    big_participants = people.register(big, users[:120], big_category)
    pairs = set()
    while len(pairs) < 900:
        a, b = rng.sample(range(len(big_participants)), 2)
        pairs.add((min(a, b), max(a, b)))
    requests = [
        MeetingRequest(
            event=big, sender=big_participants[a], receiver=big_participants[b], status="accepted"
        )
        for a, b in sorted(pairs, key=lambda _pair: rng.random())
    ]
    # half now (the schedule that gets published), half later (the run that gets killed)
    MeetingRequest.objects.bulk_create(requests[:450])
    organisers = [
        User.objects.get(email=iter_mission.ORGANISER_EMAIL),
        people.organiser(iter_event, "second.organiser@load.example", "Second Organiser"),
    ]
    big_organiser = people.organiser(big, "big.organiser@load.example", "Big Organiser")
    # agenda readers: the demo's participants (they have meetings), then load participants
    demo_users = [
        p.person.user
        for p in Participant.objects.filter(
            event=iter_event, status="approved", person__user__isnull=False
        )
        .select_related("person__user")
        .order_by("pk")
    ]
    extra_readers = users[: max(0, args.readers - len(demo_users))]
    readers_users = demo_users + extra_readers
    sessions = people.sign_in([*users, *organisers, big_organiser, *demo_users])
    return {
        "iter": iter_event,
        "live": live,
        "live_participants": live_participants,
        "big": big,
        "later_requests": requests[450:],
        "sessions": sessions,
        "organiser_clients": [people.browser(sessions[u.pk]) for u in organisers],
        "big_organiser": people.browser(sessions[big_organiser.pk]),
        "readers": [sessions[u.pk] for u in readers_users],
        "extra_readers": extra_readers,
    }


def register(event, users) -> None:
    from matchmaker.events.models import ParticipantCategory

    delegates = ParticipantCategory.objects.get(event=event, name="Delegation member")
    people.register(event, users, delegates)


def main() -> int:
    args = parse()
    report = Report()
    command = "python bench/bench_ops_cluster.py" + (" --quick" if args.quick else "")
    env = {"MATCHMAKER_RUN_STALE_SECONDS": str(args.stale_seconds)}
    if args.quick:
        env["MATCHMAKER_RUN_HEARTBEAT_SECONDS"] = "2"
    started = time.monotonic()
    load_start = os.getloadavg()[0]
    report.say(f"# Production layout under load and faults ({'quick' if args.quick else 'full'})\n")
    report.say(f"Command: `{command}`  ")
    report.say(f"Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC  ")
    report.say(
        "Layout: PostgreSQL, 2 separate gunicorn processes (2 workers × 4 threads each, own "
        "port), 2 `matchmaker task_worker` processes, all on 127.0.0.1; "
        "MATCHMAKER_DB_CONN_MAX_AGE=60 with health checks."
    )
    with Cluster(web=2, workers=2, env=env, log_dir=args.logs) as cluster:
        cluster.django()
        report.say(f"Cluster up after {time.monotonic() - started:.0f} s (migrate + load_demo).")
        setup = prepare(args)
        report.say(f"Data ready after {time.monotonic() - started:.0f} s.")
        scenario_lock(cluster, report, setup)
        scenario_booking(cluster, report, setup, args.bookers)
        scenario_restart(cluster, report, setup, args.readers, args.down_seconds)
        scenario_kill(cluster, report, setup, args.stale_seconds)
        report.say(f"\nScenarios done after {time.monotonic() - started:.0f} s.")
    report.say(f"\nTotal {time.monotonic() - started:.0f} s; all processes stopped.")
    report.say(
        f"Machine: {os.cpu_count()} cores shared with other work; load average (1 min) at the "
        f"start {load_start:.2f}, at the end {os.getloadavg()[0]:.2f}."
    )
    report.say(
        "\nResult: "
        + ("all checks passed" if not report.failures else f"FAILED: {report.failures}")
    )
    if not args.quick:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "ops_cluster.md").write_text("\n".join(report.lines) + "\n")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())

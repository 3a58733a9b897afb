"""Participants of a B2B event as locust users: browse partners, ask for meetings, read the
agenda, with 5–15 s between actions as a person reading the page.

Started by bench_load.py, which writes the signed-in sessions and the event to the JSON file
named by MATCHMAKER_LOAD_PLAN. Each user takes its own session and stays on one web node
(half the users on each, as a load balancer with sticky sessions would spread them)."""

from __future__ import annotations

import itertools
import json
import os
import random
import secrets
import threading

from locust import HttpUser, between, task

with open(os.environ["MATCHMAKER_LOAD_PLAN"]) as plan_file:
    PLAN = json.load(plan_file)
_next_user = itertools.count()
_lock = threading.Lock()
SEARCHES = ["tokamak", "vacuum", "cryogenics", "robotics", "magnets", "welding"]


class Participant(HttpUser):
    wait_time = between(5, 15)
    host = f"http://127.0.0.1:{PLAN['ports'][0]}"

    def on_start(self) -> None:
        with _lock:
            number = next(_next_user)
        self.rng = random.Random(number)
        port = PLAN["ports"][number % len(PLAN["ports"])]
        self.base = f"http://127.0.0.1:{port}/events/{PLAN['slug']}/b2b"
        session = PLAN["sessions"][number % len(PLAN["sessions"])]
        self.client.cookies.set("sessionid", session, domain="127.0.0.1", path="/")
        token = secrets.token_hex(16)
        self.client.cookies.set("csrftoken", token, domain="127.0.0.1", path="/")
        self.client.headers["X-CSRFToken"] = token

    @task(4)
    def partners(self) -> None:
        page = self.rng.randint(1, PLAN["partner_pages"])
        self.client.get(f"{self.base}/?page={page}", name="partners")

    @task(1)
    def search(self) -> None:
        self.client.get(f"{self.base}/?q={self.rng.choice(SEARCHES)}", name="partners search")

    @task(2)
    def ask_for_meeting(self) -> None:
        partner = self.rng.choice(PLAN["partners"])
        self.client.get(f"{self.base}/request/{partner}/", name="request form")
        # the POST and the page it redirects to are timed as the two pages they are
        sent = self.client.post(
            f"{self.base}/request/{partner}/",
            data={"message": "We make parts you may need; shall we meet?"},
            name="request send",
            allow_redirects=False,
        )
        if sent.status_code == 302:
            self.client.get(sent.headers["Location"], name="my requests")

    @task(3)
    def agenda(self) -> None:
        self.client.get(f"{self.base}/agenda/", name="agenda")

    @task(1)
    def my_requests(self) -> None:
        self.client.get(f"{self.base}/requests/", name="my requests")

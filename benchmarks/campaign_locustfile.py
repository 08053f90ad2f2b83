"""The pupils of benchmarks.campaign_load, for locust: each joins, learns and takes the quiz once.

benchmarks.campaign_load runs it (`python -m locust -f benchmarks/campaign_locustfile.py
--headless …`) after writing the plan — join codes, addresses, the answer key — to the JSON file
named by CAMPAIGN_LOAD_PLAN; every pupil appends what the site acknowledged to the file named by
CAMPAIGN_LOAD_PUPILS, which the database checks compare with the database afterwards.
ClassArrivals lets a whole class in at the same second, one class every `interval` seconds.
Requests go with `X-Forwarded-Proto: https` and the https Origin, as nginx passes them on.
"""

import itertools
import json
import os
import random
import time

import lxml.html
from locust import HttpUser, LoadTestShape, constant, task
from requests.adapters import HTTPAdapter

from benchmarks.campaign_steps import JOIN, SPAWN_RATE, released
from benchmarks.faults import parse_attempt_form

with open(os.environ["CAMPAIGN_LOAD_PLAN"], encoding="utf-8") as plan_file:
    PLAN = json.load(plan_file)
RECORDS = os.environ["CAMPAIGN_LOAD_PUPILS"]
_seats = itertools.count()
_finished = itertools.count(1)
FINISHED = {"count": 0}


class Aborted(Exception):
    """A step did not answer as the site should: the pupil stops there (a failure in locust)."""


class SourceAddress(HTTPAdapter):
    """Connections from one loopback address: the class's school."""

    def __init__(self, address, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Pupil(HttpUser):
    # One journey per pupil; the pauses between steps are in it.
    wait_time = constant(0)

    def on_start(self):
        self.seat = next(_seats)
        self.klass = PLAN["classes"][self.seat // PLAN["class_size"]]
        self.client.mount("http://", SourceAddress(self.klass["address"]))
        origin = self.host.replace("http://", "https://")
        self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": origin})
        self.rng = random.Random(self.seat)
        self.record = {"seat": self.seat, "class": self.klass["id"], "step reached": None}
        self.done = False

    def pause(self):
        time.sleep(self.rng.uniform(0, 2 * PLAN["think"]))

    def step(self, name, method, path, expect=200, **kwargs):
        self.record["step reached"] = name
        with self.client.request(
            method, path, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            # The production cookies are Secure; behind nginx the browser has them over TLS.
            for cookie in self.client.cookies:
                cookie.secure = False
            if response.status_code != expect:
                response.failure(f"{response.status_code}, not {expect}")
                raise Aborted(name)
            response.success()
        return response

    def post(self, name, path, expect=302, data=None, **kwargs):
        token = self.client.cookies.get("csrftoken", "")
        return self.step(
            name,
            "POST",
            path,
            expect,
            data={"csrfmiddlewaretoken": token, **(data or {})},
            **kwargs,
        )

    @task
    def journey(self):
        if self.done:
            time.sleep(60)  # the pupil is done; locust stops everyone once all are
            return
        try:
            self.join()
            self.learn()
            self.take_quiz()
        except Aborted:
            pass
        finally:
            self.done = True
            self.save()
            FINISHED["count"] = next(_finished)

    def save(self):
        """Append what the site has acknowledged so far: a run cut short keeps it (the last line
        of a pupil is what counts)."""
        with open(RECORDS, "a", encoding="utf-8") as out:
            out.write(json.dumps(self.record, ensure_ascii=False) + "\n")

    def join(self):
        code_path = f"/join/{self.klass['code']}/"
        self.step("campaign page", "GET", PLAN["campaign_url"])
        self.pause()
        self.step("join: form", "GET", code_path)
        self.pause()
        number = self.seat % PLAN["class_size"] + 1
        self.post(
            JOIN,
            PLAN["join_url"] + code_path,
            data={"name": f"压测学生{self.seat + 1:04d}", "number": f"{number:02d}"},
        )
        welcome = self.step("join: welcome", "GET", "/join/welcome/")
        login = lxml.html.fromstring(welcome.text).xpath("//*[@data-login-name]")
        self.record["joined"] = True
        self.record["username"] = login[0].text_content().strip() if login else None
        self.save()

    def learn(self):
        self.pause()
        self.step("course page", "GET", PLAN["course_url"])
        started = self.post("start course", f"/learn/courses/{PLAN['course_id']}/start/")
        next_url = started.headers["Location"]
        for lesson_id in PLAN["reading_lesson_ids"]:
            self.step("lesson", "GET", next_url)
            self.pause()
            done = self.post("lesson done", f"/learn/lessons/{lesson_id}/complete/")
            next_url = done.headers["Location"]
        self.step("lesson", "GET", next_url)  # the quiz lesson, which leads to the quiz
        self.record["lessons done"] = True

    def take_quiz(self):
        quiz_path = f"/quizzes/{PLAN['quiz_slug']}/"
        self.pause()
        self.step("quiz page", "GET", quiz_path)
        attempt_url = self.post("quiz start", f"{quiz_path}start/").headers["Location"]
        self.record["attempt"] = attempt_url.rstrip("/").rsplit("/", 1)[-1]
        self.save()
        form = parse_attempt_form(self.step("attempt page", "GET", attempt_url).text)
        for question in form["choices"]:
            self.pause()
            self.step(
                "answer (autosave)",
                "POST",
                form["autosave"],
                json={"question": question, "choices": PLAN["key"][str(question)]},
                headers={"X-CSRFToken": self.client.cookies.get("csrftoken", "")},
            )
        review = self.step("review", "GET", f"{attempt_url}review/")
        submit = lxml.html.fromstring(review.text).xpath("//form[contains(@action, '/submit/')]")[0]
        hidden = {i.name: i.value for i in submit.inputs if i.get("type") == "hidden" and i.name}
        self.pause()
        result_url = self.post("submit", submit.get("action"), data=hidden).headers["Location"]
        self.record["submitted"] = True
        self.save()
        result = self.step("result", "GET", result_url)
        number = lxml.html.fromstring(result.text).find_class("quiz-result__number")
        self.record["score"] = int(number[0].text_content()) if number else None


class ClassArrivals(LoadTestShape):
    """A class at a time, all its pupils in the same second; stops once every pupil is done."""

    def tick(self):
        elapsed = self.get_run_time()
        if FINISHED["count"] >= PLAN["pupils"] or elapsed > PLAN["time_limit"]:
            return None
        users = released(elapsed, PLAN["pupils"], PLAN["class_size"], PLAN["interval"])
        return (users, SPAWN_RATE)

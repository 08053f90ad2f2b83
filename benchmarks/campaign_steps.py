"""The steps of a pupil in the campaign load test, and when each class arrives.

Shared by benchmarks.campaign_load, which reports per step, and benchmarks/campaign_locustfile.py,
which names every request by its step. Neither imports the other: importing locust lets gevent
patch the process, which the Django side of the load test must not have.
"""

import math

# The one step that hashes a password (Argon2, about 0.2 s of CPU by design): reported apart.
JOIN = "join: register (password hash)"
# In the order a pupil goes through them; lessons, their done button and answers repeat.
STEPS = (
    "campaign page",
    "join: form",
    JOIN,
    "join: welcome",
    "course page",
    "start course",
    "lesson",
    "lesson done",
    "quiz page",
    "quiz start",
    "attempt page",
    "answer (autosave)",
    "review",
    "submit",
    "result",
)
HASHED = {JOIN}
# Locust spawns this many users a second: a class of 30 is in within a third of a second.
SPAWN_RATE = 100


def classes_needed(pupils, class_size):
    return math.ceil(pupils / class_size)


def released(elapsed, pupils, class_size, interval):
    """Pupils let in after `elapsed` seconds: a whole class at 0 s, the next at `interval`, …"""
    if elapsed < 0:
        return 0
    return min(pupils, (int(elapsed // interval) + 1) * class_size)


def arrival_span(pupils, class_size, interval):
    """Seconds from the first class to the last."""
    return (classes_needed(pupils, class_size) - 1) * interval


def class_address(number):
    """The source address of class `number`'s requests: each class from its own address on
    the loopback network (127.1.x.y), as each school comes through its own, since /join/ counts
    POSTs per address (organisations.join.JOIN_POST_LIMITS)."""
    return f"127.1.{number // 250}.{number % 250 + 1}"

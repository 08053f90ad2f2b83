"""benchmarks.faults at a small, bounded size: Redis stopped, PostgreSQL restarted, a worker
killed, and nothing lost (the figures of the full drill are in the README).

It runs the drill as a person would, `python -m benchmarks.faults`, on its own PostgreSQL
cluster, Redis and gunicorn (free ports, removed afterwards), and reads the figures it writes.
"""

import json
import shutil
import subprocess
import sys

import pytest

from benchmarks.servers import REPO, postgres_bindir

pytestmark = pytest.mark.own_servers

SMALL_DRILL = ("--learners", "3", "--questions", "5", "--warmup", "2", "--redis-down", "3")
SMALL_DRILL += ("--settle", "3")


def _missing_servers():
    if not shutil.which("redis-server"):
        return "redis-server"
    try:
        postgres_bindir()
    except RuntimeError:
        return "PostgreSQL's initdb"
    return None


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    missing = _missing_servers()
    if missing:
        pytest.skip(f"{missing} not installed: the fault drill needs it")
    out = tmp_path_factory.mktemp("drill") / "figures.json"
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.faults", *SMALL_DRILL, "--json", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.exists(), completed.stdout + completed.stderr
    return completed.returncode, json.loads(out.read_text()), completed.stdout


def test_the_drill_meets_its_goals(figures):
    returncode, _figures, stdout = figures
    assert returncode == 0, stdout


def test_pages_answer_200_while_redis_is_down_and_nobody_is_signed_out(figures):
    _returncode, figures, _stdout = figures
    for phase in ("Redis down", "Redis back"):
        assert figures["phases"][phase]["requests"] > 0
        assert figures["phases"][phase]["failed"] == 0, figures["phases"][phase]
    assert figures["signed out"] == {}
    assert figures["server log"]["cache unreachable"] >= 1


def test_only_requests_cut_by_a_fault_fail_and_they_fail_retryably(figures):
    _returncode, figures, _stdout = figures
    for row in figures["phases"].values():
        assert all(what.endswith((" 503", "connection error")) for what in row["failures"]), row
    assert figures["gave up"] == {}
    assert figures["server log"]["server errors (500)"] == 0


def test_no_answer_attempt_or_completion_is_lost_or_doubled(figures):
    _returncode, figures, _stdout = figures
    assert figures["attempts submitted"] >= 3
    assert figures["answers acknowledged"] >= 15
    assert figures["answers missing on reload"] == 0
    assert figures["lost or doubled"] == {}
    assert figures["clients broken"] == []

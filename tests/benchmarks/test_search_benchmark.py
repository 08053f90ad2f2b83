"""benchmarks.search on a small site: every step runs and the cached view needs no query."""

import pytest

from benchmarks import search
from tests.courses.conftest import make_course
from tests.courses.factories import CourseIndexPageFactory


@pytest.mark.django_db
def test_the_search_benchmark_times_each_step(home_page):
    make_course(CourseIndexPageFactory(parent=home_page), lessons=2, slug="extinguishers")
    rows = {label: (seconds, queries) for label, seconds, queries in search.steps("课程", 1)}
    assert len(rows) == 5
    assert all(seconds >= 0 for seconds, _ in rows.values())
    assert rows["whole view, from the page cache"][1] == 0
    assert rows["whole view, no page cache"][1] > 0

"""benchmarks.inspections at a tiny size (500 organisations, 20 days): the bulk SQL builds what
the models accept and the overview reads it back (not timed: the figures are in the README).

PostgreSQL only, like the benchmark (generate_series): skipped in the SQLite run of the suite.
"""

import pytest

from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from benchmarks import inspections
from inspections.models import Answer, Hazard, Round, RoundPoint
from organisations.models import Organisation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_inspections_benchmark_builds_a_small_district_and_times_the_overview(client):
    lines = []
    counts = inspections.build(organisations=500, days=20, report=lines.append)
    assert counts["organisations"] == Organisation.objects.count() >= 490
    assert counts["rounds"] == Round.objects.count() > 0
    assert counts["answers"] == Answer.objects.count() == RoundPoint.objects.count()
    assert counts["hazards"] == Hazard.objects.count() > 0
    assert len(lines) == 6 and lines[0].startswith("500 organisations")
    # Every round is whole: a patrol has its 4 points, an inspection its 20, each answered.
    per_round = set(
        Round.objects.annotate(n_points=Count("points")).values_list("kind", "n_points").distinct()
    )
    assert per_round == {("patrol", 4), ("inspection", 20)}
    assert not Round.objects.filter(started_at__gt=timezone.now()).exists()
    # Hazards only of failed answers, their points and rounds, in every state.
    assert not Hazard.objects.exclude(answer__result="fail").exists()
    assert not Hazard.objects.exclude(round=models.F("point__round")).exists()
    assert {state for (state,) in Hazard.objects.values_list("state").distinct()} <= {
        "pending",
        "rectified",
        "closed",
    }

    rows = inspections.measure(repeat=1)
    assert len(rows) == 6
    assert all(seconds >= 0 and queries > 0 for _label, seconds, queries in rows)

    client.force_login(inspections_user("bench_district"))
    response = client.get(reverse("inspections:overview"))
    total = response.context["total"]
    units = Organisation.objects.filter(kind__in=["unit", "school"]).count()
    assert total.units == units
    assert total.open_hazards == Hazard.objects.exclude(state="closed").count()
    key_units = Round.objects.values("unit").distinct().count()
    # The key units that patrol each day are not behind; every other unit is.
    assert units - key_units <= total.without_patrol < units
    assert response.context["failed_points"][0].item == inspections.CHECK_POINTS[0][0]


def inspections_user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)

"""Recording a drill through the HTTP client, as a phone would."""

from django.urls import reverse

from drills.models import UnitDrill


def drill_data(**overrides):
    data = {
        "held_on": "2026-11-20",
        "kind": "evacuation",
        "plan_version": "2026版",
        "others_count": "40",
        "evacuation_seconds": "185",
        "problems": "东侧安全出口堆放货物\n应急广播声音太小",
        "note": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def record(client, unit, **overrides):
    return client.post(reverse("drills:new", args=[unit.pk]), drill_data(**overrides))


def recorded(client, unit, **overrides):
    response = record(client, unit, **overrides)
    assert response.status_code == 302, response.content.decode()[:3000]
    return UnitDrill.objects.latest("pk")

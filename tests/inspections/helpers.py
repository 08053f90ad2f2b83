"""Walking a round through the HTTP client, as a phone would."""

from django.urls import reverse

from inspections.models import Round


def start(client, place, kind="inspection", unit=None):
    unit = unit or place.unit
    response = client.post(
        reverse("inspections:start", args=[unit.pk]),
        {"handbook": place.handbook.pk, "kind": kind},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Round.objects.latest("pk")


def answer(client, point, result="pass", note="", photo=None):
    prefix = f"p{point.pk}"
    data = {f"{prefix}-result": result, f"{prefix}-note": note}
    if photo is not None:
        data[f"{prefix}-photo"] = photo
    return client.post(reverse("inspections:answer", args=[point.round_id, point.pk]), data)


def sign(client, round_, name="示例管理人", responsible=None, **severities):
    data = {"inspector_name": name}
    if responsible is not None:
        data["responsible"] = responsible.pk
    for point_id, severity in severities.items():
        data[f"severity_{point_id.removeprefix('p')}"] = severity
    return client.post(reverse("inspections:sign", args=[round_.pk]), data)


def failed_round(client, place, responsible=None):
    """A signed inspection whose first point failed (with a photo) and the rest passed."""
    from .conftest import image_upload

    round_ = start(client, place)
    points = list(round_.points.all())
    answer(client, points[0], "fail", note="东侧通道停满车辆", photo=image_upload())
    for point in points[1:]:
        answer(client, point, "pass")
    response = sign(client, round_, responsible=responsible or place.staff)
    assert response.status_code == 302, response.content.decode()[:3000]
    return round_

"""My data shows a person their skills sign-offs, and the export carries them."""

import json

import pytest

from drills.signoffs import sign_off
from tests.drills.skills.conftest import skill_ids

pytestmark = pytest.mark.django_db


def test_my_data_lists_my_sign_offs(place, as_user):
    ids = skill_ids(place.lesson)
    sign_off(place.instructor, place.enrolment, {ids[0]: (False, "指针在红区未发现")})
    client = as_user(place.learner)
    page = client.get("/account/").content.decode()
    assert "技能考核" in page and "检查压力表与保险销" in page and "指针在红区未发现" in page
    export = client.get("/account/export.json")
    data = json.loads(b"".join(export.streaming_content) if export.streaming else export.content)
    (row,) = data["skill_signoffs"]
    assert row["skill"] == "检查压力表与保险销" and row["result"] == "未达标"
    assert row["signed_by"] == "示例教练"

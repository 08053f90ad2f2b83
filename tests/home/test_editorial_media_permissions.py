"""Editors and reviewers manage the images, documents and videos their pages use.

Wagtail checks these per collection, never by the group's model permissions: the demo's groups
had only model permissions, and the editor was sent back to the dashboard from 图片 and 文档.
"""

import pytest

from accounts.models import User
from home import demo as home_demo

pytestmark = pytest.mark.django_db

LIBRARY_PAGES = [
    "/admin/images/",
    "/admin/images/multiple/add/",
    "/admin/images/chooser/",
    "/admin/documents/",
    "/admin/documents/multiple/add/",
    "/admin/documents/chooser/",
    "/admin/media/",
]


def test_editors_and_reviewers_open_the_image_document_and_video_libraries(client):
    home_demo.load()
    home_demo.load()  # a second run adds nothing twice
    for username in ("editor", "reviewer"):
        client.force_login(User.objects.get(username=username))
        for url in LIBRARY_PAGES:
            assert client.get(url).status_code == 200, (username, url)

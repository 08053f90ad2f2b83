from datetime import date

import pytest

from django.core.management import call_command

from courses.campaigns import daily_completions, public_board
from courses.models import CampaignPage
from organisations.models import JoinCode, Organisation


@pytest.mark.django_db
def test_demo_campaign_has_codes_students_and_completions_across_the_window(client):
    call_command("load_demo")
    campaign = CampaignPage.objects.get(title="2026年秋季消防安全开学第一课")
    assert campaign.live
    assert (campaign.starts_on, campaign.ends_on) == (date(2026, 9, 1), date(2026, 9, 30))
    assert campaign.course.slug == "first-lesson-autumn-2026"
    assert campaign.target.name == "青浦区"
    assert campaign.requirement.due_date == date(2026, 9, 30)
    classes = Organisation.objects.filter(kind="class")
    assert JoinCode.objects.filter(organisation__in=classes, role="student").count() == (
        classes.count()
    )
    board = public_board(campaign)
    assert len(board["rows"]) == 5
    assert all(row.students > 0 and row.completed > 0 for row in board["rows"])
    days = [
        count
        for _day, count in daily_completions(campaign, list(Organisation.objects.filter(depth=1)))
    ]
    assert sum(count > 0 for count in days) >= 15
    assert client.get(campaign.url).status_code == 200

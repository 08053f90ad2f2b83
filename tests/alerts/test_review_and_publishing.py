import datetime

import pytest
import time_machine

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from wagtail.images import get_image_model
from wagtail.models import PageLogEntry, WorkflowState
from wagtail.test.utils.form_data import rich_text

from alerts.models import CaseWarningPage, RiskAlertPage
from tests.factories import UserFactory

from .admin_forms import case_warning_form, risk_alert_form
from .builders import make_case


def add_url(index, model):
    return f"/admin/pages/add/alerts/{model._meta.model_name}/{index.pk}/"


@pytest.mark.django_db
def test_editor_cannot_publish_a_case_warning_directly(client, alert_index, editor):
    client.force_login(editor)
    response = client.post(
        add_url(alert_index, CaseWarningPage), case_warning_form(**{"action-publish": "1"})
    )
    assert response.status_code in (200, 302)
    page = CaseWarningPage.objects.get(slug="new-case")
    assert not page.live
    assert not page.permissions_for_user(editor).can_publish()
    assert client.get("/alerts/new-case/").status_code == 404


@pytest.mark.django_db
def test_editor_submits_and_the_reviewers_approval_publishes_it(
    client, alert_index, editor, reviewer
):
    client.force_login(editor)
    response = client.post(
        add_url(alert_index, CaseWarningPage), case_warning_form(**{"action-submit": "1"})
    )
    assert response.status_code == 302
    page = CaseWarningPage.objects.get(slug="new-case")
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "审核后发布"
    assert client.get("/alerts/new-case/").status_code == 404

    client.force_login(reviewer)
    response = client.post(
        f"/admin/pages/workflow/action/{page.pk}/approve/{state.current_task_state.pk}/",
        {"comment": "同意发布"},
    )
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.live
    published = PageLogEntry.objects.filter(page=page, action="wagtail.publish").get()
    assert published.user == reviewer
    client.logout()
    assert client.get("/alerts/new-case/").status_code == 200
    assert [tag.name for tag in page.tags.all()] == ["电动自行车"]


@pytest.mark.django_db
def test_audit_log_records_who_published(client, alert_index, editor, reviewer):
    page = make_case(alert_index, publish=False)
    page.save_revision(user=editor, log_action=True).publish(user=reviewer)
    entry = PageLogEntry.objects.filter(page=page, action="wagtail.publish").get()
    assert entry.user == reviewer
    client.force_login(reviewer)
    history = client.get(f"/admin/pages/{page.pk}/history/").content.decode()
    assert reviewer.name in history


@pytest.mark.django_db
def test_scheduled_publishing_goes_live_when_publish_scheduled_runs(alert_index, reviewer):
    page = make_case(alert_index, publish=False)
    go_live = timezone.now() + datetime.timedelta(days=2)
    page.go_live_at = go_live
    page.save_revision(user=reviewer).publish(user=reviewer)
    page.refresh_from_db()
    assert not page.live  # scheduled, not yet live
    call_command("publish_scheduled")
    page.refresh_from_db()
    assert not page.live
    with time_machine.travel(go_live + datetime.timedelta(minutes=1)):
        call_command("publish_scheduled")
    page.refresh_from_db()
    assert page.live
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish.scheduled").exists()


@pytest.mark.django_db
def test_risk_alert_ending_before_it_starts_is_a_form_error(client, alert_index, reviewer):
    client.force_login(reviewer)
    response = client.post(
        add_url(alert_index, RiskAlertPage),
        risk_alert_form(valid_from="2027-03-01", valid_to="2026-12-01"),
    )
    assert response.status_code == 200
    assert "有效期止不能早于有效期起" in response.content.decode()
    assert not RiskAlertPage.objects.exists()


@pytest.mark.django_db
def test_risk_alert_with_valid_dates_is_saved_with_its_start_as_date(client, alert_index, reviewer):
    client.force_login(reviewer)
    response = client.post(add_url(alert_index, RiskAlertPage), risk_alert_form())
    assert response.status_code == 302
    alert = RiskAlertPage.objects.get()
    assert alert.date == datetime.date(2026, 12, 1)


@pytest.mark.django_db
def test_javascript_link_in_rich_text_is_stripped(client, alert_index, reviewer):
    client.force_login(reviewer)
    form = case_warning_form(
        what_happened=rich_text(
            '<p>见<a href="javascript:alert(document.cookie)">这里</a>和'
            '<a href="https://example.cn/">那里</a></p>'
        ),
        **{"action-publish": "1"},
    )
    assert client.post(add_url(alert_index, CaseWarningPage), form).status_code == 302
    page = CaseWarningPage.objects.get(slug="new-case")
    assert "javascript:" not in page.what_happened
    client.logout()
    text = client.get(page.url).content.decode()
    assert "javascript:" not in text
    assert "https://example.cn/" in text


@pytest.mark.django_db
def test_svg_upload_with_script_is_refused(client, editorial_site):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    svg = SimpleUploadedFile(
        "poster.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        content_type="image/svg+xml",
    )
    response = client.post("/admin/images/add/", {"title": "海报", "file": svg, "tags": ""})
    assert response.status_code == 200
    assert not get_image_model().objects.exists()
    assert "不支持的图片格式" in str(response.context["form"].errors["file"])

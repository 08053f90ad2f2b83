import pytest

from django.core.management import call_command

from wagtail.models import Page, WorkflowState

from accounts.models import User
from home.models import HomePage


@pytest.fixture
def demo(db):
    call_command("load_demo")
    return HomePage.objects.get()


def edit_form(page, **extra):
    return {
        "title": page.title,
        "slug": page.slug,
        "intro": "审核流程测试：新的首页介绍",
        "body-count": "0",
        "seo_title": "",
        "search_description": page.search_description,
        **extra,
    }


@pytest.mark.django_db
def test_editor_cannot_publish_directly(client, demo):
    editor = User.objects.get(username="editor")
    assert not demo.permissions_for_user(editor).can_publish()
    client.force_login(editor)
    client.post(f"/admin/pages/{demo.pk}/edit/", edit_form(demo, **{"action-publish": "1"}))
    demo.refresh_from_db()
    assert demo.intro != "审核流程测试：新的首页介绍"


@pytest.mark.django_db
def test_editor_submits_and_reviewer_approves(client, demo):
    client.force_login(User.objects.get(username="editor"))
    response = client.post(
        f"/admin/pages/{demo.pk}/edit/", edit_form(demo, **{"action-submit": "1"})
    )
    assert response.status_code == 302
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(demo.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "审核后发布"
    assert HomePage.objects.get(pk=demo.pk).intro != "审核流程测试：新的首页介绍"

    client.force_login(User.objects.get(username="reviewer"))
    task_state = state.current_task_state
    response = client.post(
        f"/admin/pages/workflow/action/{demo.pk}/approve/{task_state.pk}/", {"comment": "同意发布"}
    )
    assert response.status_code in (200, 302)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert Page.objects.get(pk=demo.pk).specific.intro == "审核流程测试：新的首页介绍"


@pytest.mark.django_db
def test_the_reviewers_dashboard_shows_approve_as_a_button(client, demo):
    client.force_login(User.objects.get(username="editor"))
    client.post(f"/admin/pages/{demo.pk}/edit/", edit_form(demo, **{"action-submit": "1"}))
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(demo.pk))
    client.force_login(User.objects.get(username="reviewer"))
    page = client.get("/admin/").content.decode()
    actions = page[page.index('class="actions review-actions"') :]
    visible = actions[: actions.index('data-controller="w-dropdown"')]
    approve_url = f"/admin/pages/workflow/action/{demo.pk}/approve/{state.current_task_state.pk}/"
    assert f'data-workflow-action-url="{approve_url}"' in visible
    assert ">批准</button>" in visible


def submitted_by_editor(client, demo):
    client.force_login(User.objects.get(username="editor"))
    client.post(f"/admin/pages/{demo.pk}/edit/", edit_form(demo, **{"action-submit": "1"}))
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(demo.pk))
    client.force_login(User.objects.get(username="reviewer"))
    return state.current_task_state


def dashboard_after(client, response):
    """The page the reviewer lands on: the dashboard buttons post by script and follow the
    redirect the answer names; without script the form post redirects there."""
    target = response["Location"] if response.status_code == 302 else response.json()["redirect"]
    return client.get(target).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("by_script", [True, False])
def test_approving_from_the_dashboard_says_it_is_published(client, demo, by_script):
    task_state = submitted_by_editor(client, demo)
    headers = {"x-requested-with": "XMLHttpRequest"} if by_script else {}
    response = client.post(
        f"/admin/pages/workflow/action/{demo.pk}/approve/{task_state.pk}/?next=/admin/",
        {"comment": ""},
        headers=headers,
    )
    page = dashboard_after(client, response)
    assert f"“{demo.title}”已批准并发布。" in page
    assert "已退回" not in page


@pytest.mark.django_db
def test_requesting_changes_says_so(client, demo):
    task_state = submitted_by_editor(client, demo)
    response = client.post(
        f"/admin/pages/workflow/action/{demo.pk}/reject/{task_state.pk}/?next=/admin/",
        {"comment": "请补充出处"},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    page = dashboard_after(client, response)
    assert f"已请求修改“{demo.title}”" in page
    assert "已批准并发布" not in page
    assert HomePage.objects.get(pk=demo.pk).intro != "审核流程测试：新的首页介绍"


@pytest.mark.django_db
def test_a_decision_outside_a_request_adds_no_message(demo):
    # A management command or shell approving a task has nobody to tell, and must not fail.
    editor = User.objects.get(username="editor")
    demo.save_revision(user=editor)
    workflow = demo.get_workflow()
    state = workflow.start(demo, editor)
    state.current_task_state.approve(user=User.objects.get(username="reviewer"))
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED

"""The demo site: home page, footer, editorial workflow and the editorial accounts."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowContentType,
    WorkflowPage,
    WorkflowTask,
)

from accounts.demo import ensure_user
from editorial import content_files
from editorial.content_files import ContentFileError
from editorial.models import ReviewTask
from quizzes.models import Question, Quiz

from .models import FooterSettings, HomePage

EDITORS_GROUP = "内容编辑"
REVIEWERS_GROUP = "内容审核"
WORKFLOW_NAME = "审核后发布"
REVIEW_TASK_NAME = "审核员审核"

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
REVIEWER_PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
]
ADMIN_ACCESS = [("wagtailadmin", "access_admin")]
# Images, documents and the video library check permissions per collection, never the group's
# model permissions: editors and reviewers get these on the root collection, so on every one.
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtailmedia", "add_media"),
    ("wagtailmedia", "change_media"),
]
# The question bank: editors write questions and quizzes and import banks; deleting a question an
# attempt used is refused by quizzes itself (retire instead), so delete_question is safe to give.
# A re-grade applies only a key another person approved, so editors may start it.
QUESTION_BANK = [
    ("quizzes", codename)
    for model in ("question", "quiz", "questiontag")
    for codename in (f"add_{model}", f"change_{model}", f"view_{model}")
] + [("quizzes", "delete_question"), ("quizzes", "regrade_attempt")]
# Reviewers approve questions (a question is drawn only once approved) and may take over a lock.
REVIEWER_QUESTION_BANK = [
    ("quizzes", f"{action}_{model}")
    for model in ("question", "quiz")
    for action in ("publish", "lock", "unlock")
]


def load():
    """Create what is missing; running it again changes nothing."""
    with transaction.atomic():
        home = _home_page()
        _footer(home)
        editors, reviewers = _editorial_groups()
        _workflow(reviewers)
        ensure_user("admin", "系统管理员", is_superuser=True)
        ensure_user("editor", "示例编辑").groups.add(editors)
        ensure_user("reviewer", "示例审核员").groups.add(reviewers)
    return home


FOOTER_KEYS = ("organiser", "contact", "icp_number", "public_security_number")


def home_file():
    """The home page's fields and the footer from content/home.yaml, checked."""
    path = content_files.content_dir() / "home.yaml"
    data = content_files.mapping(path, content_files.read(path))
    content_files.page(HomePage, data, path=path, extra=("footer",))
    footer = content_files.mapping(path, data.get("footer"), ("footer",))
    unknown = [key for key in footer if key not in FOOTER_KEYS]
    if unknown:
        raise ContentFileError(
            path, _("Unknown key “%(key)s”.") % {"key": unknown[0]}, ("footer", unknown[0])
        )
    return data


def _home_page():
    home = HomePage.objects.first()
    if home is None:
        _remove_wagtail_placeholder()
        root = tree_root()
        fields = {key: value for key, value in home_file().items() if key != "footer"}
        home = HomePage(**fields)
        root.add_child(instance=home)
        home.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page": home,
            "site_name": home.title,
        },
    )
    return home


def tree_root():
    """Wagtail's root node; made again if the database was flushed since migrating."""
    root = Page.get_first_root_node()
    if root is None:
        # A flush also re-creates the content types under new ids: forget the cached ones.
        ContentType.objects.clear_cache()
        locale, _ = Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return root


def _remove_wagtail_placeholder():
    """Wagtail's migrations create a plain "Welcome" page; our home page takes its place."""
    placeholder = Page.objects.filter(depth=2, slug="home").first()
    if placeholder is not None and placeholder.specific_class is Page:
        # Deleting the page also deletes the default Site pointing at it; it is made again below.
        placeholder.delete()


def _footer(home):
    site = Site.objects.get(is_default_site=True)
    FooterSettings.objects.get_or_create(site=site, defaults=home_file()["footer"])


def _permissions(pairs):
    return [
        Permission.objects.get(content_type__app_label=app, codename=code) for app, code in pairs
    ]


def _editorial_groups():
    root = tree_root()
    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    editors, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    for group, page_permissions in (
        (editors, EDITOR_PAGE_PERMISSIONS),
        (reviewers, REVIEWER_PAGE_PERMISSIONS),
    ):
        group.permissions.add(*_permissions(ADMIN_ACCESS + QUESTION_BANK))
        for permission in _permissions(COLLECTION_PERMISSIONS):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )
        for codename in page_permissions:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
    reviewers.permissions.add(*_permissions(REVIEWER_QUESTION_BANK))
    return editors, reviewers


def _workflow(reviewers):
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = ReviewTask.objects.filter(name=REVIEW_TASK_NAME).first()
    if task is None:
        task = ReviewTask.objects.create(name=REVIEW_TASK_NAME)
        task.groups.set([reviewers])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    root = tree_root()
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    # The question bank and the quizzes go through the same review: a wrong key or a changed
    # pass mark costs learners a pass.
    for model in (Question, Quiz):
        WorkflowContentType.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(model), defaults={"workflow": workflow}
        )
    # Wagtail ships a "Moderators approval" workflow; ours replaces it for every page.
    Workflow.objects.exclude(pk=workflow.pk).filter(active=True).update(active=False)

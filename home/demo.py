"""The demo site: home page, footer, editorial workflow and the editorial accounts."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts.demo import ensure_user

from .models import FooterSettings, HomePage

EDITORS_GROUP = "内容编辑"
REVIEWERS_GROUP = "内容审核"
WORKFLOW_NAME = "审核后发布"

HOME_BODY = [
    {
        "type": "link_cards",
        "value": {
            "heading": "从这里开始",
            "cards": [
                {
                    "title": "课程中心",
                    "text": "责任人、管理人、消控室值班操作人员培训与轮训",
                    "url": "/courses/",
                    "page": None,
                },
                {
                    "title": "检查手册",
                    "text": "重点场所消防安全检查要点",
                    "url": "/handbooks/",
                    "page": None,
                },
                {
                    "title": "案例警示",
                    "text": "火灾案例、隐患曝光与季节风险提示",
                    "url": "/alerts/",
                    "page": None,
                },
                {
                    "title": "加入单位或班级",
                    "text": "用协调员给的加入码登记",
                    "url": "/join/",
                    "page": None,
                },
            ],
        },
    },
    {
        "type": "callout",
        "value": {
            "kind": "law",
            "title": "单位的主要负责人是本单位的消防安全责任人",
            "text": "<p>机关、团体、企业、事业等单位应当落实消防安全责任制，制定本单位的消防安全制度、消防安全操作规程，制定灭火和应急疏散预案，组织进行有针对性的消防演练。</p>",
            "citation": "《中华人民共和国消防法》第十六条",
        },
    },
    {
        "type": "heading",
        "value": {"text": "手提式灭火器的使用方法", "level": "h2"},
    },
    {
        "type": "paragraph",
        "value": (
            "<p>使用手提式干粉灭火器，记住“提、拔、握、压”：提起灭火器，站在上风方向，"
            "拔掉保险销，一手握住喷管，另一手压下压把，对准火焰根部左右扫射，由近及远。"
            "使用前看一眼压力表，指针在绿区为正常。</p>"
        ),
    },
]

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
REVIEWER_PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
]
ADMIN_ACCESS = [
    ("wagtailadmin", "access_admin"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
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


def _home_page():
    home = HomePage.objects.first()
    if home is None:
        _remove_wagtail_placeholder()
        root = tree_root()
        home = HomePage(
            title="消防安全学习平台",
            slug="home",
            intro=(
                "面向青浦区社会单位、消控室值班人员、学校和基层治理骨干的"
                "消防安全培训与宣传平台（示例站点）。"
            ),
            body=HOME_BODY,
            search_description="消防安全培训课程、检查手册、案例警示与风险提示。",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page": home,
            "site_name": "消防安全学习平台",
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
    FooterSettings.objects.get_or_create(
        site=site,
        defaults={
            "organiser": "青浦区消防救援局（示例）",
            "contact": "咨询电话 021-00000000（示例）",
            "icp_number": "沪ICP备00000000号-1（示例）",
        },
    )


def _permissions(pairs):
    return [
        Permission.objects.get(content_type__app_label=app, codename=code) for app, code in pairs
    ]


def _editorial_groups():
    root = tree_root()
    editors, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    for group, page_permissions in (
        (editors, EDITOR_PAGE_PERMISSIONS),
        (reviewers, REVIEWER_PAGE_PERMISSIONS),
    ):
        group.permissions.add(*_permissions(ADMIN_ACCESS))
        for codename in page_permissions:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
    return editors, reviewers


def _workflow(reviewers):
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name="审核员审核").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="审核员审核")
        task.groups.set([reviewers])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    root = tree_root()
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    # Wagtail ships a "Moderators approval" workflow; ours replaces it for every page.
    Workflow.objects.exclude(pk=workflow.pk).filter(active=True).update(active=False)

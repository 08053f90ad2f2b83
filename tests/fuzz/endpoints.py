"""The site's own URL patterns, walked from the resolver, and real values for their parameters."""

import re
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from wagtail.models import Page, PageViewRestriction

from accounts.models import User
from alerts.models import AlertPage, Dispatch, DispatchRecipient
from courses.models import Certificate, CoursePage, LessonPage
from courses.models.campaigns import CampaignPage
from drills.models import DrillPhoto, DrillProblem, TrainingSession, UnitDrill
from drills.models import Enrolment as SessionEnrolment
from inspections.models import Answer, Hazard, Round, RoundNominee, RoundPoint
from organisations.models import JoinCode, Membership, Organisation
from quizzes.models import Attempt, Quiz
from reports.models import Export
from videos.models import Video
from volunteers.models import ServiceRecord

from .values import BOUNDARY_IDS

# Wagtail's admin and documents are Wagtail's own; the fuzz test covers the site's views.
SKIPPED_PREFIXES = ("admin/", "documents/")
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
SAMPLE = 3
REAL_PATHS = 1


@dataclass
class Endpoint:
    name: str
    route: str

    @property
    def parameters(self):
        return PARAMETER.findall(self.route)

    def path(self, values):
        return "/" + PARAMETER.sub(lambda match: str(values[match.group("name")]), self.route)


def site_endpoints():
    """Every route of the site's own apps (Django's resolver order), with its namespaced name."""
    found = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if not isinstance(entry.pattern, RoutePattern):
                continue  # Wagtail's page-serving catch-all is a regex; pages are fuzzed apart
            route = prefix + entry.pattern._route
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                walk(entry.url_patterns, route, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                found.append(
                    Endpoint(f"{namespace}:{entry.name}" if namespace else entry.name, route)
                )

    walk(get_resolver().url_patterns, "", "")
    return found


def _ids(queryset):
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:SAMPLE])


class DemoValues:
    """Real ids a role can reach (its own organisations, records, attempts) and a few others."""

    def __init__(self, user):
        self.user = user
        if user is None:
            own = Organisation.objects.none()
        else:
            paths = (
                Membership.objects.current()
                .filter(user=user)
                .values_list("organisation__path", flat=True)
            )
            own = Organisation.objects.filter(path__in=list(paths))
        self.own_paths = list(own.values_list("path", flat=True))
        below = Organisation.objects.none()
        for path in self.own_paths[:2]:
            below = below | Organisation.objects.filter(path__startswith=path)
        self.organisations = [*_ids(own), *_ids(below.exclude(path__in=self.own_paths))]
        self.organisations.append(Organisation.objects.order_by("-path").values("pk")[0]["pk"])
        mine = User.objects.filter(pk=user.pk) if user else User.objects.none()
        members = Membership.objects.filter(organisation__pk__in=self.organisations)
        self.sources = {
            "organisation": self.organisations,
            "membership": _ids(members.exclude(user__in=mine))
            + _ids(members.filter(user__in=mine)),
            "person": _ids(
                User.objects.filter(memberships__organisation__pk__in=self.organisations).distinct()
            ),
            "own_membership": _ids(Membership.objects.filter(user__in=mine)) or [1],
            "join_code": _ids(JoinCode.objects.filter(organisation__pk__in=self.organisations)),
            "join_code_text": list(
                JoinCode.objects.order_by("pk").values_list("code", flat=True)[:SAMPLE]
            ),
            "certificate_code": list(
                Certificate.objects.filter(user__in=mine).values_list("code", flat=True)[:2]
            )
            + list(Certificate.objects.order_by("pk").values_list("code", flat=True)[:1]),
            "attempt": _ids(Attempt.objects.filter(user__in=mine)) or [uuid.uuid4()],
            "quiz_slug": list(Quiz.objects.order_by("pk").values_list("slug", flat=True)[:SAMPLE]),
            "course": _ids(CoursePage.objects.live()),
            "lesson": _lessons_of_each_kind(),
            "campaign": _ids(CampaignPage.objects.live()),
            "class": _ids(
                Organisation.objects.filter(kind=Organisation.Kind.CLASS, pk__in=self.organisations)
            )
            or _ids(Organisation.objects.filter(kind=Organisation.Kind.CLASS)),
            "team": _ids(
                Organisation.objects.filter(
                    kind=Organisation.Kind.VOLUNTEER_TEAM, pk__in=self.organisations
                )
            )
            or _ids(Organisation.objects.filter(kind=Organisation.Kind.VOLUNTEER_TEAM)),
            "alert_page": _ids(AlertPage.objects.live()),
            "dispatch": _ids(Dispatch.objects.all()),
            "recipient": _ids(DispatchRecipient.objects.for_reader(user))
            if user
            else _ids(DispatchRecipient.objects.all()),
            "service_record": _ids(ServiceRecord.objects.filter(volunteer__in=mine))
            or _ids(ServiceRecord.objects.all()),
            "export": _ids(Export.objects.filter(user__in=mine)) or [uuid.uuid4()],
            "round": _ids(Round.objects.all()) or [1],
            "round_point": _ids(RoundPoint.objects.all()) or [1],
            "answer": _ids(Answer.objects.all()) or [1],
            "hazard": _ids(Hazard.objects.all()) or [1],
            "round_nominee": _ids(RoundNominee.objects.all()) or [1],
            "training_session": _ids(TrainingSession.objects.all()) or [1],
            "session_enrolment": _ids(SessionEnrolment.objects.all()) or [1],
            "checkin_token": ["0" * 20, "not-a-token", "f" * 64],
            "drill_unit": _ids(Organisation.objects.filter(drills__isnull=False).distinct()) or [1],
            "drill": _ids(UnitDrill.objects.all()) or [1],
            "drill_problem": _ids(DrillProblem.objects.all()) or [1],
            "drill_photo": _ids(DrillPhoto.objects.all()) or [1],
            "page_view_restriction": _ids(PageViewRestriction.objects.all()) or [1],
            "page": _ids(Page.objects.live().filter(depth__gt=1)),
            "video": _ids(Video.objects.all()) or [1],
            "video_file": [video.filename for video in Video.objects.order_by("pk")[:SAMPLE]]
            or ["demo-video.mp4"],
            "rendition_height": [480, 720],
            "hex": ["0" * 64, "f" * 64, "not-a-digest"],
            "what": ["table", "people", "x"],
            "file_format": ["xlsx", "csv", "pdf"],
        }

    def all_ids(self):
        """Every real id gathered, as values for form fields."""
        return sorted(
            {str(v) for values in self.sources.values() for v in values},
        )


def _lessons_of_each_kind():
    lessons = []
    for kind in LessonPage.Kind.values:
        lessons += _ids(LessonPage.objects.live().filter(kind=kind))[:1]
    return lessons


# Which demo objects each path parameter names; a new URL must say here what its ids are.
SOURCES = {
    "organisations:manage_organisation": {"pk": "organisation"},
    "organisations:manage_members": {"pk": "organisation"},
    "organisations:manage_add_member": {"pk": "organisation"},
    "organisations:manage_join_codes": {"pk": "organisation"},
    "organisations:leave_membership": {"pk": "own_membership"},
    "organisations:manage_member": {"pk": "membership"},
    "organisations:manage_move_proven_phone": {"pk": "membership"},
    "organisations:manage_change_role": {"pk": "membership"},
    "organisations:manage_move_member": {"pk": "membership"},
    "organisations:manage_end_membership": {"pk": "membership"},
    "organisations:manage_deactivate": {"pk": "membership"},
    "organisations:manage_reset_password": {"pk": "membership"},
    "organisations:join_code": {"code": "join_code_text"},
    "organisations:join_confirm": {"code": "join_code_text"},
    "organisations:manage_person_two_factor": {"pk": "person"},
    "organisations:rotate_join_code": {"code_pk": "join_code"},
    "organisations:disable_join_code": {"code_pk": "join_code"},
    "organisations:join_code_poster": {"code_pk": "join_code"},
    "organisations:import_preview": {"digest": "hex"},
    "organisations:import_columns": {"digest": "hex"},
    "organisations:import_confirm": {"digest": "hex"},
    "organisations:import_result": {"token": "hex"},
    "organisations:import_passwords": {"token": "hex"},
    "quizzes:attempt": {"pk": "attempt"},
    "quizzes:answer": {"pk": "attempt"},
    "quizzes:submit": {"pk": "attempt"},
    "quizzes:review": {"pk": "attempt"},
    "quizzes:result": {"pk": "attempt"},
    "quizzes:quiz": {"slug": "quiz_slug"},
    "quizzes:start": {"slug": "quiz_slug"},
    "courses:start": {"course_id": "course"},
    "courses:complete": {"lesson_id": "lesson"},
    "courses:video_progress": {"lesson_id": "lesson"},
    "courses:certificate_pdf": {"code": "certificate_code"},
    "courses:verify": {"code": "certificate_code"},
    "courses:attendance": {"lesson_id": "lesson"},
    "courses:campaign": {"campaign_id": "campaign"},
    "courses:campaign_roster": {"campaign_id": "campaign", "class_id": "class"},
    "courses:campaign_join_code": {"campaign_id": "campaign", "class_id": "class"},
    "alerts:send": {"page_id": "alert_page"},
    "alerts:dispatch": {"pk": "dispatch"},
    "alerts:dispatch_export": {"pk": "dispatch", "file_format": "file_format"},
    "alerts:acknowledge": {"pk": "recipient"},
    "reports:export": {"what": "what", "file_format": "file_format"},
    "reports:export_status": {"pk": "export"},
    "reports:refreshers_export": {"file_format": "file_format"},
    "reports:export_download": {"pk": "export"},
    "volunteers:edit": {"pk": "service_record"},
    "volunteers:photo": {"pk": "service_record"},
    "volunteers:team": {"team_id": "team"},
    "volunteers:decide": {"team_id": "team"},
    "volunteers:log_group": {"team_id": "team"},
    "volunteers:settings": {"team_id": "team"},
    "volunteers:export": {"team_id": "team"},
    "inspections:start": {"unit_id": "organisation"},
    "inspections:nominate": {"unit_id": "organisation"},
    "inspections:withdraw": {"pk": "round_nominee"},
    "inspections:round": {"pk": "round"},
    "inspections:answer": {"pk": "round", "point_id": "round_point"},
    "inspections:sign": {"pk": "round"},
    "inspections:correct": {"pk": "round", "point_id": "round_point"},
    "inspections:record": {"pk": "round"},
    "inspections:refresher": {"pk": "round"},
    "inspections:overview_unit": {"unit_id": "organisation"},
    "inspections:hazard": {"pk": "hazard"},
    "inspections:hazard_change": {"pk": "hazard"},
    "inspections:hazard_rectify": {"pk": "hazard"},
    "inspections:hazard_close": {"pk": "hazard"},
    "inspections:answer_photo": {"pk": "answer"},
    "inspections:fix_photo": {"pk": "hazard"},
    "drills:session": {"pk": "training_session"},
    "drills:edit": {"pk": "training_session"},
    "drills:cancel": {"pk": "training_session"},
    "drills:enrol": {"pk": "training_session"},
    "drills:sign_up": {"pk": "training_session"},
    "drills:cancel_place": {"pk": "training_session"},
    "drills:calendar": {"pk": "training_session"},
    "drills:checkin": {"pk": "training_session"},
    "drills:checkin_code": {"pk": "training_session"},
    "drills:check_in": {"pk": "training_session", "token": "checkin_token"},
    "drills:mark": {"pk": "training_session", "enrolment_id": "session_enrolment"},
    "drills:accept": {"pk": "training_session"},
    "drills:close_roster": {"pk": "training_session"},
    "drills:signoff_roster": {"session_id": "training_session"},
    "drills:signoff_person": {
        "session_id": "training_session",
        "enrolment_id": "session_enrolment",
    },
    "drills:unit": {"unit_id": "drill_unit"},
    "drills:new": {"unit_id": "drill_unit"},
    "drills:drill": {"pk": "drill"},
    "drills:correct": {"pk": "drill"},
    "drills:problem_hazard": {"pk": "drill_problem"},
    "drills:drill_photo": {"pk": "drill_photo"},
    "videos:serve": {"video_id": "video", "filename": "video_file"},
    "videos:captions": {"video_id": "video"},
    "videos:rendition": {
        "video_id": "video",
        "height": "rendition_height",
        "filename": "video_file",
    },
    "wagtailcore_authenticate_with_password": {
        "page_view_restriction_id": "page_view_restriction",
        "page_id": "page",
    },
}

INTEGER_CONVERTERS = {"int", "id"}


def paths_for(endpoint, demo, rng):
    """The endpoint's paths: a few with real values, then one with a boundary value (last)."""
    parameters = endpoint.parameters
    if not parameters:
        return [endpoint.path({})]
    sources = SOURCES[endpoint.name]
    real = [demo.sources[sources[name]] for _converter, name in parameters]
    paths = []
    for index in range(min(REAL_PATHS, max(len(values) for values in real))):
        values = {
            name: options[index % len(options)] if options else "1"
            for (_converter, name), options in zip(parameters, real, strict=True)
        }
        paths.append(endpoint.path(values))
    converter, name = rng.choice(parameters)
    boundary = {other: (real[i][0] if real[i] else "1") for i, (_c, other) in enumerate(parameters)}
    if converter in INTEGER_CONVERTERS:
        boundary[name] = rng.choice(BOUNDARY_IDS)
    else:
        boundary[name] = rng.choice(["%00", "x" * 300, "-1", "%FF", "..%2F.."])
    paths.append(endpoint.path(boundary))
    return paths


def page_urls():
    """One live page of each page type: forms and query strings of Wagtail's pages."""
    urls = {}
    for page in Page.objects.live().order_by("path").specific():
        urls.setdefault(type(page), page.url)
    return [url for url in urls.values() if url]


@dataclass
class Form:
    action: str
    method: str
    fields: dict  # name -> list of values offered (options, hidden values)
    files: list


class FormParser(HTMLParser):
    """The forms of a page: where they go, their fields and the values they offer."""

    def __init__(self, page_path):
        super().__init__()
        self.page_path = page_path
        self.forms = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = (attrs.get("action") or self.page_path).split("#")[0]
            method = (attrs.get("method") or "get").lower()
            self._form = Form(action, method, {}, [])
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "textarea", "select", "button") and attrs.get("name"):
            name = attrs["name"]
            if attrs.get("type") == "file":
                self._form.files.append(name)
                return
            values = self._form.fields.setdefault(name, [])
            if attrs.get("value"):
                values.append(attrs["value"])
            if tag == "select":
                self._select = values
        elif tag == "option" and self._select is not None and attrs.get("value"):
            self._select.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def forms_of(page_path, html):
    parser = FormParser(page_path)
    parser.feed(html)
    return [form for form in parser.forms if form.action.startswith("/")]

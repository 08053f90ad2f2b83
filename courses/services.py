"""Writes of learning progress: each runs in one transaction and is safe to repeat."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations import audit

from . import requirement_cache
from .access import user_may_take_course
from .assignments import close_assignments
from .models import (
    Certificate,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    TrainingRequirement,
)
from .models.learning import generate_certificate_code
from .progress import add_months, lapsed_at

VIDEO_COMPLETION_SHARE = 0.9
# The most one interval between reports adds to a lesson's credit: the player reports every
# 5 seconds (a background tab's timers run once a minute), so a longer gap is time away.
VIDEO_CREDIT_CAP_SECONDS = 60


def _needs_new_cycle(user, course, latest, now):
    if latest is None:
        return True
    return lapsed_at(user, course, latest, now) is not None


def start_course(user, course, now=None):
    """The person's current enrolment, starting one (or a new renewal cycle) if needed."""
    now = now or timezone.now()
    if not user_may_take_course(user, course):
        raise Http404
    for _attempt in range(3):
        latest = Enrolment.objects.filter(user=user, course=course).order_by("-cycle").first()
        if not _needs_new_cycle(user, course, latest, now):
            return latest
        cycle = latest.cycle + 1 if latest else 1
        try:
            with transaction.atomic():
                return Enrolment.objects.create(
                    user=user, course=course, cycle=cycle, started_at=now, last_activity_at=now
                )
        except IntegrityError:
            # Another request (a second tab, a double click) started the same cycle: use it.
            continue
    return Enrolment.objects.filter(user=user, course=course).order_by("-cycle").first()


def _course_of(lesson):
    return CoursePage.objects.get(pk=lesson.get_parent().pk)


def _locked_progress(enrolment, lesson):
    progress, _created = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    return LessonProgress.objects.select_for_update().get(pk=progress.pk)


def complete_lesson(user, lesson, now=None):
    """Mark a lesson done for the signed-in person; completes the course when it was the last."""
    now = now or timezone.now()
    lesson = LessonPage.objects.live().get(pk=lesson.pk)
    course = _course_of(lesson)
    enrolment = start_course(user, course, now)
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        progress = _locked_progress(enrolment, lesson)
        if progress.completed_at is None:
            progress.completed_at = now
            progress.save(update_fields=["completed_at"])
        enrolment.last_activity_at = now
        enrolment.save(update_fields=["last_activity_at"])
        _complete_course_if_done(enrolment, course, now)
        # Done again counts too: a refresher may ask for a lesson completed long ago.
        close_assignments(user, lesson, now)
    return enrolment


def record_attendance(recorder, lesson, users, organisation=None, now=None):
    """Complete a practical lesson for each attendee, all or nothing; never for the recorder.

    Attendance is a certificate's evidence, so as with volunteer hours nobody vouches for
    themself: another coordinator records theirs. Each attendee is one audit entry. The skills
    sign-off (drills) calls this too, with the instructor as the recorder.
    """
    if any(user.pk == recorder.pk for user in users):
        raise PermissionDenied(
            _("You cannot record your own attendance: another coordinator records it.")
        )
    with transaction.atomic():
        for user in users:
            complete_lesson(user, lesson, now=now)
        audit.record_many(
            recorder,
            "firesafety.attendance.record",
            users,
            organisation=organisation,
            data={"lesson": lesson.title, "lesson_id": lesson.pk},
        )
    return len(users)


def record_best_score(enrolment, score):
    """Keep the higher of the stored best score and this one, in one UPDATE (no lost race)."""
    Enrolment.objects.filter(pk=enrolment.pk).update(
        best_score=Greatest(Coalesce(F("best_score"), Value(score)), Value(score))
    )


def _complete_course_if_done(enrolment, course, now):
    if enrolment.completed_at is not None:
        return
    lesson_ids = set(course.get_lessons().values_list("pk", flat=True))
    done_ids = set(
        LessonProgress.objects.filter(
            enrolment=enrolment, completed_at__isnull=False, lesson_id__in=lesson_ids
        ).values_list("lesson_id", flat=True)
    )
    if not lesson_ids or done_ids != lesson_ids:
        return
    enrolment.completed_at = now
    enrolment.expires_at = (
        add_months(now, course.validity_months) if course.validity_months else None
    )
    enrolment.save(update_fields=["completed_at", "expires_at"])
    if course.has_certificate:
        issue_certificate(enrolment, course)


def issue_certificate(enrolment, course):
    """The certificate of a completed enrolment, made once."""
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    enrolment=enrolment,
                    user=enrolment.user,
                    course=course,
                    code=generate_certificate_code(),
                    holder_name=enrolment.user.name or enrolment.user.username,
                    course_title=course.title,
                    issued_at=enrolment.completed_at,
                    expires_at=enrolment.expires_at,
                )
        except IntegrityError:
            existing = Certificate.objects.filter(enrolment=enrolment).first()
            if existing:
                return existing
    raise RuntimeError("could not draw a unique certificate code")


def record_video_progress(user, lesson, start, end, position, now=None):
    """Add a span the player says it played, within the real time the server has seen.

    Each report adds the time since the previous one (at most VIDEO_CREDIT_CAP_SECONDS) to
    the lesson's credit, and what has been watched never adds up to more than that credit: so
    made-up spans, however many, cannot finish a video faster than it plays. The player sends
    an empty span when playing starts, so the first seconds count too.
    """
    now = now or timezone.now()
    lesson = LessonPage.objects.live().get(pk=lesson.pk, kind=LessonPage.Kind.VIDEO)
    course = _course_of(lesson)
    duration = float(lesson.video_duration_seconds or 0)
    start = max(0.0, min(float(start), duration))
    end = max(start, min(float(end), duration))
    enrolment = start_course(user, course, now)
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        progress = _locked_progress(enrolment, lesson)
        if progress.video_reported_at is not None:
            elapsed = (now - progress.video_reported_at).total_seconds()
            progress.video_credit_seconds += min(max(0.0, elapsed), VIDEO_CREDIT_CAP_SECONDS)
        watched_before = progress.watched_seconds()
        watched = merge_spans([*progress.video_watched, [start, end]])
        if sum(b - a for a, b in watched) > progress.video_credit_seconds:
            # Cut the span to what the credit leaves; it may then count a little less than it
            # could (where it overlaps what was watched), never more.
            end = start + max(0.0, progress.video_credit_seconds - watched_before)
            watched = merge_spans([*progress.video_watched, [start, end]])
        progress.video_watched = watched
        progress.video_position = max(0.0, min(float(position), duration))
        progress.video_reported_at = now
        fields = ["video_watched", "video_position", "video_reported_at", "video_credit_seconds"]
        if (
            progress.completed_at is None
            and duration
            and progress.watched_seconds() >= VIDEO_COMPLETION_SHARE * duration
        ):
            progress.completed_at = now
            fields.append("completed_at")
        progress.save(update_fields=fields)
        enrolment.last_activity_at = now
        enrolment.save(update_fields=["last_activity_at"])
        if progress.completed_at:
            _complete_course_if_done(enrolment, course, now)
            close_assignments(user, lesson, now)
    return progress


def merge_spans(spans):
    """Union of [start, end] intervals, sorted and without overlaps."""
    merged = []
    for start, end in sorted((float(a), float(b)) for a, b in spans if b > a):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def revoke_certificate(certificate, reason, now=None, actor=None):
    """Withdraw a certificate; verification shows it as revoked with the date."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at is None:
            certificate.revoked_at = now or timezone.now()
            certificate.revoked_reason = reason
            certificate.save(update_fields=["revoked_at", "revoked_reason"])
            audit.record(
                actor,
                "firesafety.certificate.revoke",
                instance=certificate,
                data={"code": certificate.code, "reason": reason},
            )
    return certificate


CAMPAIGN_ROLES = ["student", "teacher"]


def sync_campaign_requirement(campaign):
    """Make the published campaign's training requirement match it (or retire it if not wanted).

    One requirement per campaign: an existing active requirement for the same course and target
    (e.g. set up earlier by a coordinator) is adopted rather than duplicated.
    """
    from organisations.models import Membership

    from .models import CampaignPage

    with transaction.atomic():
        campaign = CampaignPage.objects.select_for_update().get(pk=campaign.pk)
        requirement = campaign.requirement
        if not campaign.require_training:
            if requirement is not None and requirement.is_active:
                requirement.is_active = False
                requirement.save(update_fields=["is_active"])
            return None
        if requirement is None:
            requirement = (
                TrainingRequirement.objects.filter(
                    course_id=campaign.course_id,
                    organisation_id=campaign.target_id,
                    is_active=True,
                    renewal_months__isnull=True,
                )
                .order_by("pk")
                .first()
            )
        if requirement is None:
            requirement = TrainingRequirement(renewal_months=None)
        requirement.course_id = campaign.course_id
        requirement.organisation_id = campaign.target_id
        requirement.due_date = campaign.ends_on
        requirement.is_active = True
        roles = list(requirement.roles or [])
        for role in CAMPAIGN_ROLES:
            if role not in roles and role in Membership.Role.values:
                roles.append(role)
        requirement.roles = roles
        requirement.save()
        # update() rather than save(): saving the page would make a new revision.
        CampaignPage.objects.filter(pk=campaign.pk).update(requirement=requirement)
        return requirement


def retire_campaign_requirement(campaign):
    """An unpublished campaign no longer requires anyone to train."""
    if campaign.requirement_id:
        TrainingRequirement.objects.filter(pk=campaign.requirement_id).update(is_active=False)
        # update() sends no signal: the kept answers of who must train are forgotten here.
        requirement_cache.new_generation()


def ensure_class_join_code(klass, created_by=None):
    """The class's active join code for students, made once and reused after that."""
    from organisations.models import JoinCode, Membership, generate_join_code

    role = Membership.Role.STUDENT
    with transaction.atomic():
        # Lock the class row so two teachers clicking at once get the same code.
        type(klass).objects.select_for_update().filter(pk=klass.pk).first()
        now = timezone.now()
        for code in JoinCode.objects.filter(organisation=klass, role=role, is_active=True):
            if code.expires_at is None or code.expires_at > now:
                return code, False
        for _attempt in range(5):
            candidate = generate_join_code()
            if not JoinCode.objects.filter(code=candidate).exists():
                return (
                    JoinCode.objects.create(
                        organisation=klass, code=candidate, role=role, created_by=created_by
                    ),
                    True,
                )
    raise RuntimeError("could not find a free join code")  # 25^8 codes: practically never

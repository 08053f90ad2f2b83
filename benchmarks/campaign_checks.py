"""After the campaign load test: does the database hold what the pupils were told, once each?

The pupils' records (benchmarks/campaign_locustfile.py) say what the site acknowledged to each:
joined as which login name, which attempt, submitted with which score. Every acknowledged join
must be one account in its class; every acknowledged submit one attempt, graded once (graded,
with its score and time, one answer per question, one submit key claimed); every pupil who
passed must have one completed enrolment. (A number twice in a class, or a second current
membership, the database's constraints refuse.) The public board, computed afresh, must count
exactly the students of the load test's classes and their completions (counted here with the
ORM), whether or not the run was cut short.
"""

import collections

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count

BOARD_CACHE_KEY = "campaign-board:{pk}"


def board_totals(campaign):
    """(students, completed) of the campaign's public board, not the cached one."""
    from courses.campaigns import public_board

    cache.delete(BOARD_CACHE_KEY.format(pk=campaign.pk))
    total = public_board(campaign)["total"]
    return total.students, total.completed


def _by_user(queryset, field="user_id"):
    grouped = collections.defaultdict(list)
    for row in queryset:
        grouped[getattr(row, field)].append(row)
    return grouped


def check_database(campaign, quiz, records, board_before, class_ids):
    """{finding: [login names or seats]}; empty when nothing was lost or doubled."""
    from courses.models import Certificate, Enrolment
    from idempotency.models import IdempotencyKey
    from organisations.models import Membership
    from quizzes.models import Answer, Attempt

    findings = collections.defaultdict(list)
    joined = [r for r in records if r.get("joined")]
    for record in joined:
        if not record.get("username"):
            findings["joins without a login name shown"].append(record["seat"])
    _check_classes(findings, campaign, class_ids, board_before)
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=[r["username"] for r in joined if r.get("username")]
        )
    }
    memberships = collections.Counter(
        Membership.objects.current()
        .filter(user__in=users.values(), role=Membership.Role.STUDENT)
        .values_list("user_id", "organisation_id")
    )
    attempts = _by_user(Attempt.objects.filter(quiz=quiz, user__in=users.values()))
    answers = dict(
        Answer.objects.filter(attempt__quiz=quiz, attempt__user__in=users.values())
        .values("attempt_id")
        .annotate(n=Count("id"))
        .values_list("attempt_id", "n")
    )
    submit_keys = collections.Counter(
        IdempotencyKey.objects.filter(
            user__in=users.values(), purpose="quizzes.submit"
        ).values_list("user_id", flat=True)
    )
    enrolments = _by_user(
        Enrolment.objects.filter(course_id=campaign.course_id, user__in=users.values())
    )
    certificates = collections.Counter(
        Certificate.objects.filter(
            enrolment__course_id=campaign.course_id, user__in=users.values()
        ).values_list("user_id", flat=True)
    )
    for record in joined:
        user = users.get(record.get("username"))
        if user is None:
            if record.get("username"):
                findings["joins lost"].append(record["username"])
            continue
        name = user.username
        if memberships[(user.pk, record["class"])] != 1:
            findings["class memberships not one"].append(name)
        mine = attempts.get(user.pk, [])
        if len(mine) > 1:
            findings["attempts doubled"].append(name)
        if record.get("attempt") and not any(str(a.pk) == record["attempt"] for a in mine):
            findings["attempts lost"].append(name)
        if record.get("submitted"):
            _check_submit(findings, name, mine, record, answers, submit_keys[user.pk])
        if len(enrolments.get(user.pk, [])) > 1:
            findings["enrolments doubled"].append(name)
        if certificates[user.pk] > 1:
            findings["certificates doubled"].append(name)
        if _passed(record, mine, quiz) and not any(
            e.completed_at for e in enrolments.get(user.pk, [])
        ):
            findings["completions lost"].append(name)
    return dict(findings)


def _passed(record, attempts, quiz):
    """Whether the pupil passed: the score the result page showed, or, for a pupil stopped
    between the submit and the result, the graded attempt's."""
    if not record.get("submitted"):
        return False
    if record.get("score") is not None:
        return record["score"] >= quiz.pass_mark
    return any(str(a.pk) == record.get("attempt") and a.passed for a in attempts)


def _check_classes(findings, campaign, class_ids, board_before):
    """The board counts these classes' students and their completions, no more, no less."""
    from courses.campaigns import completions_in_window
    from organisations.models import Membership

    members = Membership.objects.current().filter(
        organisation_id__in=class_ids, role=Membership.Role.STUDENT
    )
    pupils = set(members.values_list("user_id", flat=True))
    finished = (
        completions_in_window(campaign).filter(user_id__in=pupils).values("user_id").distinct()
    )
    students, completed = board_totals(campaign)
    if students - board_before[0] != len(pupils):
        findings["board: pupils counted"].append(
            f"{students - board_before[0]} new on the board, {len(pupils)} in the classes"
        )
    if completed - board_before[1] != finished.count():
        findings["board: completions counted"].append(
            f"{completed - board_before[1]} new on the board, {finished.count()} in the database"
        )


def _check_submit(findings, name, mine, record, answers, keys_claimed):
    from quizzes.models import Attempt

    attempt = next((a for a in mine if str(a.pk) == record.get("attempt")), None)
    if attempt is None:
        return  # counted as lost
    if attempt.status != Attempt.Status.GRADED or attempt.submitted_at is None:
        findings["submits lost (attempt not graded)"].append(name)
        return
    if record.get("score") is not None and attempt.score != record["score"]:
        findings["scores differ from the result page"].append(name)
    if answers.get(attempt.pk, 0) != len(attempt.question_ids):
        findings["answers not one per question"].append(name)
    if keys_claimed != 1:
        findings["submit keys claimed not once"].append(name)

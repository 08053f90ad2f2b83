"""Demo question bank, one quiz per demo course topic, and a few graded attempts.

The bank is content/quizzes/questions.csv in the editors' import template, read and checked by
the same importer as an upload (题库导入); the quizzes are content/quizzes/quizzes.yaml.
"""

import random
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.demo import ensure_user
from editorial.content_files import ContentFileError, content_dir, mapping, read, read_list

from . import importer, services
from .models import Choice, DrawRule, Question, QuestionImport, QuestionTag, Quiz, stem_hash

BANK = "quizzes/questions.csv"
# Questions an editor wrote and submitted: the demo's reviewer finds them waiting.
DRAFTS = "quizzes/drafts.csv"
DRAFTS_AUTHOR = "editor"
QUIZZES_FILE = "quizzes/quizzes.yaml"
ATTEMPTS_FILE = "quizzes/attempts.yaml"


def bank_rows(name=BANK):
    """The bank's rows (or the drafts') as the importer checked them; any problem is a
    ContentFileError. Questions already in the bank are not a problem here: import_questions
    skips them.
    """
    path = content_dir() / name
    preview = importer.read_sheet(path.name, path.read_bytes(), csv_allowed=True, existing=set())
    if preview.error:
        raise ContentFileError(path, preview.error)
    if preview.problem_rows:
        row = preview.problem_rows[0]
        problems = "; ".join(row.problems)
        raise ContentFileError(
            path, _("row %(row)s: %(problems)s") % {"row": row.number, "problems": problems}
        )
    return preview.rows


def quiz_specs(tags=None):
    """The quizzes of content/quizzes/quizzes.yaml, checked; `tags`: the bank's topics."""
    path = content_dir() / QUIZZES_FILE
    specs = read_list(path)
    fields = {field.name for field in Quiz._meta.concrete_fields} - {"id"}
    for index, spec in enumerate(specs):
        mapping(path, spec, (index,))
        unknown = sorted(set(spec) - fields - {"draws"})
        if unknown:
            raise ContentFileError(
                path, _("Unknown key “%(key)s”.") % {"key": unknown[0]}, (index, unknown[0])
            )
        for key in ("slug", "title", "draws"):
            if not spec.get(key):
                raise ContentFileError(path, _("“%(key)s” is required.") % {"key": key}, (index,))
        try:
            Quiz(**{k: v for k, v in spec.items() if k != "draws"}).clean_fields()
        except ValueError as error:
            raise ContentFileError(path, str(error), (index,)) from error
        except ValidationError as error:
            name, messages = next(iter(error.message_dict.items()))
            raise ContentFileError(path, " ".join(messages), (index, name)) from error
        for number, draw in enumerate(spec["draws"]):
            place = (index, "draws", number)
            if (
                not isinstance(draw, dict)
                or set(draw) != {"tag", "count"}
                or not isinstance(draw["count"], int)
            ):
                raise ContentFileError(
                    path, _("A draw names a “tag” of the bank and a whole “count”."), place
                )
            if tags is not None and draw["tag"] not in tags:
                raise ContentFileError(
                    path,
                    _("The bank has no question tagged “%(tag)s”.") % {"tag": draw["tag"]},
                    (*place, "tag"),
                )
    return specs


def attempts_file(quiz_slugs=None, usernames=None):
    """content/quizzes/attempts.yaml, checked against the quizzes and the demo accounts."""
    path = content_dir() / ATTEMPTS_FILE
    data = mapping(path, read(path))
    cohort = mapping(path, data.get("cohort"), ("cohort",))
    named = [(("cohort", "quiz"), cohort.get("quiz"), quiz_slugs, _("No quiz “%(name)s”."))]
    for index, taker in enumerate(data.get("takers") or []):
        place = ("takers", index)
        mapping(path, taker, place)
        named.append(((*place, "quiz"), taker.get("quiz"), quiz_slugs, _("No quiz “%(name)s”.")))
        named.append(
            (
                (*place, "user"),
                taker.get("user"),
                usernames,
                _("No demo account “%(name)s” in content/organisations.yaml."),
            )
        )
    for place, value, known, message in named:
        if known is not None and value not in known:
            raise ContentFileError(path, message % {"name": value}, place)
    for index, learner in enumerate(data.get("sample_learners") or []):
        mapping(path, learner, ("sample_learners", index))
        skill = learner.get("skill")
        if not isinstance(skill, int | float) or not 0 <= skill <= 1:
            raise ContentFileError(
                path, _("“skill” must be a share from 0 to 1."), ("sample_learners", index, "skill")
            )
    return data


def _drafts():
    """The drafts, submitted for review by the demo's editor as one import would be."""
    rows = [row.as_data() for row in bank_rows(DRAFTS)]
    if Question.objects.filter(stem_hash__in=[stem_hash(row["stem"]) for row in rows]).exists():
        return
    author = ensure_user(DRAFTS_AUTHOR, "示例编辑")
    batch = QuestionImport.objects.create(file_name=Path(DRAFTS).name, imported_by=author)
    services.import_questions(rows, batch=batch)


def quiz_slugs():
    """The slugs of the demo quizzes: what a course file's quiz lesson may name."""
    return {spec["slug"] for spec in read_list(content_dir() / QUIZZES_FILE)}


def load():
    """Create what is missing; running it again changes nothing."""
    rows = bank_rows()
    specs = quiz_specs(tags={tag for row in rows for tag in row.tags})
    with transaction.atomic():
        services.import_questions([row.as_data() for row in rows])
        quizzes = {spec["slug"]: _quiz(spec) for spec in specs}
        _drafts()
    attempts = attempts_file()
    User = get_user_model()
    for taker in attempts["takers"]:
        user = User.objects.filter(username=taker["user"]).first()
        if user is not None:
            _take(user, quizzes[taker["quiz"]], skill=0.85, seed=taker["user"], days_ago=3)
    for number, learner in enumerate(attempts["sample_learners"], start=1):
        username = learner["username"]
        user = ensure_user(username, learner["name"])
        for offset, quiz in enumerate(quizzes.values()):
            seed = f"{username}-{quiz.slug}"
            _take(user, quiz, skill=learner["skill"], seed=seed, days_ago=number + offset)
    _cohort(quizzes, attempts["cohort"])


def _cohort(quizzes, spec):
    """Enough invented learners on one quiz for the question statistics, one lure among them."""
    quiz = quizzes[spec["quiz"]]
    prefix, count = spec["username_prefix"], spec["learners"]
    User = get_user_model()
    if User.objects.filter(username__startswith=prefix).exists():
        return
    people = []
    for number in range(1, count + 1):
        person = User(username=f"{prefix}{number:02d}", name=f"{spec['name_prefix']}{number:02d}")
        # Invented for the statistics only: nobody signs in as them, so no password to hash.
        person.set_unusable_password()
        people.append(person)
    User.objects.bulk_create(people)
    lure = Question.objects.get(stem=spec["lure"]["stem"])
    low, high = spec["skill_low"], spec["skill_high"]
    for number, person in enumerate(User.objects.filter(username__startswith=prefix), start=1):
        skill = low + (high - low) * number / count
        _take(
            person,
            quiz,
            skill=skill,
            seed=person.username,
            days_ago=1 + number % 20,
            lure=(lure.pk, spec["lure"]["share"]),
        )


def _quiz(spec):
    quiz = Quiz.objects.filter(slug=spec["slug"]).first()
    if quiz is not None:
        return quiz
    fields = {k: v for k, v in spec.items() if k != "draws"}
    quiz = Quiz.objects.create(shuffle_questions=True, shuffle_choices=True, **fields)
    for position, draw in enumerate(spec["draws"]):
        DrawRule.objects.create(
            quiz=quiz,
            tag=QuestionTag.objects.get(name=draw["tag"]),
            count=draw["count"],
            sort_order=position,
        )
    return quiz


def _take(user, quiz, *, skill, seed, days_ago, lure=None):
    """One graded attempt, answered right with probability `skill`, unless the person has one."""
    if quiz.attempts.filter(user=user).exists():
        return
    rng = random.Random(seed)  # noqa: S311 - demo answers, not security
    started = timezone.now() - timedelta(days=days_ago, hours=rng.randint(1, 8))
    attempt = services.start_attempt(user, quiz, now=started)
    right = {}
    for question_id, choice_id in Choice.objects.filter(
        question_id__in=attempt.question_ids, is_correct=True
    ).values_list("question_id", "id"):
        right.setdefault(question_id, []).append(choice_id)
    answers = {}
    for question_id in attempt.question_ids:
        options = attempt.choice_order[str(question_id)]
        wrong = [c for c in options if c not in right[question_id]]
        if lure is not None and question_id == lure[0]:
            # The lure is the same wrong option for everyone, whatever their skill.
            answers[str(question_id)] = (
                [min(wrong)] if rng.random() < lure[1] else right[question_id]
            )
        elif rng.random() < skill:
            answers[str(question_id)] = right[question_id]
        else:
            answers[str(question_id)] = [rng.choice(wrong)]
    services.submit_attempt(attempt, answers, now=started + timedelta(minutes=rng.randint(4, 15)))

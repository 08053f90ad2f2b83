import hashlib
import re
import unicodedata
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import ItemBase, TagBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

LETTERS = "ABCDEFGH"


def normalise_stem(text):
    """The stem reduced to what makes two questions the same: width, case, spaces, punctuation."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub(r"[\s\W_]+", "", text)


def stem_hash(text):
    return hashlib.sha256(normalise_stem(text).encode("utf-8")).hexdigest()


class QuestionTag(TagBase):
    """A topic of the question bank (消防法规, 灭火器 …), kept apart from other tags of the site."""

    class Meta:
        verbose_name = _("question topic")
        verbose_name_plural = _("question topics")


class TaggedQuestion(ItemBase):
    tag = models.ForeignKey(QuestionTag, on_delete=models.CASCADE, related_name="tagged_items")
    content_object = ParentalKey(
        "quizzes.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Difficulty(models.IntegerChoices):
    EASY = 1, _("Easy")
    MEDIUM = 2, _("Medium")
    HARD = 3, _("Hard")


def choice_set_errors(kind, right_flags):
    """What is wrong with a question's choices; right_flags holds each choice's right flag."""
    right = sum(1 for flag in right_flags if flag)
    wrong = len(right_flags) - right
    errors = []
    if kind == Question.Kind.SINGLE:
        if len(right_flags) < 2:
            errors.append(_("A single-choice question needs at least two choices."))
        if right != 1:
            errors.append(_("A single-choice question needs exactly one right choice."))
    elif kind == Question.Kind.MULTIPLE:
        if right < 2 or wrong < 1:
            errors.append(
                _(
                    "A multiple-choice question needs at least two right choices "
                    "and at least one wrong one."
                )
            )
    elif kind == Question.Kind.TRUE_FALSE:
        if len(right_flags) != 2:
            errors.append(_("A true/false question has exactly two choices."))
        if right != 1:
            errors.append(_("A true/false question needs exactly one right choice."))
    if len(right_flags) > len(LETTERS):
        errors.append(_("A question has at most %(count)s choices.") % {"count": len(LETTERS)})
    return errors


class QuestionQuerySet(models.QuerySet):
    def drawable(self):
        """The questions a new attempt may be given: the one rule every draw and count uses.

        Live means a reviewer approved it; a pending change of a live question waits in its
        revisions, so draws keep giving the approved text until the change is approved too.
        """
        return self.filter(active=True, live=True)

    def pool(self, tag_id, difficulty=None):
        """The drawable questions of a draw rule's topic, of its difficulty if it names one."""
        pool = self.drawable().filter(tagged_items__tag_id=tag_id)
        if difficulty:
            pool = pool.filter(difficulty=difficulty)
        return pool.distinct()


class Question(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, ClusterableModel
):
    """One question of the bank with its choices, the right ones flagged, and why.

    A new question or a change is a draft revision until the review workflow approves it
    (WorkflowMixin, DraftStateMixin); the row holds the approved text. Attempts copy the key and
    the live revision when they are drawn, so a fix never rewrites old grades.
    """

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "truefalse", _("True or false")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    stem = models.TextField(_("question"))
    explanation = models.TextField(
        _("explanation"),
        blank=True,
        help_text=_(
            "Why the answer is right, ending with its basis (依据：law, article, standard)."
        ),
    )
    tags = ClusterTaggableManager(
        through=TaggedQuestion, blank=True, verbose_name=_("topics"), related_name="questions"
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    active = models.BooleanField(
        pgettext_lazy("enabled", "active"),
        default=True,
        help_text=_("Inactive questions are never drawn."),
    )
    # Hash of the normalised stem: the import recognises a question it already has by it.
    stem_hash = models.CharField(max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    imported_in = models.ForeignKey(
        "quizzes.QuestionImport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="questions",
        verbose_name=pgettext_lazy("question bank", "import"),
    )

    revisions = GenericRelation(
        "wagtailcore.Revision",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="question",
        for_concrete_model=False,
    )
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="question",
        for_concrete_model=False,
    )

    objects = QuestionQuerySet.as_manager()

    panels = [
        FieldPanel("kind"),
        FieldPanel("stem"),
        InlinePanel("choices", label=_("Choices"), min_num=2, max_num=len(LETTERS)),
        FieldPanel("explanation"),
        MultiFieldPanel(
            [FieldPanel("tags"), FieldPanel("difficulty"), FieldPanel("active")],
            heading=_("Sorting"),
        ),
    ]
    search_fields = [
        index.SearchField("stem"),
        index.SearchField("explanation"),
        index.FilterField("kind"),
        index.FilterField("active"),
        index.FilterField("difficulty"),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-updated_at"]

    def __str__(self):
        return self.stem if len(self.stem) <= 60 else self.stem[:59] + "…"

    def clean(self):
        super().clean()
        if not normalise_stem(self.stem):
            raise ValidationError({"stem": _("The question text is empty.")})
        duplicate = Question.objects.filter(stem_hash=stem_hash(self.stem)).exclude(pk=self.pk)
        if duplicate.exists():
            raise ValidationError({"stem": _("The bank already has this question.")})

    def save(self, *args, **kwargs):
        self.stem_hash = stem_hash(self.stem)
        super().save(*args, **kwargs)

    def right_choice_ids(self):
        """The ids of the choices flagged right now, sorted: the key a new attempt copies."""
        return sorted(c.id for c in self.choices.all() if c.is_correct)


class QuestionImport(models.Model):
    """One uploaded bank: its questions arrive as drafts together and are reviewed as a batch."""

    file_name = models.CharField(pgettext_lazy("uploaded", "file"), max_length=255)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("question import")
        verbose_name_plural = _("question imports")
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{timezone.localtime(self.imported_at):%Y-%m-%d %H:%M} · {self.file_name}"


class Choice(Orderable):
    """One choice of a question; the flag says whether it is (one of) the right answer(s)."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("choice"), max_length=500)
    is_correct = models.BooleanField(_("right answer"), default=False)

    panels = [FieldPanel("text"), FieldPanel("is_correct")]

    class Meta(Orderable.Meta):
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self):
        return self.text


class QuizQuerySet(models.QuerySet):
    def open(self):
        """Quizzes a learner may start: approved (live) and not closed by the editor."""
        return self.filter(active=True, live=True)


class Quiz(
    PreviewableMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    ClusterableModel,
):
    """A quiz: fixed questions and/or random draws by topic, with its pass mark and rules.

    Like a question, a new quiz or a change (pass mark, rules, questions) is reviewed before it
    applies: attempts follow the approved row, a pending change waits in its revision.
    """

    class Review(models.TextChoices):
        SCORE = "score", _("Score only")
        RIGHT_WRONG = "right_wrong", _("What was right and wrong")
        EXPLANATIONS = "explanations", _("The right answers with explanations")
        ONCE_PASSED = "once_passed", _("Answers with explanations, only once passed")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        pgettext_lazy("url", "slug"),
        max_length=100,
        unique=True,
        allow_unicode=False,
        help_text=_("The quiz's address, /quizzes/<slug>/; courses find the quiz by it."),
    )
    intro = models.TextField(_("introduction"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_("Leave empty for no time limit."),
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=0, help_text=_("0 means unlimited.")
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=False)
    review_policy = models.CharField(
        _("after submitting, show"),
        max_length=20,
        choices=Review.choices,
        default=Review.RIGHT_WRONG,
    )
    active = models.BooleanField(
        _("open"), default=True, help_text=_("Closed quizzes cannot be started.")
    )

    revisions = GenericRelation(
        "wagtailcore.Revision",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="quiz",
        for_concrete_model=False,
    )
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="quiz",
        for_concrete_model=False,
    )

    objects = QuizQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("intro"),
        InlinePanel("fixed_questions", label=_("Fixed questions")),
        InlinePanel("draw_rules", label=_("Random draws")),
        MultiFieldPanel(
            [
                FieldPanel("pass_mark"),
                FieldPanel("time_limit_minutes"),
                FieldPanel("attempts_allowed"),
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_choices"),
                FieldPanel("review_policy"),
                FieldPanel("active"),
            ],
            heading=_("Rules"),
        ),
    ]

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("quizzes:quiz", args=[self.slug])

    def get_preview_template(self, request, mode_name):
        return "quizzes/preview.html"

    def get_preview_context(self, request, mode_name):
        """The quiz as a learner's attempt shows it, drawn from the editor's unsaved form."""
        from .services import draw_questions
        from .sheets import questions_in_order

        context = super().get_preview_context(request, mode_name)
        items = questions_in_order(draw_questions(self))
        for item in items:
            item["options"] = [(choice, False) for choice in item["choices"]]
        context.update(quiz=self, items=items)
        return context

    @property
    def planned_question_count(self):
        return self.fixed_questions.count() + sum(rule.count for rule in self.draw_rules.all())


class QuizQuestion(Orderable):
    """A question every attempt of the quiz gets, in this order unless shuffled."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="fixed_questions")
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", verbose_name=_("question")
    )

    panels = [FieldPanel("question")]


class DrawRule(Orderable):
    """Draw N questions at random from a topic (optionally of one difficulty)."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="draw_rules")
    tag = models.ForeignKey(
        QuestionTag, on_delete=models.PROTECT, related_name="+", verbose_name=_("topic")
    )
    count = models.PositiveSmallIntegerField(
        _("number of questions"), default=5, validators=[MinValueValidator(1)]
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, null=True, blank=True
    )

    panels = [FieldPanel("tag"), FieldPanel("count"), FieldPanel("difficulty")]


class AttemptQuerySet(models.QuerySet):
    def graded(self):
        return self.filter(status=Attempt.Status.GRADED)


class Attempt(models.Model):
    """One person's go at a quiz: the questions drawn for it, its deadline and its grade."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("quiz attempt", "In progress")
        GRADED = "graded", _("Graded")

    # The id is in the URL; a UUID cannot be guessed or counted through.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # Drawn once at the start: the question ids in order and each question's choice ids in order.
    question_ids = models.JSONField(default=list)
    choice_order = models.JSONField(default=dict)
    # The key as it was when drawn, {question id: [right choice ids]}, and the revision of each
    # question then: grading reads these, never the bank's current flags, so fixing a key
    # changes only attempts started after the fix (or those an editor re-grades on purpose).
    answer_key = models.JSONField(default=dict)
    question_revisions = models.JSONField(default=dict)
    pass_mark = models.PositiveSmallIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(default=0)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        permissions = [("regrade_attempt", _("Can re-grade attempts after an answer key fix"))]
        constraints = [
            # With the row lock in start_attempt, this makes simultaneous starts give one attempt.
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(status="open"),
                name="quizzes_one_open_attempt_per_person",
            )
        ]

    def __str__(self):
        return f"{self.quiz} · {self.user}"

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    def is_past_deadline(self, now=None):
        return self.deadline is not None and (now or timezone.now()) > self.deadline

    def remaining_seconds(self, now=None):
        if self.deadline is None:
            return None
        return max(0, int((self.deadline - (now or timezone.now())).total_seconds()))

    @property
    def question_count(self):
        return len(self.question_ids)

    @property
    def effective_pass_mark(self):
        """The pass mark the attempt started under (the quiz's own for attempts made before)."""
        return self.quiz.pass_mark if self.pass_mark is None else self.pass_mark

    def has_passed_quiz(self):
        """This attempt passed, or the same person passed the quiz in another attempt."""
        return bool(self.passed) or (
            Attempt.objects.graded()
            .filter(user_id=self.user_id, quiz_id=self.quiz_id, passed=True)
            .exists()
        )

    def review_level(self):
        """What the result may show: "score", "right_wrong" or "explanations"."""
        policy = self.quiz.review_policy
        if policy == Quiz.Review.ONCE_PASSED:
            return "explanations" if self.has_passed_quiz() else "score"
        return {
            Quiz.Review.RIGHT_WRONG: "right_wrong",
            Quiz.Review.EXPLANATIONS: "explanations",
        }.get(policy, "score")


class Answer(models.Model):
    """The choices a learner picked for one question of an attempt, saved as they go."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    # PROTECT: an answered question is part of someone's record; it is retired, not deleted.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choices = models.ManyToManyField(Choice, through="AnswerChoice", related_name="+")
    # Set when the attempt is graded, never before.
    is_correct = models.BooleanField(null=True)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="quizzes_one_answer_per_question"
            )
        ]

    def __str__(self):
        return f"{self.attempt_id} · {self.question_id}"


class AnswerChoice(models.Model):
    """A choice picked in an answer; a table rather than JSON so statistics count in SQL."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="picks")
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, related_name="picks")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "choice"], name="quizzes_pick_once")
        ]

    def __str__(self):
        return f"{self.answer_id} · {self.choice_id}"

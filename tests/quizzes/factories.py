import factory

from quizzes.models import (
    Choice,
    DrawRule,
    Question,
    QuestionTag,
    Quiz,
    QuizQuestion,
    TaggedQuestion,
)


class QuestionTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionTag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"主题{n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question with choices; pass right="A" / "AC" and choices=[...] to shape it."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    kind = Question.Kind.SINGLE
    stem = factory.Sequence(lambda n: f"示例题目{n}：下列哪项正确？")
    explanation = "解析：示例解释。依据：《中华人民共和国消防法》第二条"
    difficulty = 2

    @classmethod
    def _create(cls, model_class, *args, choices=None, right="A", tags=(), **kwargs):
        question = super()._create(model_class, *args, **kwargs)
        kind = kwargs.get("kind", Question.Kind.SINGLE)
        if choices is None:
            choices = (
                ["正确", "错误"] if kind == Question.Kind.TRUE_FALSE else ["甲", "乙", "丙", "丁"]
            )
        for position, text in enumerate(choices):
            Choice.objects.create(
                question=question,
                text=text,
                is_correct="ABCDEFGH"[position] in right,
                sort_order=position,
            )
        for name in tags:
            TaggedQuestion.objects.create(
                content_object=question, tag=QuestionTagFactory(name=name)
            )
        return question


class QuizFactory(factory.django.DjangoModelFactory):
    """A quiz; questions=[...] fixes them in order, draws=[(tag, n)] adds random draws."""

    class Meta:
        model = Quiz
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"示例测验{n}")
    slug = factory.Sequence(lambda n: f"quiz-{n}")
    pass_mark = 60

    @classmethod
    def _create(cls, model_class, *args, questions=(), draws=(), **kwargs):
        quiz = super()._create(model_class, *args, **kwargs)
        for position, question in enumerate(questions):
            QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=position)
        for position, (tag, count) in enumerate(draws):
            DrawRule.objects.create(
                quiz=quiz, tag=QuestionTagFactory(name=tag), count=count, sort_order=position
            )
        return quiz

"""A small district with every kind of record, for the backup and export tests."""

from courses import services as courses
from quizzes import services as quizzes
from tests.courses.conftest import make_course
from tests.courses.factories import CourseIndexPageFactory
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.quizzes.conftest import right_answers
from tests.quizzes.factories import QuestionFactory, QuizFactory

FORMULA_NAME = '=HYPERLINK("http://example.com","点我")'


def seed_records(home_page, people=3):
    """People in a unit who finished a certified course and passed a quiz; one is a formula."""
    district = OrganisationFactory(name="青浦区", kind="district")
    unit = OrganisationFactory(name="示例商场", kind="unit", parent=district)
    course = make_course(
        CourseIndexPageFactory(parent=home_page),
        lessons=2,
        slug="yearly",
        has_certificate=True,
        validity_months=12,
    )
    quiz = QuizFactory(questions=[QuestionFactory(kind="single", right="A") for _ in range(2)])
    names = [FORMULA_NAME] + [f"示例学员{number}" for number in range(1, people)]
    for name in names:
        person = UserFactory(name=name)
        MembershipFactory(user=person, organisation=unit, role="staff")
        courses.start_course(person, course)
        for lesson in course.get_lessons():
            courses.complete_lesson(person, lesson)
        attempt = quizzes.start_attempt(person, quiz)
        quizzes.submit_attempt(attempt, right_answers(attempt))
    return {"district": district, "unit": unit, "course": course, "quiz": quiz}

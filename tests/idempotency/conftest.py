from tests.quizzes.conftest import make_quiz  # noqa: F401 - fixtures shared with these tests
from tests.reports.conftest import coordinator_of, small_district  # noqa: F401

import pytest

from courses.models import LessonPage
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory, LessonPageFactory
from tests.quizzes.factories import QuizFactory

EXTINGUISHER_TEXT = (
    "<p>手提式灭火器的使用方法：提起灭火器，拔掉保险销，握住喷管，压下压把，对准火焰根部扫射。</p>"
)


def paragraph(text):
    return [{"type": "paragraph", "value": text}]


@pytest.fixture
def course(home_page):
    index = CourseIndexPageFactory(parent=home_page)
    return CoursePageFactory(
        parent=index, title="灭火器的选择与使用", slug="extinguishers", summary="认识常见灭火器。"
    )


@pytest.fixture
def extinguisher_page(course):
    lesson = LessonPageFactory(
        parent=course, title="手提式灭火器", slug="portable", body=paragraph(EXTINGUISHER_TEXT)
    )
    return LessonPage.objects.get(pk=lesson.pk)


@pytest.fixture
def quiz_lesson(course):
    # Quiz lessons repeat the topic's words over and over; they still come last.
    return LessonPageFactory(
        parent=course,
        title="结业测验",
        slug="final-quiz",
        kind=LessonPage.Kind.QUIZ,
        quiz=QuizFactory(),
        body=paragraph("<p>" + "灭火器 保险销 灭火器 压把 灭火器 " * 20 + "</p>"),
    )


def result_titles(response):
    return [result.title for result in response.context["page_obj"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["灭火器", "保险销", "手提式灭火器", "火焰根部", "灭火器 使用方法"]
)
def test_chinese_words_inside_a_sentence_are_found(client, extinguisher_page, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert extinguisher_page.title in result_titles(response)


@pytest.mark.django_db
def test_a_word_not_in_the_text_finds_nothing(client, extinguisher_page):
    response = client.get("/search/", {"q": "消控室"})
    assert result_titles(response) == []
    assert "没有找到" in response.content.decode()


@pytest.mark.django_db
def test_draft_changes_are_not_searchable(client, extinguisher_page):
    draft = LessonPage.objects.get(pk=extinguisher_page.pk)
    draft.title = "草稿标题"
    draft.body = [{"type": "paragraph", "value": "<p>尚未发布的电动自行车内容</p>"}]
    draft.save_revision()  # saved, not published
    assert result_titles(client.get("/search/", {"q": "电动自行车"})) == []


@pytest.mark.django_db
def test_unpublished_pages_are_not_found(client, extinguisher_page):
    extinguisher_page.unpublish()
    assert extinguisher_page.title not in result_titles(client.get("/search/", {"q": "保险销"}))


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "   ", "的", "？！，"])
def test_empty_or_meaningless_query_shows_the_empty_state(client, extinguisher_page, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert response.context["page_obj"] is None


@pytest.mark.django_db
def test_a_very_long_query_is_cut_and_answered_normally(client, extinguisher_page):
    response = client.get("/search/", {"q": "灭火器" * 5_000})
    assert response.status_code == 200
    assert len(response.context["query"]) == 200
    assert "200" in response.content.decode()
    assert extinguisher_page.title in result_titles(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE wagtailcore_page; --",
        '"灭火器" OR 1=1',
        "<script>alert('x')</script>",
        "灭火器 NEAR(a b) * ^ : - + ( ) { } ~",
        "%_\\",
    ],
)
def test_metacharacters_get_a_normal_escaped_page(client, extinguisher_page, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert" not in page
    assert LessonPage.objects.filter(pk=extinguisher_page.pk).exists()


@pytest.mark.django_db
def test_search_runs_a_fixed_number_of_queries(
    client, extinguisher_page, django_assert_max_num_queries
):
    client.get("/search/", {"q": "灭火器"})
    with django_assert_max_num_queries(10):
        client.get("/search/", {"q": "灭火器"})


@pytest.mark.django_db
def test_courses_come_before_lessons_and_quiz_lessons_last(
    client, home_page, course, extinguisher_page, quiz_lesson
):
    home_page.body = paragraph("<p>灭火器怎么用？看这里。</p>")
    home_page.save_revision().publish()
    titles = result_titles(client.get("/search/", {"q": "灭火器"}))
    assert titles == [course.title, extinguisher_page.title, quiz_lesson.title]


@pytest.mark.django_db
def test_the_home_page_is_never_a_result(client, home_page):
    home_page.body = paragraph(EXTINGUISHER_TEXT)
    home_page.save_revision().publish()
    response = client.get("/search/", {"q": "灭火器"})
    assert result_titles(response) == []
    assert "没有找到" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["xyzzy不存在", "灭火器 xyzzy", "灭火器 消控室"])
def test_every_word_must_match_so_nonsense_finds_nothing(client, extinguisher_page, query):
    response = client.get("/search/", {"q": query})
    page = response.content.decode()
    assert result_titles(response) == []
    assert "没有找到" in page
    assert "找到 " not in page.replace("没有找到", "")


@pytest.mark.django_db
def test_a_lesson_result_names_its_course_and_marks_the_words(client, extinguisher_page, course):
    page = client.get("/search/", {"q": "保险销"}).content.decode()
    lesson_result = page[page.index(f'href="{extinguisher_page.url}"') :]
    lesson_result = lesson_result[: lesson_result.index("</li>")]
    assert course.title in lesson_result
    assert "<mark>保险销</mark>" in lesson_result
    assert "拔掉" in lesson_result


@pytest.mark.django_db
def test_the_snippet_escapes_the_page_text(client, course):
    LessonPageFactory(
        parent=course,
        title="转义",
        slug="escape",
        body=paragraph("<p>灭火器 &lt;b&gt;粗&lt;/b&gt;</p>"),
    )
    page = client.get("/search/", {"q": "灭火器"}).content.decode()
    assert "<b>粗" not in page
    assert "&lt;b&gt;粗" in page


@pytest.mark.django_db
def test_within_a_kind_a_title_holding_the_words_comes_first(client, course, extinguisher_page):
    other = LessonPageFactory(
        parent=course, title="第二课", slug="second", body=paragraph("<p>使用灭火器前先报警。</p>")
    )
    assert result_titles(client.get("/search/", {"q": "灭火器 使用"}))[1:] == [
        extinguisher_page.title,
        other.title,
    ]


@pytest.mark.django_db
def test_a_trade_term_is_not_found_through_its_parts(client, course):
    LessonPageFactory(
        parent=course, title="第三课", slug="third", body=paragraph("<p>灭火毯的用法。</p>")
    )
    assert "第三课" not in result_titles(client.get("/search/", {"q": "灭火器"}))


@pytest.mark.django_db
def test_courses_and_snippets_do_not_cost_a_query_per_result(
    client, course, django_assert_max_num_queries
):
    for number in range(8):
        LessonPageFactory(
            parent=course, title=f"课{number}", slug=f"l{number}", body=paragraph(EXTINGUISHER_TEXT)
        )
    client.get("/search/", {"q": "保险销"})
    with django_assert_max_num_queries(10):
        response = client.get("/search/", {"q": "保险销"})
    assert len(result_titles(response)) == 8

import pytest

from home.models import HomePage

EXTINGUISHER_TEXT = (
    "<p>手提式灭火器的使用方法：提起灭火器，拔掉保险销，握住喷管，压下压把，对准火焰根部扫射。</p>"
)


@pytest.fixture
def extinguisher_page(home_page):
    home_page.body = [{"type": "paragraph", "value": EXTINGUISHER_TEXT}]
    home_page.save_revision().publish()
    return HomePage.objects.get(pk=home_page.pk)


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
    draft = HomePage.objects.get(pk=extinguisher_page.pk)
    draft.title = "草稿标题"
    draft.body = [{"type": "paragraph", "value": "<p>尚未发布的电动自行车内容</p>"}]
    draft.save_revision()  # saved, not published
    assert result_titles(client.get("/search/", {"q": "电动自行车"})) == []


@pytest.mark.django_db
def test_unpublished_pages_are_not_found(client, extinguisher_page):
    extinguisher_page.unpublish()
    assert result_titles(client.get("/search/", {"q": "灭火器"})) == []


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "   ", "的", "？！，"])
def test_empty_or_meaningless_query_shows_the_empty_state(client, extinguisher_page, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert response.context["page_obj"] is None


@pytest.mark.django_db
def test_a_very_long_query_is_cut_and_answered_normally(client, extinguisher_page):
    response = client.get("/search/", {"q": "灭火器" + "火" * 10_000})
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
    assert HomePage.objects.filter(pk=extinguisher_page.pk).exists()


@pytest.mark.django_db
def test_search_runs_a_fixed_number_of_queries(
    client, extinguisher_page, django_assert_max_num_queries
):
    client.get("/search/", {"q": "灭火器"})
    with django_assert_max_num_queries(10):
        client.get("/search/", {"q": "灭火器"})

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdf
import pytest

from handbooks.blocks import CheckPointBlock, HandbookSectionBlock
from handbooks.models import HandbookIndexPage, HandbookPage
from home.models import HomePage

from .builders import make_handbook


@pytest.mark.django_db
def test_index_lists_published_handbooks_only(client, handbook_index, handbook):
    make_handbook(handbook_index, slug="draft", title="草稿手册", publish=False)
    response = client.get("/handbooks/")
    assert response.status_code == 200
    text = response.content.decode()
    assert handbook.title in text
    assert "草稿手册" not in text


@pytest.mark.django_db
def test_unpublished_handbook_is_404_to_the_public(client, handbook_index):
    make_handbook(handbook_index, slug="draft", title="草稿手册", publish=False)
    assert client.get("/handbooks/draft/").status_code == 404
    assert client.get("/handbooks/draft/print/").status_code == 404


@pytest.mark.django_db
def test_handbook_page_shows_sections_and_check_points(client, handbook):
    response = client.get(handbook.url)
    text = response.content.decode()
    assert response.status_code == 200
    expected = ("消防车通道", "消防控制室", "不得占用", "GB 25506-2010 4.2", "检查方法")
    for words in expected:
        assert words in text
    assert response.context["checkpoint_count"] == 2


@pytest.mark.django_db
def test_print_view_is_a_clean_a4_page_with_a_break_between_sections(client, handbook):
    response = client.get(f"{handbook.url}print/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "handbooks/print.css" in text
    assert text.count('class="print-section"') == 2
    assert "site-header" not in text  # no site navigation on paper
    assert "□ 符合" in text
    css = (Path(__file__).resolve().parents[2] / "handbooks/static/handbooks/print.css").read_text()
    assert "size: A4" in css
    assert "break-before: page" in css


@pytest.mark.django_db
def test_pdf_download_contains_the_chinese_check_points(client, handbook):
    response = client.get(f"{handbook.url}pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "大型商业综合体消防安全检查要点" in text
    assert "消防车通道是否被占用、堵塞、封闭" in text
    assert "值班人数和持证情况" in text
    assert "检查方法" in text  # labels in Chinese too
    assert len(reader.pages) >= 2  # a new page for the second section


@pytest.mark.django_db
def test_qr_code_is_an_svg_of_the_page_address(client, handbook):
    response = client.get(f"{handbook.url}qr/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert root.tag.endswith("svg")


@pytest.mark.django_db
def test_handbook_has_description_and_open_graph_tags(client, handbook):
    text = client.get(handbook.url).content.decode()
    assert '<meta name="description" content="本手册适用于大型商业综合体。">' in text
    assert f'<meta property="og:title" content="{handbook.title}">' in text
    assert 'property="og:url" content="http://testserver/handbooks/shopping-complex/"' in text


@pytest.mark.django_db
def test_search_finds_a_word_inside_a_check_point(client, handbook):
    response = client.get("/search/", {"q": "隔离桩"})
    assert [result.title for result in response.context["page_obj"]] == [handbook.title]


@pytest.mark.django_db
def test_related_pages_that_are_unpublished_are_not_linked(client, handbook_index, handbook):
    draft = make_handbook(handbook_index, slug="draft", title="草稿手册", publish=False)
    handbook.related_pages = [
        {"type": "page", "value": draft.pk},
        {"type": "page", "value": handbook_index.pk},
    ]
    handbook.save_revision().publish()
    text = client.get(handbook.url).content.decode()
    assert "草稿手册" not in text
    assert f'href="{handbook_index.url}"' in text


@pytest.mark.django_db
def test_page_tree_is_home_then_index_then_handbooks(home_page, handbook_index):
    assert HandbookIndexPage.can_create_at(home_page) is False  # only one index
    assert HandbookPage.can_create_at(handbook_index)
    assert not HandbookPage.can_create_at(home_page)
    assert HandbookIndexPage.allowed_subpage_models() == [HandbookPage]
    assert HandbookIndexPage in HomePage.allowed_subpage_models()


def test_blocks_describe_themselves_for_the_block_picker():
    for block in (CheckPointBlock(), HandbookSectionBlock()):
        assert block.meta.icon
        assert block.meta.template
        assert str(block.meta.label)
        assert block.meta.preview_value


@pytest.mark.django_db
def test_handbook_pages_have_a_fixed_number_of_queries(
    client, handbook_index, handbook, django_assert_max_num_queries
):
    for number in range(5):
        make_handbook(handbook_index, slug=f"extra-{number}", title=f"手册{number}")
    with django_assert_max_num_queries(15):
        assert client.get("/handbooks/").status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(handbook.url).status_code == 200

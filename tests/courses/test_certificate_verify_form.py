import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from wagtail.models import Site

from courses import services
from courses.models import Certificate, CoursePage
from home.models import FooterSettings


@pytest.fixture
def certificate(course, responsible):
    CoursePage.objects.filter(pk=course.pk).update(credit_hours=Decimal("2.5"))
    for lesson in course.get_lessons():
        services.complete_lesson(responsible, lesson)
    return Certificate.objects.get(user=responsible)


def _pdf_text(response):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.mark.django_db
def test_certificate_pdf_names_the_issuer_and_the_credit_hours(client, certificate, responsible):
    FooterSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True), defaults={"organiser": "青浦区消防救援局"}
    )
    client.force_login(responsible)
    text = _pdf_text(client.get(f"/learn/certificates/{certificate.code}.pdf"))
    assert "青浦区消防救援局" in text
    assert "学时" in text and "2.5" in text


@pytest.mark.django_db
def test_certificate_pdf_without_an_organiser_still_has_hours(client, certificate, responsible):
    client.force_login(responsible)
    response = client.get(f"/learn/certificates/{certificate.code}.pdf")
    assert response.status_code == 200
    text = _pdf_text(response)
    assert "学时" in text and "颁发单位" not in text


@pytest.mark.django_db
def test_verify_alone_is_a_form_to_type_a_code(client, home_page):
    response = client.get("/certificates/verify/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'method="get"' in page and 'name="code"' in page
    assert '<label for="verify-code">' in page


@pytest.mark.django_db
def test_the_form_goes_to_the_codes_page_normalised(client, certificate):
    response = client.get("/certificates/verify/", {"code": f"  {certificate.code.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == f"/certificates/verify/{certificate.code}/"
    assert "张*明" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_a_blank_code_is_a_400_with_the_box_and_a_chinese_message(client, home_page):
    response = client.get("/certificates/verify/", {"code": "   "})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'name="code"' in page and "请输入证书上印的验证码" in page


@pytest.mark.parametrize("code", ["ABCDEFGHJKMN", "<script>x</script>", "x" * 500, "证书"])
@pytest.mark.django_db
def test_a_bad_code_is_a_404_page_with_the_box(client, home_page, code):
    response = client.get("/certificates/verify/", {"code": code}, follow=True)
    assert response.status_code == 404
    page = response.content.decode()
    assert "未找到该证书" in page
    assert 'name="code"' in page and 'action="/certificates/verify/"' in page
    assert "<script>x" not in page


@pytest.mark.django_db
def test_a_known_code_page_has_no_box(client, certificate):
    page = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    assert 'name="code"' not in page

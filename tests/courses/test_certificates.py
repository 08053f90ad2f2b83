import io
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from courses import services
from courses.models import Certificate
from tests.factories import UserFactory


@pytest.fixture
def certificate(course, responsible):
    for lesson in course.get_lessons():
        services.complete_lesson(responsible, lesson)
    return Certificate.objects.get(user=responsible)


@pytest.mark.django_db
def test_certificate_pdf_has_the_chinese_name_course_and_verification_link(
    client, certificate, responsible
):
    client.force_login(responsible)
    response = client.get(f"/learn/certificates/{certificate.code}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "张三明" in text
    assert certificate.course_title in text
    assert certificate.code in text
    assert f"/certificates/verify/{certificate.code}/" in text


@pytest.mark.django_db
def test_another_persons_certificate_pdf_is_not_found(client, certificate):
    client.force_login(UserFactory())
    assert client.get(f"/learn/certificates/{certificate.code}.pdf").status_code == 404


@pytest.mark.django_db
def test_verification_shows_masked_name_course_dates_and_validity(client, certificate):
    response = client.get(f"/certificates/verify/{certificate.code}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "张*明" in page and "张三明" not in page
    assert certificate.course_title in page
    assert "有效" in page


@pytest.mark.django_db
def test_verification_of_an_expired_certificate_says_so(client, certificate):
    with time_machine.travel(datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=400)):
        page = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    assert "已过期" in page


@pytest.mark.django_db
def test_admin_revokes_with_a_reason_that_verification_shows(client, certificate):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.post(
        f"/admin/certificate/edit/{certificate.pk}/",
        {"revoked_reason": "培训记录不实"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    page = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    assert "已撤销" in page and "培训记录不实" in page


@pytest.mark.django_db
def test_unknown_code_gets_a_page_saying_so_in_the_same_time(client, certificate):
    def timed(code):
        start = time.perf_counter()
        response = client.get(f"/certificates/verify/{code}/")
        return response, time.perf_counter() - start

    for _ in range(3):  # warm up templates and connections
        timed(certificate.code)
        timed("ABCDEFGHJKMN")
    known = sorted(timed(certificate.code)[1] for _ in range(15))[7]
    unknown_response, _ = timed("ABCDEFGHJKMN")
    unknown = sorted(timed("ABCDEFGHJKMN")[1] for _ in range(15))[7]
    assert unknown_response.status_code == 404
    assert "未找到该证书" in unknown_response.content.decode()
    # Same work either way: one indexed lookup and one template. Generous bound for CI noise.
    assert unknown < known * 3 and known < unknown * 3


@pytest.mark.django_db
def test_a_malicious_code_is_just_not_found(client):
    response = client.get("/certificates/verify/%3Cscript%3Ealert(1)%3C%2Fscript%3E/")
    assert response.status_code == 404
    assert "<script>alert(1)" not in response.content.decode()

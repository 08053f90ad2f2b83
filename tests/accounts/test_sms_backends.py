"""The SMS backends: console to the log, in-memory for tests, Aliyun signed as documented."""

import json
import logging
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from django.core.exceptions import ImproperlyConfigured

from accounts import sms
from accounts.sms.backends import aliyun

ALIYUN = {
    "access_key_id": "testId",
    "access_key_secret": "testSecret",
    "sign_name": "消防学习",
    "region": "cn-hangzhou",
    "endpoint": "dysmsapi.aliyuncs.com",
    "templates": {"verification_code": "SMS_100001", "registration_attempt": "SMS_100002"},
}


class FakeTransport:
    """Records the URL it is asked for and answers like Aliyun; never touches the network."""

    def __init__(self, status=200, body=None):
        self.status = status
        self.body = json.dumps(body or {"Code": "OK", "Message": "OK", "BizId": "9876^0"})
        self.urls = []

    def __call__(self, url, timeout):
        self.urls.append(url)
        return self.status, self.body


def aliyun_backend(settings, transport):
    settings.SMS_ALIYUN = ALIYUN
    return aliyun.SmsBackend(
        transport=transport,
        now=lambda: datetime(2026, 12, 2, 1, 2, 3, tzinfo=UTC),
        nonce=lambda: "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    )


def test_in_memory_backend_keeps_messages_in_the_outbox(sms_outbox):
    sms.send_sms("13912345678", "verification_code", code="123456", minutes=5)
    assert len(sms_outbox) == 1
    assert sms_outbox[0].phone == "13912345678"
    assert "123456" in sms_outbox[0].text


def test_console_backend_writes_the_message_to_the_log(settings, caplog):
    settings.SMS_BACKEND = "accounts.sms.backends.console.SmsBackend"
    with caplog.at_level(logging.INFO, logger="accounts.sms"):
        sms.send_sms("13912345678", "verification_code", code="654321", minutes=5)
    assert "13912345678" in caplog.text
    assert "654321" in caplog.text


def test_console_is_the_default_backend():
    from config.settings import base

    assert base.SMS_BACKEND == "accounts.sms.backends.console.SmsBackend"


def test_unknown_template_is_refused(sms_outbox):
    with pytest.raises(ValueError):
        sms.send_sms("13912345678", "free text")
    assert sms_outbox == []


def test_aliyun_signature_matches_the_documented_example():
    # The worked example of Aliyun's SMS signature documentation (签名机制), byte for byte.
    params = {
        "AccessKeyId": "testId",
        "Action": "SendSms",
        "Format": "XML",
        "OutId": "123",
        "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou",
        "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }
    assert aliyun.sign(params, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_aliyun_signature_matches_the_rpc_example():
    # Aliyun's general RPC signature example (ECS DescribeRegions).
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert aliyun.sign(params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_percent_encoding_is_rfc_3986():
    assert aliyun.percent_encode("a b*c~d+e/f") == "a%20b%2Ac~d%2Be%2Ff"
    assert aliyun.percent_encode("消") == "%E6%B6%88"


def test_aliyun_request_carries_the_template_and_a_valid_signature(settings):
    transport = FakeTransport()
    backend = aliyun_backend(settings, transport)
    message = sms.SmsMessage("13912345678", "verification_code", {"code": "123456", "minutes": 5})
    backend.send(message)
    (url,) = transport.urls
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "dysmsapi.aliyuncs.com", "/")
    assert "+" not in parts.query  # spaces and plus signs are %-encoded, as signed
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert query["Action"] == "SendSms"
    assert query["PhoneNumbers"] == "13912345678"
    assert query["TemplateCode"] == "SMS_100001"
    assert query["SignName"] == "消防学习"
    assert json.loads(query["TemplateParam"]) == {"code": "123456", "minutes": "5"}
    assert query["Timestamp"] == "2026-12-02T01:02:03Z"
    signature = query.pop("Signature")
    assert signature == aliyun.sign(query, "testSecret")
    # Any change to what was signed gives another signature.
    assert signature != aliyun.sign({**query, "PhoneNumbers": "13900000000"}, "testSecret")


def test_aliyun_message_without_parameters_sends_no_template_param(settings):
    transport = FakeTransport()
    aliyun_backend(settings, transport).send(sms.SmsMessage("13912345678", "registration_attempt"))
    query = parse_qs(urlsplit(transport.urls[0]).query)
    assert query["TemplateCode"] == ["SMS_100002"]
    assert "TemplateParam" not in query


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控"}),
        (400, {"Code": "SignatureDoesNotMatch", "Message": "bad"}),
        (502, None),
    ],
)
def test_aliyun_refusal_raises_and_does_not_log_the_full_number(settings, caplog, status, body):
    transport = FakeTransport(status=status, body=body)
    if body is None:
        transport.body = "<html>bad gateway</html>"
    backend = aliyun_backend(settings, transport)
    with pytest.raises(sms.SmsSendError):
        backend.send(sms.SmsMessage("13912345678", "registration_attempt"))
    assert "13912345678" not in caplog.text


def test_aliyun_unreachable_raises(settings):
    def broken(url, timeout):
        raise ConnectionError("no route")

    backend = aliyun_backend(settings, broken)
    with pytest.raises(sms.SmsSendError):
        backend.send(sms.SmsMessage("13912345678", "registration_attempt"))


def test_aliyun_without_keys_is_a_configuration_error(settings):
    settings.SMS_ALIYUN = {**ALIYUN, "access_key_secret": ""}
    with pytest.raises(ImproperlyConfigured):
        aliyun.SmsBackend(transport=FakeTransport())


def test_aliyun_settings_come_from_the_environment(monkeypatch):
    import importlib

    from config.settings import base

    monkeypatch.setenv("SMS_BACKEND", "accounts.sms.backends.aliyun.SmsBackend")
    monkeypatch.setenv("SMS_ALIYUN_ACCESS_KEY_ID", "id-from-env")
    monkeypatch.setenv("SMS_ALIYUN_TEMPLATE_CODE", "SMS_42")
    try:
        reloaded = importlib.reload(base)
        assert reloaded.SMS_BACKEND == "accounts.sms.backends.aliyun.SmsBackend"
        assert reloaded.SMS_ALIYUN["access_key_id"] == "id-from-env"
        assert reloaded.SMS_ALIYUN["templates"]["verification_code"] == "SMS_42"
    finally:
        monkeypatch.undo()
        importlib.reload(base)


def test_production_without_a_sending_backend_is_warned(settings):
    from accounts.checks import sms_backend_sends_in_production

    settings.IS_PRODUCTION = True
    settings.SMS_BACKEND = "accounts.sms.backends.console.SmsBackend"
    assert [warning.id for warning in sms_backend_sends_in_production(None)] == ["accounts.W001"]
    settings.SMS_BACKEND = "accounts.sms.backends.aliyun.SmsBackend"
    assert sms_backend_sends_in_production(None) == []
    settings.IS_PRODUCTION = False
    settings.SMS_BACKEND = "accounts.sms.backends.console.SmsBackend"
    assert sms_backend_sends_in_production(None) == []

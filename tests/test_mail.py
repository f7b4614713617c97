"""Mailing the digest to a real SMTP server on loopback, and what goes wrong in Vietnamese."""

from __future__ import annotations

import socket
from datetime import date

import pytest
from typer.testing import CliRunner

from dumon.cli import app
from dumon.errors import MailError
from dumon.output.mail import mail_digest
from dumon.settings import MailSettings
from support.store import Doc

HTML = "<p>&lt;script&gt;alert(1)&lt;/script&gt; Tin đầu</p>"
TEXT = "<script>alert(1)</script> Tin đầu\n"


def _settings(server, **kw) -> MailSettings:
    values = {
        "host": server.host,
        "port": server.port,
        "security": "none",
        "sender": "diemtin@so.example.vn",
        "recipients": ("giamdoc@so.example.vn", "vanphong@so.example.vn"),
        "timeout": 5.0,
    }
    values.update(kw)
    return MailSettings(**values)


def test_digest_arrives_with_subject_recipients_and_both_parts(smtp_server):
    sent = mail_digest(_settings(smtp_server), day=date(2026, 11, 28), text=TEXT, html=HTML, env={})
    assert sent == 2
    [received] = smtp_server.messages
    assert received.rcpt_tos == ["giamdoc@so.example.vn", "vanphong@so.example.vn"]
    assert received.mail_from == "diemtin@so.example.vn"
    message = received.message
    assert message["Subject"] == "Điểm tin báo chí ngày 28/11/2026"
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert plain.strip() == TEXT.strip()
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_login_comes_from_the_named_environment_variables(smtp_server):
    smtp_server.require_login("vanthu", "mật-khẩu-1")
    settings = _settings(
        smtp_server, username_env="DUMON_SMTP_USER", password_env="DUMON_SMTP_PASSWORD"
    )
    env = {"DUMON_SMTP_USER": "vanthu", "DUMON_SMTP_PASSWORD": "mật-khẩu-1"}
    mail_digest(settings, day=date(2026, 11, 28), text=TEXT, html=HTML, env=env)
    assert smtp_server.messages[0].logins == ["vanthu"]


def test_wrong_password_is_a_clear_mail_error(smtp_server):
    smtp_server.require_login("vanthu", "đúng")
    settings = _settings(smtp_server, username_env="U", password_env="P")
    with pytest.raises(MailError) as caught:
        mail_digest(
            settings, day=date(2026, 11, 28), text=TEXT, html=HTML, env={"U": "vanthu", "P": "sai"}
        )
    assert "từ chối tên đăng nhập/mật khẩu" in caught.value.message
    assert smtp_server.messages == []


def test_missing_credentials_variable_is_named(smtp_server):
    settings = _settings(smtp_server, username_env="U", password_env="DUMON_SMTP_PASSWORD")
    with pytest.raises(MailError) as caught:
        mail_digest(settings, day=date(2026, 11, 28), text=TEXT, html=HTML, env={"U": "x"})
    assert "DUMON_SMTP_PASSWORD" in caught.value.message


def test_starttls_against_a_server_without_it_says_what_to_change(smtp_server):
    with pytest.raises(MailError) as caught:
        mail_digest(
            _settings(smtp_server, security="starttls"),
            day=date(2026, 11, 28),
            text=TEXT,
            html=HTML,
            env={},
        )
    assert "STARTTLS" in caught.value.message and "security" in caught.value.message


def test_no_server_listening_is_a_connection_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends: nobody listens
    settings = MailSettings(
        host="127.0.0.1",
        port=port,
        security="none",
        sender="a@b.vn",
        recipients=("c@d.vn",),
        timeout=2.0,
    )
    with pytest.raises(MailError) as caught:
        mail_digest(settings, day=date(2026, 11, 28), text=TEXT, html=HTML, env={})
    assert "Không kết nối được máy chủ thư" in caught.value.message


def test_cli_send_mails_the_html_digest_with_a_text_part(smtp_server, make_store, isolated_home):
    make_store(
        [
            Doc(
                "Trường THPT <b>A</b> khai giảng",
                "Báo Ninh Bình",
                "2026-11-27 09:00",
                units=("Trường THPT A Trần Hưng Đạo",),
            )
        ]
    )
    (isolated_home / "settings.yaml").write_text(
        "mail:\n"
        f"  host: {smtp_server.host}\n"
        f"  port: {smtp_server.port}\n"
        "  security: none\n"
        "  from: diemtin@so.example.vn\n"
        "  recipients: [giamdoc@so.example.vn]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["digest", "--date", "2026-11-28", "--send"])
    assert result.exit_code == 0, result.output
    assert "Đã gửi điểm tin tới 1 địa chỉ." in result.stdout
    message = smtp_server.messages[0].message
    html = message.get_body(("html",)).get_content()
    assert "Trường THPT &lt;b&gt;A&lt;/b&gt; khai giảng" in html
    assert "Trường THPT <b>A</b> khai giảng" in message.get_body(("plain",)).get_content()


def test_cli_send_without_mail_settings_explains_the_fix(make_store):
    make_store([])
    result = CliRunner().invoke(app, ["digest", "--date", "2026-11-28", "--send"])
    assert result.exit_code == 1
    assert "Lỗi: Chưa cấu hình gửi thư" in result.stderr

"""settings.yaml: defaults when absent, every mistake named with its line, no passwords."""

from __future__ import annotations

import pytest

from dumon.errors import ConfigError
from dumon.settings import DEFAULT_DEPARTMENT, load_settings


def _write(tmp_path, text: str):
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_means_the_defaults(tmp_path):
    settings = load_settings(tmp_path / "settings.yaml")
    assert settings.department == DEFAULT_DEPARTMENT
    assert settings.digest_hour == 7 and settings.mail is None
    assert settings.health.silent_after_days == 7


def test_a_full_file_loads(tmp_path):
    path = _write(
        tmp_path,
        "department: Sở GDĐT Ninh Bình\n"
        "digest_hour: 6\n"
        "timezone: Asia/Ho_Chi_Minh\n"
        "mail:\n"
        "  host: mail.example.vn\n"
        "  security: ssl\n"
        "  from: diemtin@example.vn\n"
        "  recipients:\n"
        "    - giamdoc@example.vn\n"
        "    - vanphong@example.vn\n"
        "  username_env: DUMON_SMTP_USER\n"
        "  password_env: DUMON_SMTP_PASSWORD\n"
        "health:\n"
        "  silent_after_days: 3\n",
    )
    settings = load_settings(path)
    assert settings.department == "Sở GDĐT Ninh Bình" and settings.digest_hour == 6
    mail = settings.mail
    assert (mail.host, mail.port, mail.security) == ("mail.example.vn", 465, "ssl")
    assert mail.recipients == ("giamdoc@example.vn", "vanphong@example.vn")
    assert (mail.username_env, mail.password_env) == ("DUMON_SMTP_USER", "DUMON_SMTP_PASSWORD")
    assert settings.health.silent_after_days == 3 and settings.health.disable_after_days == 14


def test_a_password_in_the_file_is_refused_with_the_fix(tmp_path):
    path = _write(
        tmp_path,
        "mail:\n  host: mail.example.vn\n  from: a@example.vn\n  recipients: [b@example.vn]\n"
        "  password: bimat123\n",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.line == 5
    assert "password_env" in caught.value.message and "biến môi trường" in caught.value.message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("department: Sở\nemail: a@b.vn\n", 2, "khóa không hợp lệ 'email'"),
        ("digest_hour: 25\n", 1, "digest_hour"),
        ("mail:\n  host: h\n  from: a@b.vn\n  recipients: []\n", 4, "recipients"),
        ("mail:\n  host: h\n  from: khong-phai-thu\n  recipients: [a@b.vn]\n", 3, "địa chỉ thư"),
        (
            "mail:\n  host: h\n  from: a@b.vn\n  recipients: [a@b.vn]\n  security: tls\n",
            5,
            "security",
        ),
        ("timezone: Europe/Paris\n", 1, "múi giờ"),
        ("health:\n  silent_after_days: 0\n", 2, "silent_after_days"),
        ("department: [\n", 2, "YAML"),
        ("digest_hour: !!int bảy\n", 1, "giá trị 'bảy' của digest_hour không đọc được"),
        ("mail:\n  hots: mail.example.vn\n", 2, "có lẽ là 'host'"),
    ],
)
def test_mistakes_name_the_line_and_the_problem(tmp_path, text, line, words):
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, text))
    assert caught.value.line == line
    assert words in caught.value.message and "Cách sửa" in caught.value.message


def test_duplicate_keys_and_non_mapping_sections_are_named(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, "digest_hour: 6\ndigest_hour: 7\n"))
    assert caught.value.line == 2 and "lặp lại" in caught.value.problem
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, "department: Sở\nmail: có\n"))
    assert caught.value.line == 2 and "mail" in caught.value.problem


def test_an_empty_file_means_the_defaults(tmp_path):
    assert load_settings(_write(tmp_path, "# chưa cấu hình gì\n")).digest_hour == 7

"""The desk's optional ``settings.yaml``: department name, digest hour, mail and source health.

Loaded into frozen dataclasses; a missing file means the defaults. Every mistake is a
ConfigError naming the file, the line and the fix. Mail credentials are read only from
environment variables whose *names* the file gives, so no password ever sits in a desk that
may be copied, shared or committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dumon.errors import ConfigError

DEFAULT_DEPARTMENT = "Sở Giáo dục và Đào tạo tỉnh Ninh Bình"
SECURITY_MODES = ("starttls", "ssl", "none")
_SECRET_KEYS = {"password", "pass", "passwd", "secret", "mat_khau"}


@dataclass(frozen=True)
class MailSettings:
    """Where and how the digest is mailed; credentials come from the named env variables."""

    host: str
    recipients: tuple[str, ...]
    sender: str
    port: int = 587
    security: str = "starttls"
    username_env: str | None = None
    password_env: str | None = None
    timeout: float = 30.0


@dataclass(frozen=True)
class HealthSettings:
    """When a source counts as silent, and when a failing one is switched off."""

    disable_after_days: int = 14
    silent_after_days: int = 7


@dataclass(frozen=True)
class Settings:
    department: str = DEFAULT_DEPARTMENT
    digest_hour: int = 7
    national_limit: int = 15
    mail: MailSettings | None = None
    health: HealthSettings = field(default_factory=HealthSettings)
    path: Path | None = None


_TOP_KEYS = {"department", "digest_hour", "national_limit", "timezone", "mail", "health"}
_MAIL_KEYS = {
    "host",
    "port",
    "security",
    "from",
    "recipients",
    "username_env",
    "password_env",
    "timeout",
}
_HEALTH_KEYS = {"disable_after_days", "silent_after_days"}


def load_settings(path: Path) -> Settings:
    """Read settings.yaml; the defaults when the file does not exist."""
    if not path.is_file():
        return Settings()
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(path, None, "tệp không phải UTF-8", "lưu lại tệp với mã hóa UTF-8") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ConfigError(
            path,
            mark.line + 1 if mark else None,
            f"sai cú pháp YAML ({exc.problem})",
            "kiểm tra thụt lề (dùng dấu cách, không dùng tab) và dấu ':' sau mỗi khóa",
        ) from None
    if root is None:
        return Settings(path=path)
    top = _mapping(path, root, "tệp", _TOP_KEYS)
    values: dict[str, Any] = {"path": path}
    if "department" in top:
        values["department"] = _text(path, top["department"], "department")
    if "digest_hour" in top:
        values["digest_hour"] = _integer(path, top["digest_hour"], "digest_hour", 0, 23)
    if "national_limit" in top:
        values["national_limit"] = _integer(path, top["national_limit"], "national_limit", 1, 200)
    if "timezone" in top:
        zone = _scalar(path, top["timezone"], "timezone")
        if zone not in ("Asia/Ho_Chi_Minh", "+07:00"):
            raise ConfigError(
                path,
                _line(top["timezone"][1]),
                f"múi giờ '{zone}' không được hỗ trợ",
                "xóa dòng timezone (dumon luôn dùng giờ Việt Nam, Asia/Ho_Chi_Minh)",
            )
    if "mail" in top:
        values["mail"] = _load_mail(path, top["mail"][1])
    if "health" in top:
        health = _mapping(path, top["health"][1], "health", _HEALTH_KEYS)
        values["health"] = HealthSettings(
            **{key: _integer(path, pair, key, 1, 3650) for key, pair in health.items()}
        )
    return Settings(**values)


def _load_mail(path: Path, node: yaml.Node) -> MailSettings:
    fields = _mapping(path, node, "mail", _MAIL_KEYS)
    for required in ("host", "from", "recipients"):
        if required not in fields:
            raise ConfigError(
                path, _line(node), f"mục mail thiếu khóa '{required}'", f"thêm `{required}: …`"
            )
    security = _scalar(path, fields["security"], "security") if "security" in fields else "starttls"
    if security not in SECURITY_MODES:
        raise ConfigError(
            path,
            _line(fields["security"][1]),
            f"security '{security}' không hợp lệ",
            "dùng starttls (cổng 587), ssl (cổng 465) hoặc none (chỉ trong mạng nội bộ)",
        )
    default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
    recipients_node = fields["recipients"][1]
    if isinstance(recipients_node, yaml.ScalarNode):
        recipients = [_text(path, fields["recipients"], "recipients")]
    elif isinstance(recipients_node, yaml.SequenceNode):
        recipients = [_address(path, item) for item in recipients_node.value]
    else:
        recipients = []
    if not recipients:
        raise ConfigError(
            path,
            _line(recipients_node),
            "recipients phải là một danh sách địa chỉ thư",
            "ghi `recipients: [lanhdao@example.vn, vanphong@example.vn]`",
        )
    return MailSettings(
        host=_text(path, fields["host"], "host"),
        port=_integer(path, fields["port"], "port", 1, 65535) if "port" in fields else default_port,
        security=security,
        sender=_address(path, fields["from"][1]),
        recipients=tuple(recipients),
        username_env=_env_name(path, fields, "username_env"),
        password_env=_env_name(path, fields, "password_env"),
        timeout=float(_integer(path, fields["timeout"], "timeout", 1, 600))
        if "timeout" in fields
        else 30.0,
    )


Pair = tuple[yaml.Node, yaml.Node]


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(path: Path, node: yaml.Node, what: str, allowed: set[str]) -> dict[str, Pair]:
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(
            path, _line(node), f"{what} phải là một bảng khóa: giá trị", "viết dạng `khóa: giá trị`"
        )
    out: dict[str, Pair] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key.lower() in _SECRET_KEYS:
            raise ConfigError(
                path,
                _line(key_node),
                f"không được ghi mật khẩu trong tệp (khóa '{key}')",
                "xóa dòng này; đặt mật khẩu vào một biến môi trường, ví dụ DUMON_SMTP_PASSWORD, "
                "và ghi `password_env: DUMON_SMTP_PASSWORD` trong mục mail",
            )
        if key not in allowed:
            raise ConfigError(
                path,
                _line(key_node),
                f"khóa không hợp lệ '{key}' trong {what}",
                f"dùng một trong: {', '.join(sorted(allowed))}",
            )
        if key in out:
            raise ConfigError(path, _line(key_node), f"khóa '{key}' lặp lại", "xóa một trong hai dòng")
        out[key] = (key_node, value_node)
    return out


def _scalar(path: Path, pair: Pair, what: str) -> Any:
    node = pair[1]
    if not isinstance(node, yaml.ScalarNode):
        raise ConfigError(path, _line(node), f"{what} phải là một giá trị đơn", f"ghi `{what}: …`")
    return yaml.safe_load(yaml.serialize(node))


def _text(path: Path, pair: Pair, what: str) -> str:
    value = _scalar(path, pair, what)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(path, _line(pair[1]), f"{what} để trống", f"ghi `{what}: <chữ>`")
    return value.strip()


def _integer(path: Path, pair: Pair, what: str, low: int, high: int) -> int:
    value = _scalar(path, pair, what)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(
            path,
            _line(pair[1]),
            f"giá trị '{value}' của {what} không hợp lệ",
            f"ghi một số nguyên từ {low} đến {high}",
        )
    return value


def _address(path: Path, node: yaml.Node) -> str:
    value = _text(path, (node, node), "địa chỉ thư")
    if "@" not in value or any(c.isspace() for c in value):
        raise ConfigError(
            path, _line(node), f"'{value}' không phải địa chỉ thư", "ghi dạng ten@coquan.gov.vn"
        )
    return value


def _env_name(path: Path, fields: dict[str, Pair], key: str) -> str | None:
    if key not in fields:
        return None
    value = _text(path, fields[key], key)
    if not value.replace("_", "").isalnum() or value[0].isdigit():
        raise ConfigError(
            path,
            _line(fields[key][1]),
            f"'{value}' không phải tên biến môi trường",
            f"ghi tên biến (chữ in hoa, số, dấu _), ví dụ `{key}: DUMON_SMTP_USER`",
        )
    return value

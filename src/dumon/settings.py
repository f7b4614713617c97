"""The desk's optional ``settings.yaml``: department name, digest hour, mail, source health,
the thresholds of incidents (sự vụ) and of trends.

Loaded with ``yamlload`` (lines kept, duplicate keys refused) and read with ``yamlcheck``
into frozen dataclasses; a missing file means the defaults. Every mistake is a
ConfigError naming the file, the line and the fix. Mail credentials are read only from
environment variables whose *names* the file gives, so no password ever sits in a desk that
may be copied, shared or committed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dumon.errors import ConfigError
from dumon.yamlcheck import Checker
from dumon.yamlload import load_yaml_with_lines

DEFAULT_DEPARTMENT = "Sở Giáo dục và Đào tạo tỉnh Ninh Bình"
DEFAULT_PARENT_AGENCY = "UBND tỉnh Ninh Bình"  # the line above the department (NĐ 30/2020)
DEFAULT_PLACE = "Ninh Bình"  # the place name before a document's date
TIERS = ("central", "local", "sector", "other")
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
class IncidentSettings:
    """When an incident spreads, cools down and closes, what joins it, and the office's own
    response target (no legal deadline is assumed: the office sets it)."""

    spread_outlets: int = 3  # this many outlets within spread_hours: "lan rộng"
    spread_hours: int = 24
    spread_tiers: tuple[str, ...] = ("central",)  # one article of these tiers: "lan rộng"
    cooling_hours: int = 72  # no new article for this long: "hạ nhiệt"
    quiet_days: int = 14  # no new article for this long: "khép lại"
    response_hours: int = 24  # "lan rộng" without a response after this long is flagged
    join_days: int = 7  # a story joins an incident whose articles are this close in time
    followup_days: int = 60  # a follow-up ("kết quả xác minh", "khởi tố") reaches this far


@dataclass(frozen=True)
class TrendSettings:
    """When a theme's or a unit's week is well above its recent weeks, and how far ahead the
    school calendar is read."""

    baseline_weeks: int = 8  # the weeks before the one tested
    min_count: int = 5  # fewer articles in the week are never a trend
    p_value: float = 0.01  # the test's threshold
    min_ratio: float = 2.0  # and at least this many times the baseline's weekly mean
    ahead_days: int = 21  # calendar topics starting within this many days are "due"


@dataclass(frozen=True)
class Settings:
    department: str = DEFAULT_DEPARTMENT
    parent_agency: str = DEFAULT_PARENT_AGENCY
    place: str = DEFAULT_PLACE
    outlet_tiers: dict[str, str] = field(default_factory=dict)  # outlet or site → tier
    digest_hour: int = 7
    national_limit: int = 15
    mail: MailSettings | None = None
    health: HealthSettings = field(default_factory=HealthSettings)
    incidents: IncidentSettings = field(default_factory=IncidentSettings)
    trends: TrendSettings = field(default_factory=TrendSettings)
    path: Path | None = None


_TOP_KEYS = {
    "department",
    "parent_agency",
    "place",
    "outlet_tiers",
    "digest_hour",
    "national_limit",
    "timezone",
    "mail",
    "health",
    "incidents",
    "trends",
}
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
_INCIDENT_LIMITS = {
    "spread_outlets": (2, 50),
    "spread_hours": (1, 720),
    "cooling_hours": (1, 2400),
    "quiet_days": (1, 365),
    "response_hours": (1, 720),
    "join_days": (1, 60),
    "followup_days": (1, 365),
}
_TREND_LIMITS = {"baseline_weeks": (2, 104), "min_count": (1, 10000), "ahead_days": (1, 366)}
_TREND_NUMBERS = {"p_value": (0.0, 0.5), "min_ratio": (1.0, 100.0)}  # above the first, up to


def load_settings(path: Path) -> Settings:
    """Read settings.yaml; the defaults when the file does not exist."""
    if not path.is_file():
        return Settings()
    data, lines = load_yaml_with_lines(path)
    if data is None:
        return Settings(path=path)
    check = _Checker(path, lines)
    top = check.mapping(data, "tệp", _TOP_KEYS)
    values: dict[str, Any] = {"path": path}
    for key in ("department", "parent_agency", "place"):
        if key in top:
            values[key] = check.required(top, key)
    if "outlet_tiers" in top:
        values["outlet_tiers"] = _load_tiers(check, top)
    if "digest_hour" in top:
        values["digest_hour"] = check.integer(top, "digest_hour", 0, 23)
    if "national_limit" in top:
        values["national_limit"] = check.integer(top, "national_limit", 1, 200)
    if "timezone" in top and top["timezone"] not in ("Asia/Ho_Chi_Minh", "+07:00"):
        raise check.fail(
            top,
            "timezone",
            f"múi giờ '{top['timezone']}' không được hỗ trợ",
            "xóa dòng timezone (dumon luôn dùng giờ Việt Nam, Asia/Ho_Chi_Minh)",
        )
    if "mail" in top:
        values["mail"] = _load_mail(check, check.mapping(top["mail"], "mail", _MAIL_KEYS, top))
    if "health" in top:
        health = check.mapping(top["health"], "health", _HEALTH_KEYS, top)
        values["health"] = HealthSettings(
            **{key: check.integer(health, key, 1, 3650) for key in health}
        )
    if "incidents" in top:
        values["incidents"] = _load_incidents(check, top)
    if "trends" in top:
        values["trends"] = _load_trends(check, top)
    return Settings(**values)


def _load_incidents(check: _Checker, top: dict) -> IncidentSettings:
    fields = check.mapping(top["incidents"], "incidents", {*_INCIDENT_LIMITS, "spread_tiers"}, top)
    values: dict[str, Any] = {
        key: check.integer(fields, key, *_INCIDENT_LIMITS[key])
        for key in fields
        if key in _INCIDENT_LIMITS
    }
    if "spread_tiers" in fields:
        tiers = fields["spread_tiers"]
        if not isinstance(tiers, list) or any(t not in TIERS for t in tiers):
            raise check.fail(
                fields,
                "spread_tiers",
                f"spread_tiers '{tiers}' không hợp lệ",
                f"ghi một danh sách cấp báo trong {', '.join(TIERS)}, ví dụ "
                "`spread_tiers: [central]`, hoặc `[]` để bỏ quy tắc này",
            )
        values["spread_tiers"] = tuple(tiers)
    incidents = IncidentSettings(**values)
    if incidents.quiet_days * 24 <= incidents.cooling_hours:
        raise check.fail(
            fields,
            "quiet_days" if "quiet_days" in fields else "cooling_hours",
            "sự vụ khép lại trước khi hạ nhiệt (quiet_days tính ra giờ không lớn hơn "
            "cooling_hours)",
            "đặt quiet_days (ngày) dài hơn cooling_hours (giờ), ví dụ 14 ngày và 72 giờ",
        )
    return incidents


def _load_trends(check: _Checker, top: dict) -> TrendSettings:
    fields = check.mapping(top["trends"], "trends", {*_TREND_LIMITS, *_TREND_NUMBERS}, top)
    values: dict[str, Any] = {
        key: check.integer(fields, key, *_TREND_LIMITS[key])
        for key in fields
        if key in _TREND_LIMITS
    }
    for key, (above, high) in _TREND_NUMBERS.items():
        if key in fields:
            values[key] = float(check.number(fields, key, above=above, high=high))
    return TrendSettings(**values)


def _load_tiers(check: _Checker, top: dict) -> dict[str, str]:
    """``outlet_tiers``: the tier of outlets met only through imports (no source of ours)."""
    example = "outlet_tiers: {vnexpress.net: central, baoninhbinh.org.vn: local}"
    tiers = check.mapping(top["outlet_tiers"], "outlet_tiers", None, top, example=example)
    for outlet, tier in tiers.items():
        if tier not in TIERS:
            raise check.fail(
                tiers,
                outlet,
                f"cấp '{tier}' của báo '{outlet}' không hợp lệ",
                f"dùng một trong {', '.join(TIERS)}",
            )
    return {str(outlet): str(tier) for outlet, tier in tiers.items()}


def _load_mail(check: _Checker, fields: dict) -> MailSettings:
    check.require(fields, ("host", "from", "recipients"), "mục mail")
    security = (
        check.choice(
            fields,
            "security",
            SECURITY_MODES,
            fix="dùng starttls (cổng 587), ssl (cổng 465) hoặc none (chỉ trong mạng nội bộ)",
        )
        or "starttls"
    )
    default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
    raw = fields["recipients"]
    recipients = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    if not recipients:
        raise check.fail(
            fields,
            "recipients",
            "recipients phải là một danh sách địa chỉ thư",
            "ghi `recipients: [lanhdao@example.vn, vanphong@example.vn]`",
        )
    line = check.line(fields, "recipients")
    addresses = [
        check.address(value, check.line(raw, i) if isinstance(raw, list) else line)
        for i, value in enumerate(recipients)
    ]
    return MailSettings(
        host=check.required(fields, "host"),
        port=check.integer(fields, "port", 1, 65535) if "port" in fields else default_port,
        security=security,
        sender=check.address(fields["from"], check.line(fields, "from")),
        recipients=tuple(addresses),
        username_env=check.env_name(fields, "username_env"),
        password_env=check.env_name(fields, "password_env"),
        timeout=float(check.integer(fields, "timeout", 1, 600)) if "timeout" in fields else 30.0,
    )


class _Checker(Checker):
    """settings.yaml's own checks: no password in the file, mail addresses, variable names."""

    def unknown_key(
        self, mapping: dict[Any, Any], key: Any, what: str, allowed: Collection[str]
    ) -> ConfigError:
        if str(key).lower() in _SECRET_KEYS:
            return self.fail(
                mapping,
                key,
                f"không được ghi mật khẩu trong tệp (khóa '{key}')",
                "xóa dòng này; đặt mật khẩu vào một biến môi trường, ví dụ "
                "DUMON_SMTP_PASSWORD, và ghi `password_env: DUMON_SMTP_PASSWORD` "
                "trong mục mail",
            )
        return super().unknown_key(mapping, key, what, allowed)

    def address(self, value: Any, line: int | None) -> str:
        text = value.strip() if isinstance(value, str) else ""
        if "@" not in text or any(c.isspace() for c in text):
            raise ConfigError(
                self.path, line, f"'{value}' không phải địa chỉ thư", "ghi dạng ten@coquan.gov.vn"
            )
        return text

    def env_name(self, fields: dict, key: str) -> str | None:
        if key not in fields:
            return None
        value = self.required(fields, key)
        if not value.replace("_", "").isalnum() or not value.isascii() or value[0].isdigit():
            raise self.fail(
                fields,
                key,
                f"'{value}' không phải tên biến môi trường",
                f"ghi tên biến (chữ in hoa, số, dấu _), ví dụ `{key}: DUMON_SMTP_USER`",
            )
        return value

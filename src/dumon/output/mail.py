"""Mail the digest: one multipart/alternative message (plain text + HTML) over SMTP.

STARTTLS, implicit TLS or plain (inside the office network only); the login comes from the
environment variables named in settings.yaml, never from a file. Every failure becomes a
MailError saying in Vietnamese what to check. `timeout` bounds the whole exchange, not each
read: a server that sends its greeting a byte at a time cannot hold the digest for hours.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from dumon.errors import MailError
from dumon.settings import MailSettings

log = logging.getLogger(__name__)


def digest_subject(day: date) -> str:
    return f"Điểm tin báo chí ngày {day:%d/%m/%Y}"


def build_message(settings: MailSettings, *, subject: str, text: str, html: str) -> EmailMessage:
    """The message: UTF-8 subject, plain-text part first, HTML part preferred by readers."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=settings.sender.rsplit("@", 1)[-1])
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def _credentials(settings: MailSettings, env: Mapping[str, str]) -> tuple[str, str] | None:
    if not settings.username_env and not settings.password_env:
        return None
    user = env.get(settings.username_env or "", "")
    password = env.get(settings.password_env or "", "")
    if not user or not password:
        missing = [
            n
            for n, v in ((settings.username_env, user), (settings.password_env, password))
            if n and not v
        ]
        raise MailError(
            f"Chưa đặt biến môi trường {', '.join(missing)} cho tài khoản thư. Cách sửa: đặt "
            f"chúng trước khi chạy (ví dụ trong crontab: {missing[0]}=…), hoặc xóa "
            "username_env/password_env trong settings.yaml nếu máy chủ thư không cần đăng nhập."
        )
    return user, password


class _Deadline:
    """Cuts the client's connection when the whole exchange has taken `seconds`.

    smtplib's timeout applies to each read, and every byte of a dripping reply starts a new
    one; a timer that shuts the socket down ends whatever read is waiting."""

    def __init__(self, client: smtplib.SMTP, seconds: float):
        self.client = client
        self.expired = False
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True

    def _cut(self) -> None:
        self.expired = True
        sock = getattr(self.client, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def send_message(
    settings: MailSettings, message: EmailMessage, *, env: Mapping[str, str] | None = None
) -> None:
    """Deliver the message to every recipient, or raise MailError."""
    login = _credentials(settings, os.environ if env is None else env)
    where = f"{settings.host}:{settings.port}"
    client: smtplib.SMTP
    if settings.security == "ssl":
        client = smtplib.SMTP_SSL(timeout=settings.timeout, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(timeout=settings.timeout)
    deadline = _Deadline(client, settings.timeout)
    started = time.monotonic()
    try:
        with deadline:
            _exchange(client, settings, message, login)
    except MailError:
        if deadline.expired:  # whatever the cut connection looked like
            raise MailError(
                f"Máy chủ thư {where} không trả lời xong trong {settings.timeout:g} giây. Cách "
                "sửa: kiểm tra host/port trong settings.yaml và kết nối mạng; thử lại sau."
            ) from None
        raise
    finally:
        log.info("mail exchange with %s: %.1f s", where, time.monotonic() - started)
        client.close()


def _exchange(
    client: smtplib.SMTP,
    settings: MailSettings,
    message: EmailMessage,
    login: tuple[str, str] | None,
) -> None:
    """The SMTP conversation, each failure turned into what the user is told."""
    where = f"{settings.host}:{settings.port}"
    try:
        client.connect(settings.host, settings.port)
        client.ehlo()
        if settings.security == "starttls":
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if login:
            _login(client, *login)
        refused = client.send_message(message, to_addrs=list(settings.recipients))
        with contextlib.suppress(smtplib.SMTPException, OSError):
            client.quit()  # the message is delivered; a server that hangs up now is no matter
    except smtplib.SMTPServerDisconnected:
        raise MailError(
            f"Máy chủ thư {where} ngắt kết nối giữa chừng. Cách sửa: kiểm tra host/port và "
            "`security:` trong settings.yaml; thử lại sau."
        ) from None
    except smtplib.SMTPAuthenticationError:
        raise MailError(
            f"Máy chủ thư {where} từ chối tên đăng nhập/mật khẩu. Cách sửa: kiểm tra giá trị "
            f"của {settings.username_env} và {settings.password_env}."
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise MailError(
            f"Máy chủ thư {where} không hỗ trợ {_what(exc)}. Cách sửa: đổi `security:` trong "
            "settings.yaml (starttls cho cổng 587, ssl cho cổng 465)."
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(
            f"Máy chủ thư {where} từ chối mọi người nhận ({', '.join(exc.recipients)}). "
            "Cách sửa: kiểm tra danh sách recipients trong settings.yaml."
        ) from None
    except (ssl.SSLError, ssl.CertificateError) as exc:
        raise MailError(
            f"Không thiết lập được kết nối mã hóa với {where} ({exc.__class__.__name__}). "
            "Cách sửa: kiểm tra `security:` và cổng trong settings.yaml."
        ) from None
    except smtplib.SMTPException as exc:
        raise MailError(f"Máy chủ thư {where} báo lỗi: {exc}. Cách sửa: thử lại sau.") from None
    except TimeoutError:
        raise MailError(
            f"Máy chủ thư {where} không trả lời. Cách sửa: kiểm tra host/port trong "
            "settings.yaml và kết nối mạng."
        ) from None
    except OSError as exc:
        raise MailError(
            f"Không kết nối được máy chủ thư {where} ({exc.strerror or exc}). Cách sửa: kiểm "
            "tra host/port trong settings.yaml và kết nối mạng."
        ) from None
    if refused:
        log.warning("recipients refused: %s", refused)
        raise MailError(
            f"Đã gửi, nhưng máy chủ thư từ chối: {', '.join(refused)}. Cách sửa: kiểm tra các "
            "địa chỉ này trong settings.yaml."
        )


def _login(client: smtplib.SMTP, user: str, password: str) -> None:
    try:
        client.login(user, password)
    except UnicodeEncodeError:
        # smtplib sends credentials as ASCII only; AUTH PLAIN carries UTF-8 (RFC 4616), and
        # Vietnamese passwords exist.
        token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()
        code, reply = client.docmd("AUTH", "PLAIN " + token)
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, reply) from None


def _what(exc: Exception) -> str:
    text = str(exc).lower()
    if "starttls" in text:
        return "STARTTLS"
    if "auth" in text:
        return "đăng nhập (AUTH)"
    return "yêu cầu này"


def mail_digest(
    settings: MailSettings | None,
    *,
    day: date,
    text: str,
    html: str,
    env: Mapping[str, str] | None = None,
) -> int:
    """Send the rendered digest to the configured recipients; return how many."""
    if settings is None:
        raise MailError(
            "Chưa cấu hình gửi thư. Cách sửa: thêm mục `mail:` (host, from, recipients) vào "
            "settings.yaml của thư mục làm việc."
        )
    message = build_message(settings, subject=digest_subject(day), text=text, html=html)
    send_message(settings, message, env=env)
    return len(settings.recipients)

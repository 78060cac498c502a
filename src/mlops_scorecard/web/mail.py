"""Invitations and reminders by email, through the SMTP server of the settings
(``MLOPS_SCORECARD_SMTP_*``).

Messages are built with :class:`email.message.EmailMessage` and sent with :mod:`smtplib`
over one connection per batch. Sending blocks, so routes call :func:`deliver` in the
thread pool; it runs outside any database transaction (a slow mail server never holds
the write lock), and the respondents whose mail went out are stamped afterwards, in
one transaction. A failure is reported per person, never raised: the people and the
links already made stay, and the page shows the links to copy instead.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Literal

from ..settings import Settings
from ..store.audit import record
from ..store.models import Assessment, User
from ..store.respondents import mark_mailed
from ..store.tokens import hash_token
from .context import AppState

__all__ = ["Delivery", "Letter", "MailKind", "deliver", "mail_enabled", "public_base", "send_letters"]

#: An invitation (the first mail) or a reminder (later ones).
MailKind = Literal["invitation", "reminder"]


def mail_enabled(settings: Settings) -> bool:
    """Whether invitations can be mailed (an SMTP host is set)."""
    return bool(settings.smtp_host.strip())


def public_base(settings: Settings, request_base: str) -> str:
    """The address links start with: ``MLOPS_SCORECARD_PUBLIC_URL`` when set (a mail
    is read far from the request that sent it), else the request's own base."""
    return (settings.public_url.strip() or request_base).rstrip("/")


@dataclass(frozen=True)
class Letter:
    """One mail to send: to whom, for which respondent, with which personal link.
    ``token`` is the link's token; ``new_link`` says it replaces the stored one
    (a reminder carries a new link: only the old link's hash is stored)."""

    respondent_id: int
    name: str
    email: str
    token: str
    new_link: bool = False


@dataclass(frozen=True)
class Delivery:
    """What became of one letter: sent, or the reason it was not."""

    respondent_id: int
    name: str
    email: str
    link: str
    error: str = ""
    #: False for a new link whose mail failed: it was never stored, so it does not work
    #: (the respondent's earlier link still does).
    link_works: bool = True

    @property
    def sent(self) -> bool:
        """True when the mail server accepted the message."""
        return not self.error


def _sender(settings: Settings) -> str:
    sender = settings.smtp_from.strip() or (settings.smtp_user if "@" in settings.smtp_user else "")
    if not sender:
        raise _MailFailed("no sender address: set MLOPS_SCORECARD_SMTP_FROM (e.g. scorecard@example.com)")
    return sender


def _one_line(text: str) -> str:
    """``text`` fit for a header: a line break there would start a new header."""
    return " ".join(text.split())


def message_for(
    settings: Settings, letter: Letter, *, kind: MailKind, title: str, unit: str, link: str
) -> EmailMessage:
    """The mail of one invitation or reminder, as plain text with the personal link."""
    msg = EmailMessage()
    subject = f"{'Reminder: ' if kind == 'reminder' else ''}{title} ({unit}): your MLOps assessment"
    msg["Subject"] = _one_line(subject)
    msg["From"] = _sender(settings)
    msg["To"] = Address(display_name=_one_line(letter.name), addr_spec=letter.email)
    msg["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    msg["Message-ID"] = make_msgid(domain=parseaddr(msg["From"])[1].rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"  # auto-replies and vacation notices stay away
    greeting = f"Hello {letter.name}," if letter.name else "Hello,"
    if kind == "reminder":
        opening = (
            f"a reminder: the assessment {title!r} of {unit} is still waiting for your answers. "
            "Anything you answered so far is kept."
        )
    else:
        opening = f"you are invited to answer the assessment {title!r} of {unit}."
    replaces = (
        "\nThis link replaces the one you were sent before, which no longer works.\n"
        if letter.new_link
        else ""
    )
    msg.set_content(
        f"{greeting}\n\n{opening}\n\nYour personal link:\n{link}\n{replaces}\n"
        "Every answer is saved as you give it: you can stop and come back to the link at any\n"
        "time. The link is personal: whoever has it answers as you, so please do not forward it.\n"
    )
    return msg


class _MailFailed(Exception):
    """The whole batch failed (no connection, refused login); the message says why."""


def _connect(settings: Settings) -> smtplib.SMTP:
    host = settings.smtp_host.strip()
    port = settings.smtp_port or (465 if settings.smtp_tls else 587 if settings.smtp_starttls else 25)
    where = f"the SMTP server {host}:{port}"
    context = ssl.create_default_context()
    try:
        server: smtplib.SMTP
        if settings.smtp_tls:
            server = smtplib.SMTP_SSL(host, port, timeout=settings.smtp_timeout, context=context)
        else:
            server = smtplib.SMTP(host, port, timeout=settings.smtp_timeout)
        server.ehlo()
        if settings.smtp_starttls and not settings.smtp_tls:
            if not server.has_extn("starttls"):
                server.close()
                raise _MailFailed(
                    f"{where} does not offer STARTTLS; set MLOPS_SCORECARD_SMTP_TLS=true for a TLS port, "
                    "or MLOPS_SCORECARD_SMTP_STARTTLS=false for a server on a trusted network"
                )
            server.starttls(context=context)
            server.ehlo()
        if settings.smtp_user:
            server.login(settings.smtp_user, settings.smtp_password.get_secret_value())
    except smtplib.SMTPAuthenticationError as exc:
        raise _MailFailed(f"{where} refused the login of {settings.smtp_user!r}: {_said(exc)}") from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise _MailFailed(f"cannot send through {where}: {_said(exc)}") from None
    return server


def _said(exc: BaseException) -> str:
    """What the server (or the network) said, in one line."""
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc)
        return f"{exc.smtp_code} {text}".strip()
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [f"{code} {msg.decode('utf-8', 'replace')}" for code, msg in exc.recipients.values()]
        return "; ".join(codes) or "recipient refused"
    return str(exc) or type(exc).__name__


def send_letters(settings: Settings, messages: Sequence[tuple[int, EmailMessage]]) -> dict[int, str]:
    """Send every message over one connection; the error of each that failed, by
    respondent id (empty: all sent). A refused recipient fails only its message; a
    lost connection fails the rest of the batch. Blocks: call it in a thread."""
    if not messages:
        return {}
    try:
        server = _connect(settings)
    except _MailFailed as exc:
        return {rid: str(exc) for rid, _ in messages}
    failed: dict[int, str] = {}
    try:
        for i, (rid, msg) in enumerate(messages):
            try:
                server.send_message(msg)
            except (
                smtplib.SMTPRecipientsRefused,
                smtplib.SMTPDataError,
                smtplib.SMTPSenderRefused,
                smtplib.SMTPNotSupportedError,  # e.g. a non-ASCII address, without SMTPUTF8
                ValueError,
            ) as exc:
                failed[rid] = f"the mail server refused the message to {msg['To']}: {_said(exc)}"
            except (smtplib.SMTPException, OSError) as exc:
                reason = f"the connection to the mail server was lost: {_said(exc)}"
                failed.update({later: reason for later, _ in messages[i:]})
                break
    finally:
        try:
            server.quit()
        except (smtplib.SMTPException, OSError):
            server.close()
    return failed


def deliver(
    app: AppState,
    *,
    assessment_id: int,
    letters: Sequence[Letter],
    kind: MailKind,
    base: str,
    user_id: int | None,
) -> list[Delivery]:
    """Mail ``letters`` (blocking: run it in the thread pool, outside a transaction),
    then stamp those sent (``invited_at`` or ``reminded_at``; a new link's hash too) and
    record one audit event, in one transaction. Every letter gets a :class:`Delivery`."""
    with app.read() as s:
        a = s.get(Assessment, assessment_id)
        title, unit = (a.title, a.unit.name) if a is not None else ("", "")
    links = {x.respondent_id: f"{base}/r/{x.token}" for x in letters}
    built: list[tuple[int, EmailMessage]] = []
    failed: dict[int, str] = {}
    for x in letters:
        try:
            built.append(
                (
                    x.respondent_id,
                    message_for(
                        app.settings, x, kind=kind, title=title, unit=unit, link=links[x.respondent_id]
                    ),
                )
            )
        except _MailFailed as exc:
            failed[x.respondent_id] = str(exc)
        except (ValueError, TypeError) as exc:  # an address the mail library cannot write
            failed[x.respondent_id] = f"cannot write a message to {x.email!r}: {exc}"
    failed.update(send_letters(app.settings, built))
    out = [
        Delivery(
            x.respondent_id,
            x.name,
            x.email,
            links[x.respondent_id],
            failed.get(x.respondent_id, ""),
            link_works=not (x.new_link and x.respondent_id in failed),
        )
        for x in letters
    ]
    sent = [x for x in letters if x.respondent_id not in failed]
    with app.write() as s:
        a = s.get(Assessment, assessment_id)
        if a is None:
            return out
        mark_mailed(
            s,
            assessment=a,
            sent=[(x.respondent_id, hash_token(x.token) if x.new_link else None) for x in sent],
            kind="invited_at" if kind == "invitation" else "reminded_at",
        )
        user = s.get(User, user_id) if user_id is not None else None
        what = "invitation" if kind == "invitation" else "reminder"
        record(
            s,
            user=user,
            action=f"invitation.{'send' if kind == 'invitation' else 'remind'}",
            summary=f"Mailed {len(sent)} {what}{'' if len(sent) == 1 else 's'}"
            + (f"; {len(failed)} failed" if failed else ""),
            assessment_id=assessment_id,
            unit_id=a.unit_id,
            detail={
                "sent": [x.respondent_id for x in sent],
                "failed": {str(k): v for k, v in failed.items()},
            },
        )
    return out

"""The caught messages: one .eml file each under settings.DEV_MAIL_DIR, newest first."""

from __future__ import annotations

import email
import email.policy
import re
import secrets
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

MAIL_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{8}$")
URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class Mail:
    id: str
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def to(self) -> str:
        return str(self.message["To"] or "")

    @property
    def date(self) -> str:
        return str(self.message["Date"] or "")

    @property
    def text(self) -> str:
        return self._part("plain")

    @property
    def html(self) -> str:
        return self._part("html")

    def links(self) -> list[str]:
        """Every URL of the text part (the HTML part carries the same), in order, once."""
        return list(dict.fromkeys(URL.findall(self.text or self.html)))

    def _part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        return body.get_content() if body is not None else ""


def mail_store(*, directory: Path, data: bytes) -> str:
    """Keep one message's bytes; return its id."""
    directory.mkdir(parents=True, exist_ok=True)
    mail_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}"
    partial = directory / f".{mail_id}.tmp"
    partial.write_bytes(data)
    partial.rename(directory / f"{mail_id}.eml")  # readers never see half a message
    return mail_id


def mail_list(directory: Path) -> list[Mail]:
    paths = sorted(directory.glob("*.eml"), reverse=True) if directory.is_dir() else []
    return [_read(path) for path in paths]


def mail_get(directory: Path, mail_id: str) -> Mail | None:
    path = directory / f"{mail_id}.eml"
    if not MAIL_ID.match(mail_id) or not path.is_file():
        return None
    return _read(path)


def _read(path: Path) -> Mail:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return Mail(id=path.stem, message=message)

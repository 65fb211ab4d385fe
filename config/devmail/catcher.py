"""A local SMTP server that keeps what it is sent under var/mail/ and delivers nothing.

`make run` runs it in a thread of its own process (config/devserver.py) when settings.DEV_MAIL_DIR
is set, on settings.DEV_MAIL_PORT, where the development settings point Django's SMTP backend.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from pathlib import Path

from aiosmtpd.controller import Controller

from config.devmail.mailbox import Mail, mail_store


class KeepMessages:
    """aiosmtpd handler: store each message, then tell `announce` about it."""

    def __init__(self, directory: Path, announce: Callable[[Mail], None]):
        self.directory, self.announce = directory, announce

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        data = envelope.original_content or envelope.content
        mail_id = mail_store(directory=self.directory, data=data)
        message = email.message_from_bytes(data, policy=email.policy.default)
        self.announce(Mail(id=mail_id, message=message))
        return "250 Message kept (development: nothing is delivered)"


def catcher_start(*, port: int, directory: Path, announce: Callable[[Mail], None]) -> Controller:
    """Listen on 127.0.0.1:port in a thread of this process; stop with .stop()."""
    controller = Controller(KeepMessages(directory, announce), hostname="127.0.0.1", port=port)
    controller.start()
    return controller

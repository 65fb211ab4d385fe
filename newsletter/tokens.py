"""The signed, expiring confirmation token: the subscriber's id and the nonce of the moment."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "newsletter.confirm"


class TokenState(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"


@dataclass(frozen=True)
class ConfirmToken:
    state: TokenState
    subscriber_id: int | None = None
    nonce: str = ""


def confirm_token_make(*, subscriber_id: int, nonce: str) -> str:
    """A token for the link in a confirmation email."""
    return signing.dumps({"s": subscriber_id, "n": nonce}, salt=SALT, compress=True)


def confirm_token_read(token: str) -> ConfirmToken:
    """What a token says: valid, expired (still authentic: its subscriber is known), or invalid."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE)
        state = TokenState.VALID
    except signing.SignatureExpired:
        data = signing.loads(token, salt=SALT)
        state = TokenState.EXPIRED
    except signing.BadSignature:
        return ConfirmToken(TokenState.INVALID)
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        return ConfirmToken(TokenState.INVALID)
    return ConfirmToken(state, subscriber_id=data["s"], nonce=str(data.get("n", "")))

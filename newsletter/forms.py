"""Forms of the public mailing-list pages: they parse and validate, services do the rest."""

from __future__ import annotations

import unicodedata

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.mail.message import sanitize_address
from django.core.validators import EmailValidator
from django.utils.encoding import punycode

from newsletter.models import normalise_email
from publications.models import Topic

# Stored with every consent record; change the version whenever the wording changes.
FORM_VERSION = "2025-01"
CONSENT_WORDING = (
    "By signing up you agree that {site_name} may email you when we publish new research in "
    "the topics you choose (all topics if you choose none). Each email has a link to change "
    "your topics or unsubscribe at once. We never share your address."
)
TOPIC_CHOICES_KEY = "newsletter:topic-choices"
TOPIC_CHOICES_SECONDS = 300


def consent_wording() -> str:
    return CONSENT_WORDING.format(site_name=settings.SITE_NAME)


def topic_choices() -> list[tuple[int, str]]:
    """Every topic as (id, name), cached: the signup page is served without a query."""
    return cache.get_or_set(
        TOPIC_CHOICES_KEY,
        lambda: list(Topic.objects.order_by("name").values_list("pk", "name")),
        timeout=TOPIC_CHOICES_SECONDS,
    )


class AddressField(forms.CharField):
    """An email address Django's validator accepts, trimmed and with its domain lower-cased.

    Anything it refuses (CR/LF and other control characters included) is a form error, so
    nothing a visitor types can reach an email header.
    """

    default_validators = [EmailValidator(message="Enter a valid email address.")]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("widget", forms.EmailInput(attrs={"autocomplete": "email"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_email(value) if value else value

    def validate(self, value):
        super().validate(value)
        # Control, format and separator characters (CR/LF, U+2028, NEL, soft hyphen, zero-width
        # space) are refused: they have no place in an address, and in a domain IDNA silently
        # drops some of them, so one mailbox would get a second row and a second per-address cap.
        if any(unicodedata.category(char)[0] in "CZ" for char in value):
            raise forms.ValidationError("Enter a valid email address.", code="invalid")
        if self._mailed_elsewhere(value):
            raise forms.ValidationError("Enter a valid email address.", code="invalid")

    @staticmethod
    def _mailed_elsewhere(value: str) -> bool:
        """Whether the mailer would send to another address than the one stored: IDNA maps
        some characters of a domain to others or to nothing (U+034F, variation selectors, ß),
        and an encoded word (=?utf-8?q?...?=) in the local part decodes into another address
        or a line break."""
        local, _, domain = value.rpartition("@")
        try:
            ascii_domain = punycode(domain)
            sent_to = sanitize_address(value, "utf-8")
            round_trip = ascii_domain.encode("ascii").decode("idna")
        except (UnicodeError, ValueError):
            return True
        lossy = not domain.isascii() and round_trip != domain  # an ASCII domain is sent as is
        return lossy or sent_to != f"{local}@{ascii_domain}"


class TopicsField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(coerce=int, required=False, choices=topic_choices, **kwargs)

    def clean(self, value):
        ids = super().clean(value)
        return list(Topic.objects.filter(pk__in=ids)) if ids else []


class SignupForm(forms.Form):
    email = AddressField(label="Email address")
    topics = TopicsField(
        label="Topics (optional)",
        help_text="Choose none to hear about everything we publish.",
    )
    # A honeypot: hidden from people, filled in by bots that fill in every field.
    website = forms.CharField(required=False, label="Leave this field empty")

    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class PreferencesForm(forms.Form):
    topics = TopicsField(
        label="Topics", help_text="Choose none to hear about everything we publish."
    )

"""Parse and validate one line of an import file, without touching the database or the disk."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils import timezone

from publications.file_types import LANGUAGE_TAG
from publications.models import FileRole, PublicationType, Status

REQUIRED_FIELDS = ("slug", "title", "abstract", "published", "type", "authors", "topics")
OPTIONAL_FIELDS = ("status", "withdrawn_reason", "pdf", "files", "text", "series", "body")
FILE_FIELDS = {"path": None, "role": 32, "title": 300, "language": 16}
SERIES_MAX = 200
AUTHOR_FIELDS = {"name": 200, "role": 200, "affiliation": 200, "bio": None}
TOPIC_FIELDS = {"name": 120, "description": None, "parent": 120}
ROW_STATUSES = tuple(Status.values)
SLUG_MAX = 200
TITLE_MAX = 500
# date.fromisoformat also takes 20241209 and 2024-W50-1; the format promises YYYY-MM-DD only,
# or a date-time with its offset (YYYY-MM-DDTHH:MM[:SS]±HH:MM, or Z), which is a release time.
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_TIME_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})")


class RowError(Exception):
    """A row that is skipped; the message is the reason the report shows."""


@dataclass(frozen=True)
class NamedSpec:
    """An author or topic as a row names it, with only the details the row gave."""

    name: str
    details: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class FileSpec:
    """One of a row's files: a path relative to the PDF folder, its role, title and language."""

    path: str
    role: str = FileRole.FULL_REPORT
    title: str = ""
    language: str = ""


@dataclass(frozen=True)
class ImportRow:
    line: int
    slug: str
    title: str
    abstract: str
    published: datetime.date  # the date shown; a date-time's own date in the site's zone
    type: str
    authors: tuple[NamedSpec, ...]
    topics: tuple[NamedSpec, ...]
    # None: the row names no state (a new publication is published, an existing one keeps its).
    status: str | None = None
    withdrawn_reason: str = ""
    # A date-time given as `published`: the release time. None: the start of `published`.
    release_at: datetime.datetime | None = None
    pdf: str | None = None
    # None: the row says nothing of files (the current ones stay); else the files it lists.
    files: tuple[FileSpec, ...] | None = None
    text: str | None = None
    series_given: bool = False
    series: str | None = None
    body: str | None = None  # HTML as given; sanitised where the admin's is (services)


def parse_row(*, text: str, line: int) -> ImportRow:
    """Turn one JSON line into an ImportRow, or raise RowError saying what is wrong with it."""
    data = _load_object(text)
    _check_keys(data, required=REQUIRED_FIELDS, optional=OPTIONAL_FIELDS, where="")
    pdf, full_text = _optional_string(data, "pdf"), _full_text(data.get("text"))
    files = _files(data["files"]) if data.get("files") is not None else None
    if pdf and files is not None:
        raise RowError("give either pdf or files, not both (pdf is one full-report file)")
    if (pdf or files) and full_text is not None:
        raise RowError(
            "give either files or text, not both (text is for publications without a file)"
        )
    status = _status(data.get("status"))
    reason = _string(data.get("withdrawn_reason") or "", "withdrawn_reason")
    if status == Status.WITHDRAWN and not reason:
        raise RowError("withdrawn_reason: required when status is 'withdrawn'")
    if reason and status != Status.WITHDRAWN:
        raise RowError("withdrawn_reason: only for status 'withdrawn'")
    published, release_at = _published(data["published"])
    series = data.get("series")
    if series is not None:
        series = _string(series, "series", max_length=SERIES_MAX, required=True)
    return ImportRow(
        line=line,
        slug=_slug(data["slug"]),
        title=_string(data["title"], "title", max_length=TITLE_MAX, required=True),
        abstract=_string(data["abstract"], "abstract"),
        published=published,
        type=_type(data["type"]),
        authors=_named_list(data["authors"], "authors", AUTHOR_FIELDS),
        topics=_named_list(data["topics"], "topics", TOPIC_FIELDS),
        status=status,
        withdrawn_reason=reason,
        release_at=release_at,
        pdf=pdf,
        files=files,
        text=full_text,
        series_given="series" in data,
        series=series,
        body=_body(data.get("body")),
    )


def _files(value: Any) -> tuple[FileSpec, ...]:
    if not isinstance(value, list):
        raise RowError(f"files: must be a list of objects, not {_json_type(value)}")
    return tuple(_file(item, f"files[{index}]") for index, item in enumerate(value))


def _file(item: Any, where: str) -> FileSpec:
    if not isinstance(item, dict):
        raise RowError(f"{where}: must be an object with path and role, not {_json_type(item)}")
    optional = ("title", "language")
    _check_keys(item, required=("path", "role"), optional=optional, where=f"{where}: ")
    role = _string(item["role"], f"{where}.role", required=True)
    if role not in FileRole.values:
        raise RowError(
            f"{where}.role: unknown role {role!r} (one of: {', '.join(FileRole.values)})"
        )
    language = _string(item.get("language") or "", f"{where}.language", max_length=16)
    if language and not LANGUAGE_TAG.fullmatch(language):
        raise RowError(f"{where}.language: {language!r} is not a language tag (en, fr, pt-BR)")
    return FileSpec(
        path=_string(item["path"], f"{where}.path", required=True),
        role=role,
        title=_string(item.get("title") or "", f"{where}.title", max_length=FILE_FIELDS["title"]),
        language=language,
    )


def _load_object(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RowError(f"not valid JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(data, dict):
        raise RowError(f"not a JSON object but {type(data).__name__}")
    return data


def _check_keys(
    data: Mapping[str, Any], *, required: tuple[str, ...], optional: tuple[str, ...], where: str
) -> None:
    # Unknown keys are refused rather than ignored: "publised" must not import silently undated.
    missing = [key for key in required if key not in data]
    unknown = sorted(set(data) - set(required) - set(optional))
    if missing:
        raise RowError(f"{where}missing field{_plural(missing)}: {', '.join(missing)}")
    if unknown:
        raise RowError(f"{where}unknown field{_plural(unknown)}: {', '.join(unknown)}")


def _string(value: Any, name: str, *, max_length: int | None = None, required: bool = False) -> str:
    if not isinstance(value, str):
        raise RowError(f"{name}: must be a string, not {_json_type(value)}")
    value = value.strip()
    if required and not value:
        raise RowError(f"{name}: must not be empty")
    if max_length is not None and len(value) > max_length:
        raise RowError(f"{name}: longer than {max_length} characters ({len(value)})")
    if "\x00" in value:
        raise RowError(f"{name}: contains a NUL character")
    return value


def _optional_string(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    return None if value is None else _string(value, name, required=True)


def _full_text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise RowError(f"text: must be a string, not {_json_type(value)}")
    # PostgreSQL text refuses NUL bytes, and text pasted from PDFs often carries them.
    return value.replace("\x00", "")


def _body(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise RowError(f"body: must be a string of HTML, not {_json_type(value)}")
    if "\x00" in value:
        raise RowError("body: contains a NUL character")
    return value


def _slug(value: Any) -> str:
    slug = _string(value, "slug", required=True)
    if len(slug) > SLUG_MAX:
        raise RowError(f"slug: longer than {SLUG_MAX} characters ({len(slug)})")
    try:
        validate_slug(slug)
    except ValidationError as exc:
        raise RowError(
            f"slug: {slug!r} is not a slug (letters, numbers, hyphens, underscores)"
        ) from exc
    return slug


def _published(value: Any) -> tuple[datetime.date, datetime.datetime | None]:
    """The date shown, and the release time when a date-time with an offset was given."""
    text = _string(value, "published", required=True)
    try:
        if DATE_PATTERN.fullmatch(text):
            return datetime.date.fromisoformat(text), None
        if not DATE_TIME_PATTERN.fullmatch(text):
            raise ValueError(text)
        moment = datetime.datetime.fromisoformat(text)
    except ValueError as exc:
        raise RowError(
            f"published: {text!r} is not a date (YYYY-MM-DD) or a date-time with an offset "
            "(2027-01-15T09:00:00-05:00)"
        ) from exc
    return timezone.localdate(moment, timezone.get_default_timezone()), moment


def _type(value: Any) -> str:
    key = _string(value, "type", required=True)
    if key not in PublicationType.values:
        known = ", ".join(PublicationType.values)
        raise RowError(f"type: unknown type {key!r} (one of: {known})")
    return key


def _status(value: Any) -> str | None:
    if value is None:
        return None
    if value not in ROW_STATUSES:
        raise RowError(f"status: must be one of {', '.join(ROW_STATUSES)}, not {value!r}")
    return value


def _named_list(value: Any, name: str, fields: Mapping[str, int | None]) -> tuple[NamedSpec, ...]:
    if not isinstance(value, list):
        raise RowError(f"{name}: must be a list of names or objects, not {_json_type(value)}")
    specs = tuple(_named(item, f"{name}[{index}]", fields) for index, item in enumerate(value))
    seen: set[str] = set()
    for spec in specs:
        # Matching ignores case, so "Jane Doe" and "jane doe" would be one author listed twice.
        if spec.name.casefold() in seen:
            raise RowError(f"{name}: {spec.name!r} is listed twice")
        seen.add(spec.name.casefold())
    return specs


def _named(item: Any, where: str, fields: Mapping[str, int | None]) -> NamedSpec:
    if isinstance(item, str):
        return NamedSpec(name=_string(item, where, max_length=fields["name"], required=True))
    if not isinstance(item, dict):
        raise RowError(f"{where}: must be a name or an object, not {_json_type(item)}")
    optional = tuple(key for key in fields if key != "name")
    _check_keys(item, required=("name",), optional=optional, where=f"{where}: ")
    name = _string(item["name"], f"{where}.name", max_length=fields["name"], required=True)
    details = {
        key: None if item[key] is None else _string(item[key], f"{where}.{key}", max_length=limit)
        for key, limit in fields.items()
        if key != "name" and key in item
    }
    return NamedSpec(name=name, details=details)


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def _plural(items: list[str]) -> str:
    return "s" if len(items) > 1 else ""

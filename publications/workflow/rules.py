"""Which transitions exist, from which states, and who may make them. Read by the services that
make them and by the admin that offers them as buttons, so both agree."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from publications.models import Publication, Status

PUBLISH_PERMISSION = "publications.publish_publication"
EDIT_PERMISSION = "publications.change_publication"
EDITORS, PUBLISHERS = "Editors", "Publishers"  # the groups migration 0008 creates


class Action(enum.StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    SEND_BACK = "send-back"
    SCHEDULE = "schedule"
    PUBLISH = "publish"
    UNSCHEDULE = "unschedule"
    WITHDRAW = "withdraw"
    REINSTATE = "reinstate"
    RELEASE = "release"  # the clock's: a scheduled item whose time has come


@dataclass(frozen=True)
class Transition:
    action: Action
    label: str
    sources: frozenset[str]
    target: str
    publisher_only: bool = True
    needs_comment: bool = False  # sending back says why; withdrawing gives the reason
    needs_release_time: bool = False
    by_staff: bool = True  # False: only the system makes it


TRANSITIONS = {
    t.action: t
    for t in (
        Transition(
            Action.SUBMIT, "Submit for review", frozenset({Status.DRAFT}), Status.IN_REVIEW, False
        ),
        Transition(Action.APPROVE, "Approve", frozenset({Status.IN_REVIEW}), Status.APPROVED),
        Transition(
            Action.SEND_BACK,
            "Send back to draft",
            frozenset({Status.IN_REVIEW}),
            Status.DRAFT,
            needs_comment=True,
        ),
        Transition(
            Action.SCHEDULE,
            "Schedule",
            frozenset({Status.APPROVED}),
            Status.SCHEDULED,
            needs_release_time=True,
        ),
        Transition(Action.PUBLISH, "Publish now", frozenset({Status.APPROVED}), Status.PUBLISHED),
        Transition(
            Action.UNSCHEDULE,
            "Unschedule (back to approved)",
            frozenset({Status.SCHEDULED}),
            Status.APPROVED,
        ),
        Transition(
            Action.WITHDRAW,
            "Withdraw",
            frozenset({Status.PUBLISHED}),
            Status.WITHDRAWN,
            needs_comment=True,
        ),
        Transition(Action.REINSTATE, "Reinstate", frozenset({Status.WITHDRAWN}), Status.PUBLISHED),
        Transition(
            Action.RELEASE,
            "Release",
            frozenset({Status.SCHEDULED}),
            Status.PUBLISHED,
            by_staff=False,
        ),
    )
}


def is_publisher(user) -> bool:
    """A member of Publishers, or a superuser: has the publish permission."""
    return user.is_active and user.has_perm(PUBLISH_PERMISSION)


def publishers() -> QuerySet:
    """Everyone who may review: active users holding the publish permission."""
    # Named: with django-axes' backend beside it, Django will not guess which to ask.
    users = get_user_model().objects.with_perm(
        PUBLISH_PERMISSION, backend="django.contrib.auth.backends.ModelBackend"
    )
    return users.order_by("username")


def refusal(user, transition: Transition, publication: Publication) -> str | None:
    """Why this user may not make this transition now, or None when they may."""
    if publication.status not in transition.sources:
        state = publication.get_status_display().lower()
        return f"“{transition.label}” is not possible for a publication that is {state}."
    if not transition.by_staff:
        return f"“{transition.label}” happens by itself when the release time comes."
    if not (user.is_active and user.has_perm(EDIT_PERMISSION)):
        return "You may not edit publications."
    if transition.publisher_only and not is_publisher(user):
        return f"Only a Publisher may “{transition.label.lower()}”."
    named = publication.reviewer_id
    reviewing = transition.action in (Action.APPROVE, Action.SEND_BACK)
    if reviewing and named and named != user.pk and not user.is_superuser:
        return "This publication was submitted to another reviewer."
    return None


def available(user, publication: Publication) -> list[Transition]:
    """The transitions this user may make on this publication now, in the table's order."""
    return [t for t in TRANSITIONS.values() if refusal(user, t, publication) is None]

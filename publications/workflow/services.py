"""Workflow transitions, each a service with a permission check: the write, its history row,
what follows a catalogue change (publications.changes), and the emails after commit."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from publications import queue
from publications.changes import catalogue_changed
from publications.models import Publication, site_today
from publications.workflow.history import PublicationTransition
from publications.workflow.rules import TRANSITIONS, Action, is_publisher, refusal

# What a transition may write, besides updated_at.
WORKFLOW_FIELDS = (
    "status",
    "release_at",
    "visible_from",
    "publication_date",
    "reviewer",
    "withdrawn_reason",
    "withdrawn_at",
    "announce",
    "first_published_at",
    "publish_batch",
    "updated_at",
)
CLOCK, IMPORT = "schedule", "import"  # actor labels of the system's own moves


class TransitionRefused(Exception):
    """The transition is not allowed; the message says why, for staff."""


def publication_submit(*, publication: Publication, actor, reviewer=None, comment: str = ""):
    """Draft to in review; `reviewer` (a Publisher) is asked, else every Publisher may review."""
    if reviewer is not None and not is_publisher(reviewer):
        raise TransitionRefused(f"{reviewer} is not a Publisher and cannot review.")
    return _transition(publication, Action.SUBMIT, actor=actor, comment=comment, reviewer=reviewer)


def publication_approve(
    *,
    publication: Publication,
    actor,
    comment: str = "",
    release_at: datetime.datetime | None = None,
) -> PublicationTransition:
    """In review to approved; with a release time, scheduled for it at once as well."""
    if release_at is not None:
        _check_release_time(release_at)
    with transaction.atomic():
        done = _transition(publication, Action.APPROVE, actor=actor, comment=comment)
        if release_at is None:
            return done
        return _transition(publication, Action.SCHEDULE, actor=actor, release_at=release_at)


def publication_send_back(*, publication: Publication, actor, comment: str):
    """In review back to draft, saying why (the submitter is told)."""
    return _transition(publication, Action.SEND_BACK, actor=actor, comment=comment)


def publication_schedule(
    *, publication: Publication, actor, release_at: datetime.datetime, comment: str = ""
) -> PublicationTransition:
    """Approved to scheduled for a release time ahead; the date shown becomes its day."""
    _check_release_time(release_at)
    return _transition(
        publication, Action.SCHEDULE, actor=actor, comment=comment, release_at=release_at
    )


def publication_publish(
    *, publication: Publication, actor, comment: str = "", batch: uuid.UUID | None = None
) -> PublicationTransition:
    """Approved to published now (announced, if it is to be)."""
    return _transition(publication, Action.PUBLISH, actor=actor, comment=comment, batch=batch)


def publication_unschedule(*, publication: Publication, actor, comment: str = ""):
    """Scheduled back to approved: not released until scheduled or published again."""
    return _transition(publication, Action.UNSCHEDULE, actor=actor, comment=comment)


def publication_withdraw(*, publication: Publication, actor, reason: str):
    """Published to withdrawn: its page and files answer 410 with the reason; never announced
    after this, even if reinstated."""
    return _transition(publication, Action.WITHDRAW, actor=actor, comment=reason)


def publication_reinstate(*, publication: Publication, actor, comment: str = ""):
    """Withdrawn back to published at its old release time, without an announcement."""
    return _transition(publication, Action.REINSTATE, actor=actor, comment=comment)


def publications_publish(*, publications: QuerySet[Publication], actor) -> tuple[int, int]:
    """The admin's bulk publish: each approved one published now, in one batch (one digest);
    return (published, refused)."""
    return _each(publications, partial(publication_publish, actor=actor, batch=uuid.uuid4()))


def publications_unschedule(*, publications: QuerySet[Publication], actor) -> tuple[int, int]:
    """The admin's bulk unpublish: scheduled ones back to approved; a published one is refused
    (withdrawing needs a reason, given on its page). Return (changed, refused)."""
    return _each(publications, partial(publication_unschedule, actor=actor))


def publications_release_due() -> int:
    """Mark scheduled publications whose release time has come as published, one batch, once.
    Rows are locked and skipped when another run holds them, and the status is checked again
    under the lock, so two beats or workers release each item once."""
    batch = uuid.uuid4()
    with transaction.atomic():
        due = Publication.objects.due().select_for_update(skip_locked=True).order_by("pk")
        released = [
            _transition(p, Action.RELEASE, actor=None, actor_label=CLOCK, batch=batch) for p in due
        ]
    return len(released)


def _each(publications: QuerySet[Publication], apply) -> tuple[int, int]:
    done = refused = 0
    with transaction.atomic():
        for publication in Publication.objects.filter(pk__in=publications.values("pk")):
            try:
                apply(publication=publication)
                done += 1
            except TransitionRefused:
                refused += 1
    return done, refused


def _check_release_time(release_at: datetime.datetime) -> None:
    if timezone.is_naive(release_at):
        raise TransitionRefused("A release time needs a time zone.")
    if release_at <= timezone.now():
        raise TransitionRefused("The release time must lie ahead; publish now instead.")


def _transition(
    publication: Publication,
    action: Action,
    *,
    actor,
    actor_label: str = "",
    comment: str = "",
    reviewer=None,
    release_at: datetime.datetime | None = None,
    batch: uuid.UUID | None = None,
) -> PublicationTransition:
    transition = TRANSITIONS[action]
    comment = comment.strip()
    with transaction.atomic():
        # Locked and read again: the state checked is the one written over.
        locked = Publication.objects.select_for_update().get(pk=publication.pk)
        reason = refusal(actor, transition, locked) if actor is not None else None
        if actor is None and locked.status not in transition.sources:
            reason = f"A publication that is {locked.get_status_display().lower()} is not due."
        if reason is None and transition.needs_comment and not comment:
            reason = "A reason is required." if action == Action.WITHDRAW else "Say why."
        if reason is not None:
            raise TransitionRefused(reason)
        before = locked.status
        visible_before, was_public = locked.visible_from, locked.first_published_at is not None
        _apply(locked, action, comment=comment, reviewer=reviewer, release_at=release_at)
        locked.status = transition.target
        locked.refresh_release()
        locked.mark_public(batch)
        locked.save(update_fields=WORKFLOW_FIELDS)
        record = PublicationTransition.objects.create(
            publication=locked,
            action=action,
            from_status=before,
            to_status=locked.status,
            actor=actor,
            actor_label=actor_label or actor.get_username(),
            comment=comment,
            reviewer=locked.reviewer,
            release_at=locked.release_at if locked.visible_from else None,
        )
        catalogue_changed(
            ids=[locked.pk],
            visibility_changed=locked.visible_from != visible_before,
            released=not was_public and locked.first_published_at is not None,
        )
        transaction.on_commit(partial(queue.send_transition_emails, record.pk))
    _copy(locked, publication)
    return record


def _apply(publication: Publication, action: Action, *, comment, reviewer, release_at) -> None:
    """The fields a transition sets besides its target state."""
    now = timezone.now()
    if action == Action.SUBMIT:
        publication.reviewer = reviewer
    elif action in (Action.APPROVE, Action.SEND_BACK):
        publication.reviewer = None
    elif action == Action.SCHEDULE:
        publication.release_at = release_at
        publication.publication_date = timezone.localdate(
            release_at, timezone.get_default_timezone()
        )
    elif action == Action.PUBLISH:
        publication.release_at = now
        # The date shown may not lie after the day it became public.
        publication.publication_date = min(publication.publication_date, site_today())
    elif action == Action.WITHDRAW:
        publication.withdrawn_reason, publication.withdrawn_at = comment, now
        # Whatever was not announced yet never will be (nor after a reinstatement).
        publication.announce = False
    elif action == Action.REINSTATE:
        publication.withdrawn_reason, publication.withdrawn_at = "", None


def _copy(source: Publication, target: Publication) -> None:
    if source is not target:
        for name in WORKFLOW_FIELDS:
            attname = "reviewer_id" if name == "reviewer" else name
            setattr(target, attname, getattr(source, attname))


def publication_record_import(*, publication: Publication, from_status: str) -> None:
    """The import sets any state directly, as a Publisher would; its history says "import"."""
    publications_record_import(publications=[publication], from_status=from_status)


def publications_record_import(*, publications: Sequence[Publication], from_status: str) -> None:
    """The same for publications the import wrote together (all from `from_status`)."""
    PublicationTransition.objects.bulk_create(
        PublicationTransition(
            publication=publication,
            action="import",
            from_status=from_status,
            to_status=publication.status,
            actor_label=IMPORT,
            comment=publication.withdrawn_reason,
            release_at=publication.visible_from,
        )
        for publication in publications
        if from_status != publication.status
    )

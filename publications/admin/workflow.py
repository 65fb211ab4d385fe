"""The workflow in the admin: the transitions a user may make, as buttons posting to one admin
view that calls the services; the history as a timeline; the "waiting for me" filter."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from publications.models import Publication, Status
from publications.workflow import services
from publications.workflow.history import PublicationTransition
from publications.workflow.rules import Action, available, is_publisher, publishers
from publications.workflow.services import TransitionRefused


def transition_run(*, publication: Publication, action: str, user, data: QueryDict):
    """Parse the panel's fields and make the transition; TransitionRefused says why not."""
    try:
        action = Action(action)
    except ValueError as exc:
        raise TransitionRefused("No such transition.") from exc
    comment = data.get("workflow_comment", "")
    release_at = release_time(data.get("workflow_release_at", ""))
    common = {"publication": publication, "actor": user}
    if action == Action.SUBMIT:
        reviewer = data.get("workflow_reviewer", "")
        reviewer = publishers().filter(pk=reviewer).first() if reviewer.isdigit() else None
        return services.publication_submit(**common, reviewer=reviewer, comment=comment)
    if action == Action.APPROVE:
        return services.publication_approve(**common, comment=comment, release_at=release_at)
    if action == Action.SCHEDULE:
        if release_at is None:
            raise TransitionRefused("Give the release time.")
        return services.publication_schedule(**common, release_at=release_at, comment=comment)
    if action == Action.WITHDRAW:
        return services.publication_withdraw(**common, reason=comment)
    if action == Action.SEND_BACK:
        return services.publication_send_back(**common, comment=comment)
    others = {
        Action.PUBLISH: services.publication_publish,
        Action.UNSCHEDULE: services.publication_unschedule,
        Action.REINSTATE: services.publication_reinstate,
    }
    if action not in others:
        raise TransitionRefused("That transition is not made by hand.")
    return others[action](**common, comment=comment)


def release_time(value: str) -> datetime.datetime | None:
    """A datetime-local value, in the zone the staff member sees (their browser's, activated by
    config.timezones), as an aware time; "" is None."""
    value = value.strip()
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError as exc:
        raise TransitionRefused(f"{value!r} is not a date and time.") from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


def workflow_panel(publication: Publication, user) -> str:
    """The state, the release time, and a button per transition this user may make now."""
    if publication.pk is None:
        return "Saved as a draft; submit it for review once saved."
    transitions = available(user, publication)
    parts = [
        format_html(
            "<p><strong>{}</strong>{}</p>", publication.get_status_display(), _when(publication)
        )
    ]
    if publication.status == Status.WITHDRAWN:
        parts.append(format_html("<p>Reason: {}</p>", publication.withdrawn_reason))
    if transitions:
        parts.append(_fields(publication, {t.action for t in transitions}))
        parts.append(
            format_html_join(
                " ",
                '<button type="submit" class="button workflow__button" formnovalidate '
                'formaction="{}" data-action="{}">{}</button>',
                (
                    (
                        reverse(
                            "admin:publications_publication_transition",
                            args=[publication.pk, t.action],
                        ),
                        t.action,
                        t.label,
                    )
                    for t in transitions
                ),
            )
        )
        parts.append(
            format_html('<p class="help">{}</p>', "Unsaved edits are not kept: save first.")
        )
    return format_html(
        '<div class="workflow">{}</div>', format_html_join("", "{}", ((p,) for p in parts))
    )


def _when(publication: Publication) -> str:
    if publication.status == Status.IN_REVIEW:
        who = publication.reviewer.get_username() if publication.reviewer else "any Publisher"
        return format_html(" — waiting for {}", who)
    if publication.visible_from is None:
        return ""
    shown = f"{timezone.localtime(publication.visible_from):%Y-%m-%d %H:%M %Z}"
    verb = "releases" if publication.status == Status.SCHEDULED else "released"
    return format_html(" — {} {}", verb, shown)


COMMENT_FIELD = mark_safe(  # a constant
    '<label for="id_workflow_comment">Comment (the reason, to send back or withdraw)</label>'
    '<textarea id="id_workflow_comment" name="workflow_comment" rows="2" cols="60"></textarea>'
)


def _fields(publication: Publication, actions: set[Action]) -> str:
    fields = [COMMENT_FIELD]
    if Action.SUBMIT in actions:
        options = format_html_join(
            "", '<option value="{}">{}</option>', ((u.pk, u.get_username()) for u in publishers())
        )
        fields.append(
            format_html(
                '<label for="id_workflow_reviewer">Reviewer</label>'
                '<select id="id_workflow_reviewer" name="workflow_reviewer">'
                '<option value="">Any Publisher</option>{}</select>',
                options,
            )
        )
    if actions & {Action.APPROVE, Action.SCHEDULE}:
        fields.append(
            format_html(
                '<label for="id_workflow_release_at">Release time ({}; approving with one '
                "schedules it)</label>"
                '<input type="datetime-local" id="id_workflow_release_at" '
                'name="workflow_release_at" step="60">',
                timezone.get_current_timezone_name(),
            )
        )
    return format_html_join("", "<div>{}</div>", ((f,) for f in fields))


def history_timeline(publication: Publication) -> str:
    """Every transition, newest first: when, who, from and to, the comment."""
    if publication.pk is None:
        return "—"
    rows = PublicationTransition.objects.filter(publication=publication).select_related("reviewer")
    if not rows:
        return "No transitions yet."
    return format_html(
        '<ol class="workflow-history">{}</ol>',
        format_html_join(
            "",
            '<li><time datetime="{}">{}</time> {}: {} → {}{}{}</li>',
            (
                (
                    row.created_at.isoformat(),
                    f"{timezone.localtime(row.created_at):%Y-%m-%d %H:%M}",
                    row.actor_label,
                    row.get_from_status_display(),
                    row.get_to_status_display(),
                    format_html(" (reviewer: {})", row.reviewer.get_username())
                    if row.reviewer
                    else "",
                    format_html(" — “{}”", row.comment) if row.comment else "",
                )
                for row in rows
            ),
        ),
    )


class WaitingForMeFilter(admin.SimpleListFilter):
    title = "waiting for"
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("me", "Waiting for me")]

    def queryset(self, request, queryset):
        if self.value() != "me":
            return queryset
        return queryset.filter(waiting_for(request.user))


def waiting_for(user) -> Q:
    """In review and asked of this user (or of no one, for a Publisher); approved items wait
    for every Publisher to schedule or publish them; a draft sent back waits for its editor."""
    sent_back = PublicationTransition.objects.filter(action=Action.SEND_BACK)
    mine = Q(status=Status.DRAFT, pk__in=_latest_submissions_by(user)) & Q(
        pk__in=sent_back.values("publication_id")
    )
    if not is_publisher(user):
        return mine
    return (
        mine
        | Q(status=Status.IN_REVIEW, reviewer=user)
        | Q(status=Status.IN_REVIEW, reviewer=None)
        | Q(status=Status.APPROVED)
    )


def _latest_submissions_by(user):
    return PublicationTransition.objects.filter(action=Action.SUBMIT, actor=user).values(
        "publication_id"
    )

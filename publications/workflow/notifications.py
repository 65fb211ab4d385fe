"""Emails to staff about the workflow, sent by a task after the transition commits: reviewers
when something is submitted to them, the submitter when it is sent back or published. Built as
the newsletter's are (templates/email/<name>/: subject.txt, body.txt, body.html), without list
headers: these go to colleagues, not subscribers."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from publications.workflow.history import PublicationTransition
from publications.workflow.rules import Action, publishers

EMAILS = {
    Action.SUBMIT: "review_request",
    Action.SEND_BACK: "sent_back",
    Action.PUBLISH: "published_notice",
    Action.RELEASE: "published_notice",
}


def transition_notify(*, transition_id: int) -> int:
    """Send the emails this transition calls for; return how many went."""
    transition = (
        PublicationTransition.objects.select_related("publication", "actor", "reviewer")
        .filter(pk=transition_id)
        .first()
    )
    if transition is None or transition.action not in EMAILS:
        return 0
    messages = [
        transition_email(transition=transition, to=address) for address in recipients(transition)
    ]
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


def recipients(transition: PublicationTransition) -> list[str]:
    """The addresses a transition concerns, never the person who made it."""
    if transition.action == Action.SUBMIT:
        people = [transition.reviewer] if transition.reviewer else list(publishers())
    else:
        people = [submitter(transition)]
    addresses = {
        person.email
        for person in people
        if person is not None and person.email and person.pk != transition.actor_id
    }
    return sorted(addresses)


def submitter(transition: PublicationTransition):
    """Who last submitted this publication for review before this transition."""
    submission = (
        PublicationTransition.objects.filter(
            publication_id=transition.publication_id,
            action=Action.SUBMIT,
            created_at__lte=transition.created_at,
        )
        .exclude(actor=None)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    return submission.actor if submission else None


def transition_email(*, transition: PublicationTransition, to: str) -> EmailMultiAlternatives:
    publication = transition.publication
    context = {
        "site_name": settings.SITE_NAME,
        "transition": transition,
        "publication": publication,
        "admin_url": settings.SITE_URL
        + reverse("admin:publications_publication_change", args=[publication.pk]),
        "page_url": settings.SITE_URL + publication.get_absolute_url(),
    }
    name = EMAILS[Action(transition.action)]
    subject = render_to_string(f"email/{name}/subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # a header is one line, whatever the title holds
        body=render_to_string(f"email/{name}/body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(render_to_string(f"email/{name}/body.html", context), "text/html")
    return message

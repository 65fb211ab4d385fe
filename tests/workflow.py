"""Moving publications through the editorial workflow in tests, as its users would."""

from __future__ import annotations

import importlib

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import QuerySet

from publications.models import Publication, Status
from publications.workflow import services as workflow
from publications.workflow.rules import EDITORS, PUBLISHERS

# The roles as migration 0008 makes them; made again here when a transactional test's flush
# has emptied the groups table.
ROLES = importlib.import_module("publications.migrations.0008_release_at_and_roles").ROLES


def role(name: str) -> Group:
    group, created = Group.objects.get_or_create(name=name)
    if created:
        codenames = ROLES[name]
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="publications", codename__in=codenames
            )
        )
    return group


def staff_member(username: str, *, role_name: str) -> object:
    """An active staff user in one of the roles (Editors or Publishers) migration 0008 made."""
    user, _ = get_user_model().objects.get_or_create(
        username=username,
        defaults={"is_staff": True, "email": f"{username}@example.org"},
    )
    user.groups.add(role(role_name))
    return user


def publisher(username: str = "publisher") -> object:
    return staff_member(username, role_name=PUBLISHERS)


def editor(username: str = "editor") -> object:
    return staff_member(username, role_name=EDITORS)


def approve(publications: QuerySet[Publication]) -> None:
    """Take drafts through review to approved: submitted by an editor, approved by a Publisher."""
    for publication in publications.filter(status=Status.DRAFT):
        workflow.publication_submit(publication=publication, actor=editor())
    for publication in Publication.objects.filter(
        pk__in=publications.values("pk"), status=Status.IN_REVIEW
    ):
        workflow.publication_approve(publication=publication, actor=publisher())


def publish(publications: QuerySet[Publication]) -> int:
    """Drafts through review, then the admin's bulk publish (one batch); how many published."""
    approve(publications)
    return workflow.publications_publish(publications=publications, actor=publisher())[0]


def withdraw(publications: QuerySet[Publication], reason: str = "Withdrawn in a test.") -> int:
    """Withdraw the published ones among these; how many."""
    withdrawn = 0
    for publication in publications.filter(status=Status.PUBLISHED):
        workflow.publication_withdraw(publication=publication, actor=publisher(), reason=reason)
        withdrawn += 1
    return withdrawn

"""The publication admin's workflow views and actions, a mixin: each calls a workflow service,
which checks the permission and the state."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from publications.admin.workflow import history_timeline, transition_run
from publications.workflow import services as workflow
from publications.workflow.rules import is_publisher
from publications.workflow.services import TransitionRefused


class WorkflowAdminMixin:
    def workflow_urls(self):
        view = self.admin_site.admin_view(self.transition_view)
        name = "publications_publication_transition"
        return [path("<path:object_id>/transition/<str:action>/", view, name=name)]

    @method_decorator(require_POST)
    def transition_view(self, request, object_id, action):
        """A workflow button of the change form (admin.workflow.workflow_panel)."""
        publication = self.get_object(request, unquote(object_id))
        if publication is None:
            raise Http404("No such publication.")
        if not self.has_change_permission(request, publication):
            raise PermissionDenied
        try:
            done = transition_run(
                publication=publication, action=action, user=request.user, data=request.POST
            )
        except TransitionRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            message = f"“{publication}” is now {done.get_to_status_display().lower()}."
            self.message_user(request, message, messages.SUCCESS)
        return redirect("admin:publications_publication_change", publication.pk)

    @admin.display(description="history")
    def history(self, obj):
        return history_timeline(obj)

    def has_publish_permission(self, request):
        return is_publisher(request.user)

    @admin.action(description="Publish selected approved publications", permissions=["publish"])
    def publish_selected(self, request, queryset):
        changed, refused = workflow.publications_publish(publications=queryset, actor=request.user)
        message = ngettext(
            "%(count)d publication published.", "%(count)d publications published.", changed
        )
        self._report(request, message % {"count": changed}, changed, refused, "approved")

    @admin.action(description="Unschedule selected publications", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        changed, refused = workflow.publications_unschedule(
            publications=queryset, actor=request.user
        )
        message = ngettext(
            "%(count)d publication returned to approved.",
            "%(count)d publications returned to approved.",
            changed,
        )
        self._report(request, message % {"count": changed}, changed, refused, "scheduled")

    def _report(self, request, message, changed, refused, state):
        if refused:
            # Published ones are withdrawn on their own page, with the reason readers see.
            message += ngettext(
                " %(count)d left as it was: only %(state)s ones can be.",
                " %(count)d left as they were: only %(state)s ones can be.",
                refused,
            ) % {"count": refused, "state": state}
        self.message_user(request, message, messages.SUCCESS if changed else messages.WARNING)

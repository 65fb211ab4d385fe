"""Campaigns with their counts; staff with "send campaigns" compose, preview, test and send."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from newsletter.models import Campaign, CampaignKind, CampaignStatus, Delivery
from newsletter.rendering import PREVIEW_TOKEN, CampaignRenderer
from newsletter.services import campaigns as services
from publications.models import Publication

SEND_PERMISSION = "newsletter.send_campaign"


class CampaignForm(forms.ModelForm):
    chosen_publications = forms.ModelMultipleChoiceField(
        label="Publications",
        queryset=Publication.objects.published().newest_first(),
        widget=FilteredSelectMultiple("publications", is_stacked=False),
        help_text="Readers get those in their topics; readers of none of them get nothing.",
    )

    class Meta:
        model = Campaign
        fields = ["subject", "intro"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            chosen = self.instance.items.values_list("publication_id", flat=True)
            self.fields["chosen_publications"].initial = list(chosen)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    list_display = [
        "subject",
        "kind",
        "status",
        "created_at",
        "recipients",
        "queued",
        "sent",
        "failed",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["subject"]
    readonly_fields = ["kind", "status", "created_by", "queued_at", "finished_at", "counts"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    def get_fields(self, request, obj=None):
        if obj is None or obj.status == CampaignStatus.DRAFT:
            return ["subject", "intro", "chosen_publications"]
        return ["subject", "kind", "status", "created_by", "queued_at", "finished_at", "counts"]

    def has_add_permission(self, request):
        return request.user.has_perm(SEND_PERMISSION)

    def has_change_permission(self, request, obj=None):
        allowed = request.user.has_perm(SEND_PERMISSION)
        return allowed and (obj is None or obj.status == CampaignStatus.DRAFT)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.has_perm(SEND_PERMISSION)

    @admin.display(description="queued", ordering="queued_count")
    def queued(self, obj):
        return obj.queued_count

    @admin.display(description="sent", ordering="sent_count")
    def sent(self, obj):
        return obj.sent_count

    @admin.display(description="failed", ordering="failed_count")
    def failed(self, obj):
        return obj.failed_count

    @admin.display(description="deliveries")
    def counts(self, obj):
        return (
            f"{obj.queued_count} queued, {obj.sent_count} sent, {obj.failed_count} failed, "
            f"{obj.skipped_count} skipped"
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.kind, obj.created_by = CampaignKind.MANUAL, request.user
        obj.save()

    def save_related(self, request, form, formsets, change):
        chosen = form.cleaned_data["chosen_publications"]
        services.campaign_set_publications(campaign=form.instance, publications=list(chosen))

    def get_urls(self):
        def view(name, func):
            url = f"<path:object_id>/{name}/"
            wrapped = self.admin_site.admin_view(func)
            return path(url, wrapped, name=f"newsletter_campaign_{name.replace('-', '_')}")

        return [
            view("preview-html", self.preview_html_view),
            view("preview-text", self.preview_text_view),
            view("send-test", self.send_test_view),
            view("send", self.send_view),
            *super().get_urls(),
        ]

    def _draft(self, request, object_id):
        if not request.user.has_perm(SEND_PERMISSION):
            raise PermissionDenied
        campaign = self.get_object(request, unquote(object_id))
        if campaign is None:
            raise Http404("No such campaign.")
        return campaign

    def _rendered(self, campaign):
        renderer = CampaignRenderer(campaign)
        return renderer.rendered(renderer.publications).personalised(PREVIEW_TOKEN)

    def preview_html_view(self, request, object_id):
        """The campaign's HTML part, as readers of every topic get it."""
        response = HttpResponse(self._rendered(self._draft(request, object_id)).html)
        # The email's own inline styles; nothing else on this response is ours to load.
        response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response

    def preview_text_view(self, request, object_id):
        """The campaign's plain-text part and subject."""
        rendered = self._rendered(self._draft(request, object_id))
        body = f"Subject: {rendered.subject}\n\n{rendered.text}"
        return HttpResponse(body, content_type="text/plain; charset=utf-8")

    def send_test_view(self, request, object_id):
        campaign = self._draft(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(campaign))
        if not request.user.email:
            self.message_user(request, "Your account has no email address.", messages.ERROR)
        else:
            services.campaign_send_test_request(campaign=campaign, email=request.user.email)
            self.message_user(request, f"A test is on its way to {request.user.email}.")
        return HttpResponseRedirect(self._change_url(campaign))

    def send_view(self, request, object_id):
        """A confirmation step, then every matching subscriber gets the campaign."""
        campaign = self._draft(request, object_id)
        if campaign.status != CampaignStatus.DRAFT:
            self.message_user(request, "This campaign has already been sent.", messages.WARNING)
            return HttpResponseRedirect(self._change_url(campaign))
        if request.method == "POST":
            recipients = services.campaign_queue(campaign=campaign)
            self.message_user(request, f"Sending to {recipients} subscribers.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:newsletter_campaign_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Send this campaign?",
            "campaign": campaign,
            "recipients": services.campaign_audience(campaign=campaign).count(),
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/newsletter/campaign/send_confirmation.html", context
        )

    def _change_url(self, campaign):
        return reverse("admin:newsletter_campaign_change", args=[campaign.pk])

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.status == CampaignStatus.DRAFT:
            context["campaign_actions"] = request.user.has_perm(SEND_PERMISSION)
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["campaign", "subscriber", "status", "attempts", "sent_at", "error"]
    list_filter = ["status"]
    search_fields = ["subscriber__email", "campaign__subject"]
    list_select_related = ["campaign", "subscriber"]
    readonly_fields = [
        "campaign", "subscriber", "status", "attempts", "error", "lease_until",
        "next_attempt_at", "sent_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

"""Subscribers: who, in what state, with what consent; export, unsubscribe on request, erasure."""

import csv

from django.contrib import admin, messages
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import ngettext

from newsletter.models import ConsentRecord, Subscriber, SuppressedAddress
from newsletter.services import subscribers as services

CSV_COLUMNS = [
    "email",
    "status",
    "topics",
    "created_at",
    "confirmed_at",
    "unsubscribed_at",
    "suppression_reason",
    "consent_at",
    "consent_ip",
    "consent_form_version",
]


class ConsentInline(admin.TabularInline):
    model = ConsentRecord
    fields = ["created_at", "ip_address", "user_agent", "form_version", "topics", "wording"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "status",
        "topic_list",
        "latest_consent",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "suppression_reason",
    ]
    list_filter = ["status", "suppression_reason", "topics", "created_at", "confirmed_at"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = [
        "email",
        "status",
        "topics",
        "created_at",
        "pending_since",
        "confirmed_at",
        "unsubscribed_at",
        "suppressed_at",
        "suppression_reason",
    ]
    readonly_fields = [name for name in fields if name != "topics"]
    filter_horizontal = ["topics"]
    inlines = [ConsentInline]
    actions = ["export_csv", "unsubscribe_on_request", "erase_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics", "consents")

    def has_add_permission(self, request):
        return False  # subscribers come only through the double opt-in signup

    def has_export_permission(self, request):
        return request.user.has_perm("newsletter.export_subscribers")

    @admin.display(description="topics")
    def topic_list(self, obj):
        return ", ".join(topic.name for topic in obj.topics.all()) or "All topics"

    @admin.display(description="consent")
    def latest_consent(self, obj):
        consents = list(obj.consents.all())
        if not consents:
            return "—"
        latest = consents[0]
        return f"{timezone.localtime(latest.created_at):%Y-%m-%d %H:%M} v{latest.form_version}"

    @admin.action(description="Export selected subscribers as CSV", permissions=["export"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="subscribers.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for subscriber in queryset.prefetch_related("topics", "consents"):
            writer.writerow([_cell(value) for value in _csv_row(subscriber)])
        return response

    @admin.action(description="Unsubscribe selected (on request)", permissions=["change"])
    def unsubscribe_on_request(self, request, queryset):
        changed = sum(services.subscriber_unsubscribe(subscriber=s) for s in queryset)
        message = ngettext(
            "%(count)d subscriber unsubscribed.", "%(count)d subscribers unsubscribed.", changed
        )
        self.message_user(request, message % {"count": changed}, messages.SUCCESS)

    @admin.action(
        description="Erase selected (delete their data, keep a hash)", permissions=["delete"]
    )
    def erase_selected(self, request, queryset):
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Erase subscribers?",
                "subscribers": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(
                request, "admin/newsletter/subscriber/erase_confirmation.html", context
            )
        erased = 0
        for subscriber in queryset:
            services.subscriber_erase(subscriber=subscriber)
            erased += 1
        message = ngettext("%(count)d subscriber erased.", "%(count)d subscribers erased.", erased)
        self.message_user(request, message % {"count": erased}, messages.SUCCESS)
        return None


def _csv_row(subscriber):
    consents = list(subscriber.consents.all())
    latest = consents[0] if consents else None
    return [
        subscriber.email,
        subscriber.status,
        "; ".join(topic.name for topic in subscriber.topics.all()),
        subscriber.created_at.isoformat(),
        subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else "",
        subscriber.unsubscribed_at.isoformat() if subscriber.unsubscribed_at else "",
        subscriber.suppression_reason,
        latest.created_at.isoformat() if latest else "",
        (latest.ip_address or "") if latest else "",
        latest.form_version if latest else "",
    ]


def _cell(value: str) -> str:
    # A cell that starts like a formula is run by spreadsheets: make it text.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(admin.ModelAdmin):
    list_display = ["address_sha256", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["address_sha256"]
    readonly_fields = ["address_sha256", "reason", "created_at"]

    def has_add_permission(self, request):
        return False

"""Mailboxes and the messages that came in (SPEC D13, C2): failed messages are retried from here."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from .forms import MailboxForm
from .models import InboundEmail, Mailbox
from .processing import retry


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = [
        "address", "name", "team", "category", "is_active", "imap_host", "last_polled_at", "last_poll_error",
    ]
    list_filter = ["is_active", "header_threading"]
    search_fields = ["address", "name"]
    readonly_fields = ["last_polled_at", "last_poll_error", "imap_last_uid"]
    fieldsets = [
        (None, {"fields": ["name", "address", "category", "team", "header_threading", "is_active"]}),
        ("IMAP", {"fields": ["imap_host", "imap_port", "imap_security", "imap_user", "imap_password",
                             "clear_password", "imap_folder"]}),
        ("Polling", {"fields": ["last_polled_at", "last_poll_error", "imap_last_uid"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.imap_password:
            # The form has no "remove the password" box when there is none to remove.
            return [
                (name, {**options, "fields": [f for f in options["fields"] if f != "clear_password"]})
                for name, options in fieldsets
            ]
        return fieldsets

    def has_delete_permission(self, request, obj=None):
        # Messages keep their mailbox: one that has received mail is made inactive instead.
        if obj is not None and obj.inbound.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "mailbox", "sender", "subject", "state", "attempts", "ticket_link", "short_error"]
    list_filter = ["state", "source", "mailbox"]
    search_fields = ["subject", "sender", "message_id"]
    date_hierarchy = "received_at"
    list_select_related = ["mailbox", "ticket"]
    actions = ["process_again"]
    readonly_fields = [
        "mailbox", "source", "original", "size", "message_id", "sender", "sender_address", "subject", "state", "error",
        "attempts", "received_at", "updated_at", "processed_at", "ticket_link", "activity",
    ]
    fields = readonly_fields  # shown, never edited: the raw bytes and the dedupe key stay out of the page

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Ticket")
    def ticket_link(self, obj):
        if obj.ticket_id is None:
            return "—"
        url = reverse("tickets:ticket_detail", args=[obj.ticket_id])
        return format_html('<a href="{}">T-{:06d}</a>', url, obj.ticket_id)

    @admin.display(description="Original")
    def original(self, obj):
        # Stored messages are never served from a public URL: the ticket page shows them to agents.
        if obj.activity_id and obj.ticket_id:
            url = reverse("mail:email_original", args=[obj.ticket_id, obj.activity_id])
            return format_html('<a href="{}">Show original</a>', url)
        return obj.raw.name

    def has_process_permission(self, request):
        return request.user.has_perm("mail.change_inboundemail")

    @admin.display(description="Reason")
    def short_error(self, obj):
        return (obj.error[:80] + "…") if len(obj.error) > 80 else obj.error

    @admin.action(description="Process again", permissions=["process"])
    def process_again(self, request, queryset):
        count = retry(queryset.values_list("pk", flat=True))
        skipped = queryset.count() - count
        plural = "s" if count != 1 else ""
        self.message_user(request, f"{count} message{plural} will be processed again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} already on a ticket or waiting: left as they are.", messages.WARNING
            )

"""Django admin for the ticket domain (SPEC C2).

An admin's edit of a ticket goes through the actions, so it is checked by the same rules and
logged in the ticket's history like any other change. So do deletes: a ticket is deleted by
`actions.delete_ticket` (the tickets linked to it are told, its files removed), and deleting what
tickets use (a contact, an account, a person, and in configurations a tag, sub-status, team or
custom field) takes it off each ticket through the actions first (`RemovalAdminMixin`).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import models, transaction

from . import actions
from .models import (
    Account,
    Activity,
    Attachment,
    Contact,
    CustomFieldValue,
    Ticket,
    TicketEvent,
    TicketExport,
    TicketImport,
    UserPreference,
)


class RemovalAdminMixin:
    """Deletes go through `actions.start_removal`: each ticket using the object gets its history event.

    More tickets than HELPDESK_INLINE_REMOVAL_LIMIT are changed in the background; the admin says
    so, and the Notification Center tells when it is done.
    """

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            count = actions.tickets_using(obj).count()
            if count:
                deleted.append(f"{count:,} ticket{'s' if count != 1 else ''} using “{obj}” are changed first, "
                               "each with an entry in its history")
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        removal, _ = actions.start_removal(request.user, obj)
        if removal is not None:
            request._helpdesk_removals = [*getattr(request, "_helpdesk_removals", []), removal]

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        for removal in getattr(request, "_helpdesk_removals", []):
            message = (f"{removal.label} is being taken off {removal.tickets_total:,} tickets in the background; "
                       "it is deleted once that is done, and you will be told in the Notification Center.")
        request._helpdesk_removals = []
        return super().message_user(request, message, level, *args, **kwargs)


class TicketAdminForm(forms.ModelForm):
    """Validates like a model form, then applies the change through the actions in one `update_ticket`.

    The actions run in `_post_clean`, once every field is valid, inside the admin's transaction:
    a rule they refuse becomes a form error and nothing is saved. Fields post the value they were
    loaded with (`show_hidden_initial`), so only what the admin changed is saved, and a change
    someone made meanwhile refuses the save only if it touched the same fields (SPEC D3).
    """

    # The version the form was loaded at (no lost update, SPEC D3). Not named "version": that name is
    # the model field shown read-only, and the admin excludes read-only names from the form.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    actor = None  # set per request by TicketAdmin.get_form

    class Meta:
        model = Ticket
        fields = [*actions.EDITABLE_FIELDS, "parent", "tags", "followers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.saved_ticket = None
        if not self.instance.pk:
            return
        self.fields["loaded_version"].initial = self.instance.version
        for name in ("deadline", "reopen_at"):
            # The admin edits to the second; a computed deadline's microseconds must not count as a change.
            if self.initial.get(name):
                self.initial[name] = self.initial[name].replace(microsecond=0)
        for name, field in self.fields.items():
            field.show_hidden_initial = name != "loaded_version"

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            with transaction.atomic():
                self.saved_ticket = self._apply()
        except actions.TicketRuleError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)

    def _loaded_ids(self, name):
        """The ids a many-to-many field was loaded with (posted back beside the field)."""
        widget = self.fields[name].hidden_widget()
        values = widget.value_from_datadict(self.data, self.files, self.add_initial_prefix(name))
        return {int(value) for value in values if str(value).isdigit()}

    def _delta(self, name):
        """(added, removed) of a many-to-many field, against what the form was loaded with."""
        if name not in self.changed_data:
            return [], []
        wanted = {obj.pk: obj for obj in self.cleaned_data.get(name) or []}
        loaded = self._loaded_ids(name)
        model = self.fields[name].queryset.model
        added = [wanted[pk] for pk in sorted(set(wanted) - loaded)]
        removed = list(model._default_manager.filter(pk__in=loaded - set(wanted)).order_by("pk"))
        return added, removed

    def _apply(self):
        data = self.cleaned_data
        fields = {name: data[name] for name in self.changed_data if name in actions.EDITABLE_FIELDS}
        if not self.instance.pk:
            fields.pop("title", None)
            return actions.create_ticket(
                self.actor, title=data["title"], parent=data.get("parent"), tags=data.get("tags") or (),
                followers=data.get("followers") or (), **fields,
            )
        add_tags, remove_tags = self._delta("tags")
        follow, unfollow = self._delta("followers")
        extra = {"parent": data["parent"]} if "parent" in self.changed_data else {}
        ticket = Ticket.objects.get(pk=self.instance.pk)
        return actions.update_ticket(
            ticket, self.actor, version=data.get("loaded_version") or ticket.version, add_tags=add_tags,
            remove_tags=remove_tags, follow=follow, unfollow=unfollow, **extra, **fields,
        )


class CustomFieldValueInline(admin.TabularInline):
    model = CustomFieldValue
    extra = 0
    can_delete = False
    readonly_fields = ["field", "text_value", "number_value", "date_value", "bool_value"]

    def has_add_permission(self, request, obj=None):
        return False


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "kind", "changes"]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    form = TicketAdminForm
    list_display = ["reference", "title", "status", "priority", "assignee", "team", "archived", "created_at"]
    list_filter = ["status", "priority", "archived", "ticket_type", "category", "team"]
    search_fields = ["id", "title", "contact__name", "contact__email", "contact__phone"]
    list_select_related = ["assignee", "team"]
    raw_id_fields = ["contact", "account", "parent", "assignee"]
    autocomplete_fields = ["tags"]
    filter_horizontal = ["followers"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = ["archived", "created_at", "updated_at", "resolved_at", "version", "created_by"]
    inlines = [CustomFieldValueInline, TicketEventInline]
    actions = ["archive_selected", "unarchive_selected"]

    @admin.display(description="ID", ordering="id")
    def reference(self, ticket):
        return ticket.reference

    def get_search_results(self, request, queryset, search_term):
        from .models.tickets import parse_reference

        pk = parse_reference(search_term)
        if pk is not None:
            return queryset.filter(pk=pk), False
        return super().get_search_results(request, queryset, search_term)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        # The form already saved through the actions; only hand the saved row back to the admin.
        obj.pk = form.saved_ticket.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # Tags and followers were saved through the actions and the inlines are read-only, so nothing
        # is written here; commit=False only records what changed, which the admin's log message reads
        # (without it every save ends in AttributeError: no attribute 'new_objects').
        for formset in formsets:
            formset.save(commit=False)

    def delete_model(self, request, obj):
        actions.delete_ticket(obj, request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for pk in queryset.values_list("pk", flat=True):
                actions.delete_ticket(pk, request.user)

    @admin.action(description="Archive selected tickets")
    def archive_selected(self, request, queryset):
        with transaction.atomic():
            for ticket in queryset:
                actions.archive(ticket, request.user)

    @admin.action(description="Unarchive selected tickets")
    def unarchive_selected(self, request, queryset):
        with transaction.atomic():
            for ticket in queryset:
                actions.unarchive(ticket, request.user)


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kind", "actor", "created_at"]
    list_filter = ["kind"]
    search_fields = ["ticket__id", "ticket__title"]
    raw_id_fields = ["ticket", "actor"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kind", "direction", "author", "subject", "recipient", "delivery_state", "created_at"]
    list_filter = ["kind", "direction", "delivery_state"]
    search_fields = ["subject", "body", "ticket__title", "message_id", "recipient", "send_key"]
    raw_id_fields = ["ticket", "author", "contact", "mentions"]
    show_full_result_count = False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "ticket", "content_type", "size", "uploaded_by", "created_at"]
    search_fields = ["original_name", "ticket__title"]
    list_filter = ["content_type"]
    raw_id_fields = ["ticket", "activity", "uploaded_by"]
    # Stored files have no public URL (MEDIA_URL is None); the default widget links to one and fails.
    formfield_overrides = {models.FileField: {"widget": forms.FileInput}}


@admin.register(Contact)
class ContactAdmin(RemovalAdminMixin, admin.ModelAdmin):
    list_display = ["name", "email", "phone", "account"]
    search_fields = ["name", "email", "phone", "account__name"]
    list_filter = ["account"]
    raw_id_fields = ["account"]


@admin.register(Account)
class AccountAdmin(RemovalAdminMixin, admin.ModelAdmin):
    list_display = ["name", "email", "phone", "sla_policy"]
    search_fields = ["name", "email", "phone"]
    list_filter = ["sla_policy"]


@admin.register(UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "sort_order", "show_completed", "panel_ratio"]
    search_fields = ["user__username"]
    list_filter = ["sort_order", "show_completed", "panel_ratio"]
    raw_id_fields = ["user"]


# --- Views sidebar and filter schemes (SPEC L7, L8) -----------------------------------------------

from .models import FilterScheme, MyViewEntry, TicketView  # noqa: E402


@admin.register(TicketView)
class TicketViewAdmin(admin.ModelAdmin):
    """Admins define team views here (SPEC L7): a name and the list's query string, e.g. tab=all&priority=high."""

    list_display = ["name", "owner", "is_team_view", "visibility", "is_folder", "query", "created_at"]
    list_filter = ["is_team_view", "visibility", "is_folder"]
    search_fields = ["name", "query", "owner__username"]
    raw_id_fields = ["owner"]
    fields = ["name", "query", "is_team_view", "visibility", "is_folder", "owner"]

    def get_changeform_initial_data(self, request):
        # A view added here is most often a team view made by the admin who adds it.
        return {"owner": request.user.pk, "is_team_view": True, "visibility": TicketView.Visibility.SHARED}


@admin.register(MyViewEntry)
class MyViewEntryAdmin(admin.ModelAdmin):
    list_display = ["user", "view", "parent", "position"]
    search_fields = ["user__username", "view__name"]
    raw_id_fields = ["user", "view", "parent"]
    list_select_related = ["user", "view", "parent__view"]


@admin.register(FilterScheme)
class FilterSchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "query", "created_at"]
    search_fields = ["name", "query", "owner__username"]
    raw_id_fields = ["owner"]


class JobAdmin(admin.ModelAdmin):
    """Exports and imports are records of what a worker did: shown, searchable, deletable, never edited."""

    date_hierarchy = "created_at"
    list_filter = ["state"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TicketExport)
class TicketExportAdmin(JobAdmin):
    list_display = ["file_name", "user", "state", "rows_done", "rows_total", "created_at", "finished_at"]
    search_fields = ["file_name", "user__username", "query"]
    fields = ["user", "file_name", "query", "state", "rows_done", "rows_total", "error", "created_at", "finished_at"]


@admin.register(TicketImport)
class TicketImportAdmin(JobAdmin):
    list_display = ["original_name", "user", "state", "rows_total", "created_count", "failed_count", "created_at"]
    search_fields = ["original_name", "user__username"]
    fields = [
        "user", "original_name", "state", "rows_total", "rows_done", "created_count", "failed_count", "report",
        "error", "created_at", "finished_at",
    ]


# --- people ------------------------------------------------------------------------------------------

User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(RemovalAdminMixin, UserAdmin):
    """Deleting a person unassigns and unfollows them on each ticket through the actions, logged there.

    Deactivating (untick Active) keeps their name on their tickets and in the history, and is
    usually what leaving the company calls for.
    """

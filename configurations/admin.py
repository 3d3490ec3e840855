from django.contrib import admin

from tickets.admin import RemovalAdminMixin

from .forms import ReplyTemplateForm
from .models import (
    Category,
    CustomField,
    Holiday,
    ReplyTemplate,
    SLAPolicy,
    SourceAccess,
    SubStatus,
    Tag,
    Team,
    TicketType,
    WorkingCalendar,
    WorkingHours,
)


@admin.register(Team)
class TeamAdmin(RemovalAdminMixin, admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name", "members__username"]
    filter_horizontal = ["members"]


@admin.register(Tag)
class TagAdmin(RemovalAdminMixin, admin.ModelAdmin):
    list_display = ["name", "color", "created_at"]
    search_fields = ["name"]


@admin.register(SubStatus)
class SubStatusAdmin(RemovalAdminMixin, admin.ModelAdmin):
    list_display = ["name", "status", "position", "notify_channel"]
    list_filter = ["status", "notify_channel"]
    search_fields = ["name", "notify_text"]
    ordering = ["status", "position"]


@admin.register(TicketType)
class TicketTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "customer_facing"]
    list_filter = ["customer_facing"]
    search_fields = ["name"]


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(WorkingCalendar)
class WorkingCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone"]
    search_fields = ["name"]
    inlines = [WorkingHoursInline, HolidayInline]


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "urgent_minutes", "high_minutes", "normal_minutes", "low_minutes"]
    search_fields = ["name"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "sla_policy", "calendar", "require_substatus_to_resolve", "require_reopen_date_for_pending"]
    list_filter = ["sla_policy", "calendar", "require_substatus_to_resolve", "require_reopen_date_for_pending"]
    search_fields = ["name", "default_queue"]


@admin.register(CustomField)
class CustomFieldAdmin(RemovalAdminMixin, admin.ModelAdmin):
    list_display = ["name", "key", "field_type", "required", "category", "active", "position"]
    list_filter = ["field_type", "required", "active", "category"]
    search_fields = ["name", "key"]
    prepopulated_fields = {"key": ["name"]}


@admin.register(SourceAccess)
class SourceAccessAdmin(admin.ModelAdmin):
    list_display = ["team", "channel", "product"]
    list_filter = ["team"]
    search_fields = ["team__name", "channel", "product"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    """The same form as Configurations: unknown placeholders are refused here too (SPEC C2, D14)."""

    form = ReplyTemplateForm
    list_display = ["name", "channel", "category", "active", "updated_at"]
    list_filter = ["channel", "active", "category"]
    search_fields = ["name", "subject", "body"]

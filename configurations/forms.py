"""Forms of the Configurations area (SPEC C1). Each lists its fields; rules live in services.py."""

import re
import zoneinfo

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

from tickets.models import TicketView
from tickets.models.saved_views import NAME_MAX_LENGTH

from . import reply_templates, services
from .models import (
    Category,
    CustomField,
    Holiday,
    ReplyTemplate,
    SLAPolicy,
    SubStatus,
    Tag,
    Team,
    TicketType,
    WorkingCalendar,
    WorkingHours,
)

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "color"]
        labels = {"color": "Colour"}
        widgets = {"color": forms.TextInput(attrs={"type": "color"})}

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_color(self):
        colour = self.cleaned_data["color"]
        if not HEX_COLOUR.match(colour or ""):
            raise ValidationError("Use a hex colour such as #2563eb.")
        return colour.lower()

    def clean(self):
        cleaned = super().clean()
        services.check_tag_room(self.instance)
        return cleaned


class SubStatusForm(forms.ModelForm):
    class Meta:
        model = SubStatus
        fields = ["status", "name", "notify_channel", "notify_text"]
        labels = {"status": "Main status", "notify_channel": "Customer notification", "notify_text": "Message text"}
        help_texts = {"notify_text": "Sent to the customer a minute after a ticket gets this sub-status."}
        widgets = {"notify_text": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status:
            try:
                services.check_substatus_room(self.instance, status)
            except ValidationError as error:
                self.add_error("status", error)
        if cleaned.get("notify_channel") and not (cleaned.get("notify_text") or "").strip():
            self.add_error("notify_text", "Write the message the customer receives, or choose no notification.")
        return cleaned

    def save(self, commit=True):
        sub_status = super().save(commit=False)
        if "status" in self.changed_data or not sub_status.pk:
            sub_status.position = services.next_substatus_position(sub_status.status)
        if commit:
            sub_status.save()
        return sub_status


class TicketTypeForm(forms.ModelForm):
    class Meta:
        model = TicketType
        fields = ["name", "customer_facing"]
        help_texts = {"customer_facing": "Internal types are for work the customer never sees."}


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = [
            "name",
            "sla_policy",
            "calendar",
            "require_substatus_to_resolve",
            "require_reopen_date_for_pending",
            "default_queue",
        ]
        labels = {
            "sla_policy": "SLA policy",
            "require_substatus_to_resolve": "Sub-status required to resolve",
            "require_reopen_date_for_pending": "Re-open date required for Pending",
            "default_queue": "Default outgoing queue",
        }
        help_texts = {
            "sla_policy": "Empty: no deadline is set for this category's tickets.",
            "calendar": "Empty: SLA time counts around the clock.",
        }


class SLAPolicyForm(forms.ModelForm):
    class Meta:
        model = SLAPolicy
        fields = ["name", "urgent_minutes", "high_minutes", "normal_minutes", "low_minutes"]
        labels = {
            "urgent_minutes": "Urgent (minutes)",
            "high_minutes": "High (minutes)",
            "normal_minutes": "Normal (minutes)",
            "low_minutes": "Low (minutes)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("urgent_minutes", "high_minutes", "normal_minutes", "low_minutes"):
            field = self.fields[name]
            field.min_value = 1
            field.validators.append(_positive)
            field.widget.attrs["min"] = 1
            field.help_text = "Working minutes, e.g. 480 = 8 h"


def _positive(value):
    if value is not None and value < 1:
        raise ValidationError("Enter a positive number of minutes.")


class WorkingCalendarForm(forms.ModelForm):
    class Meta:
        model = WorkingCalendar
        fields = ["name", "timezone"]
        labels = {"timezone": "Time zone"}
        help_texts = {"timezone": "A time zone name, e.g. Europe/London."}
        widgets = {"timezone": forms.TextInput(attrs={"list": "timezones", "autocomplete": "off"})}

    def clean_timezone(self):
        name = self.cleaned_data["timezone"].strip()
        if name not in zoneinfo.available_timezones():
            raise ValidationError(f"“{name}” is not a time zone name, e.g. Europe/London.")
        return name


class WorkingHoursForm(forms.ModelForm):
    class Meta:
        model = WorkingHours
        fields = ["weekday", "start", "end"]
        widgets = {
            "start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {"end": "00:00 means midnight at the end of the day."}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") is not None and cleaned.get("end") is not None and cleaned.get("weekday") is not None:
            self.instance.weekday, self.instance.start, self.instance.end = (
                cleaned["weekday"], cleaned["start"], cleaned["end"]
            )
            services.check_working_hours(self.instance)
        return cleaned


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["date", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_date(self):
        date = self.cleaned_data["date"]
        # The calendar is not a form field, so the model's unique constraint is not checked for us.
        taken = Holiday.objects.filter(calendar=self.instance.calendar, date=date).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(f"This calendar already has a holiday on {date:%-d %b %Y}.")
        return date


class CustomFieldForm(forms.ModelForm):
    choices_text = forms.CharField(
        label="Choices",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For choice fields: one option per line.",
    )

    class Meta:
        model = CustomField
        fields = ["name", "key", "field_type", "choices_text", "required", "category", "position", "active"]
        labels = {"field_type": "Type", "category": "Category"}
        help_texts = {
            "key": "Letters, numbers, hyphens and underscores; used in URLs and exports.",
            "category": "Empty: on every ticket.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].empty_label = "All categories (global)"
        if self.instance.pk and not self.is_bound:
            self.initial["choices_text"] = "\n".join(self.instance.choices or [])
        self.order_fields(self.Meta.fields)

    def clean_field_type(self):
        field_type = self.cleaned_data["field_type"]
        services.check_field_type_change(self.instance, field_type)
        return field_type

    def clean(self):
        cleaned = super().clean()
        lines = [line.strip() for line in (cleaned.get("choices_text") or "").splitlines()]
        choices = list(dict.fromkeys(line for line in lines if line))
        if cleaned.get("field_type") == CustomField.FieldType.CHOICE:
            if not choices:
                self.add_error("choices_text", "A choice field needs at least one choice, one per line.")
            elif any(len(choice) > 500 for choice in choices):
                self.add_error("choices_text", "Keep each choice under 500 characters.")
            cleaned["choices"] = choices
        else:
            cleaned["choices"] = []
        return cleaned

    def save(self, commit=True):
        self.instance.choices = self.cleaned_data["choices"]
        return super().save(commit=commit)


class TeamForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only active users are listed.",
    )

    class Meta:
        model = Team
        fields = ["name", "members"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].label_from_instance = lambda user: user.get_full_name() or user.get_username()

    def save(self, commit=True):
        team = super().save(commit=commit)
        if commit:
            # Inactive members are not offered, so keep them rather than silently dropping them.
            inactive = team.members.filter(is_active=False) if team.pk else []
            team.members.set([*self.cleaned_data["members"], *inactive])
        return team

    def _save_m2m(self):
        pass  # members are set in save(), keeping inactive ones


class TeamViewForm(forms.ModelForm):
    """A team view: a shared list query shown to everyone under Team views (SPEC L7, C1)."""

    class Meta:
        model = TicketView
        fields = ["name", "query"]
        labels = {"query": "List query"}
        help_texts = {
            "query": "Copy the address of a filtered ticket list and paste it here, e.g. tab=all&priority=high."
        }
        widgets = {
            "query": forms.Textarea(attrs={"rows": 3}),
            "name": forms.TextInput(attrs={"maxlength": NAME_MAX_LENGTH}),
        }

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = TicketView.objects.exclude(pk=self.instance.pk).annotate(lower=Lower("name"))
        clash = others.filter(is_team_view=True, lower=name.lower()).exists() or others.filter(
            owner=self.instance.owner_id, lower=name.lower()
        ).exists()
        if clash:
            raise ValidationError("A team view or one of your views already has this name.")
        return name

    def clean_query(self):
        query = (self.cleaned_data.get("query") or "").strip()
        if "?" in query:
            query = query.split("?", 1)[1]
        return query.split("#", 1)[0]

    def save(self, commit=True):
        view = super().save(commit=False)
        view.is_team_view, view.is_folder, view.visibility = True, False, TicketView.Visibility.SHARED
        if commit:
            view.save()
        return view


class ReplyTemplateForm(forms.ModelForm):
    """A reply template (SPEC D14, B2). Placeholders are checked by the model's validators
    (configurations/reply_templates.py), so Django admin refuses the same texts."""

    class Meta:
        model = ReplyTemplate
        fields = ["name", "channel", "category", "subject", "body", "active"]
        labels = {"channel": "Used for", "subject": "Email subject", "body": "Text", "active": "Offered to agents"}
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].empty_label = "Every category (global)"
        tokens = ", ".join(placeholder.token for placeholder in reply_templates.available())
        self.fields["body"].help_text = (
            f"Placeholders: {tokens}. Write {{{{ and }}}} for a brace itself."
        )

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("channel") == ReplyTemplate.Channel.SMS and (cleaned.get("subject") or "").strip():
            self.add_error("subject", "An SMS has no subject: leave it empty, or use the template for email too.")
        return cleaned

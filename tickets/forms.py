from django import forms
from django.contrib.auth import get_user_model
from django.db.models import F, FilteredRelation, Q
from django.forms.boundfield import BoundField

from configurations.models import (
    Category,
    CustomField,
    Priority,
    Status,
    SubStatus,
    Team,
    TicketType,
)

from .models import Account, Contact, CustomFieldValue
from .models.tickets import display_custom_value
from .validators import validate_single_line


def contact_from_text(text):
    """The contact with this email address or phone number, None for empty text, else a form error."""
    text = text.strip()
    if not text:
        return None
    contact = Contact.objects.filter(Q(email__iexact=text) | Q(phone=text)).order_by("pk").first()
    if contact is None:
        raise forms.ValidationError(f"No contact has the email address or phone number “{text}”.")
    return contact


class AgentField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class NewTicketForm(forms.Form):
    """The New ticket form (SPEC L10). It lists its fields; anything else posted is ignored."""

    title = forms.CharField(max_length=200, validators=[validate_single_line])
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    ticket_type = forms.ModelChoiceField(TicketType.objects.all(), required=False, label="Type")
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    category = forms.ModelChoiceField(Category.objects.all(), required=False)
    customer = forms.CharField(
        required=False,
        max_length=200,
        label="Customer email or phone",
        help_text="An existing contact's email address or phone number.",
    )
    assignee = AgentField(
        get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name"),
        required=False,
        label="Assigned agent",
    )
    team = forms.ModelChoiceField(Team.objects.all(), required=False, label="Assigned team")

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("A ticket needs a title.")
        return title

    def clean_customer(self):
        return contact_from_text(self.cleaned_data["customer"])

    def action_fields(self):
        data = self.cleaned_data
        fields = {
            "title": data["title"],
            "description": data["description"],
            "ticket_type": data["ticket_type"],
            "priority": data["priority"],
            "category": data["category"],
            "assignee": data["assignee"],
            "team": data["team"],
        }
        if data["customer"] is not None:
            fields["contact"] = data["customer"]
        return fields


MINUTE_FORMAT = "%Y-%m-%dT%H:%M"
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=MINUTE_FORMAT)


class HiddenMinuteInput(forms.DateTimeInput):
    input_type = "hidden"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=MINUTE_FORMAT)


class MinuteDateTimeField(forms.DateTimeField):
    """A date and time to the minute, as the browser's datetime-local input edits it.

    The value loaded (a deadline the SLA computed to the second) and the value posted back
    untouched differ in their seconds; they count as the same, so a field nobody touched is
    never taken as changed (SPEC T8: a deadline is "set by hand" only when someone set it).
    """

    widget = DATETIME_INPUT
    hidden_widget = HiddenMinuteInput

    def has_changed(self, initial, data):
        try:
            data = self.to_python(data)
        except forms.ValidationError:
            return True
        initial = self.to_python(initial) if isinstance(initial, str) else initial

        def minute(value):
            return value.replace(second=0, microsecond=0) if value else None

        return minute(initial) != minute(data)


class LoadedValueBoundField(BoundField):
    """A bound field that can render, apart from its widget, the value the form was loaded with."""

    @property
    def initial_hidden(self):
        return self.as_hidden(only_initial=True) if self.field.show_hidden_initial else ""


class TicketForm(forms.Form):
    """The ticket form on the ticket page (SPEC D3): every field of T1 a person edits, custom fields too.

    Built for one ticket: the custom fields are those of its category (or global). Every field
    posts, beside its value, the value it was loaded with (`show_hidden_initial`), so `changes()`
    returns exactly what the person changed, even when someone else saved the ticket meanwhile:
    actions.update_ticket then refuses the save only if those changes touch the same fields (D3).
    """

    bound_field_class = LoadedValueBoundField

    title = forms.CharField(max_length=200, validators=[validate_single_line])
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    ticket_type = forms.ModelChoiceField(TicketType.objects.all(), required=False, label="Type")
    priority = forms.ChoiceField(choices=Priority.choices)
    status = forms.ChoiceField(choices=Status.choices)
    sub_status = forms.ModelChoiceField(SubStatus.objects.all(), required=False, label="Sub-status")
    category = forms.ModelChoiceField(Category.objects.all(), required=False)
    customer = forms.CharField(
        required=False, max_length=200, label="Contact", help_text="The contact's email address or phone number."
    )
    account = forms.ModelChoiceField(Account.objects.all(), required=False)
    assignee = AgentField(
        get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name"),
        required=False,
        label="Assigned agent",
    )
    team = forms.ModelChoiceField(Team.objects.all(), required=False, label="Assigned team")
    deadline = MinuteDateTimeField(required=False, help_text="Empty: set by the SLA.")
    reopen_at = MinuteDateTimeField(required=False, label="Re-open date", help_text="Pending or Resolved tickets only.")
    followers = forms.ModelMultipleChoiceField(
        get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Followers hear of changes to this ticket.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    MODEL_FIELDS = [
        "title", "description", "ticket_type", "priority", "status", "sub_status", "category",
        "account", "assignee", "team", "deadline", "reopen_at",
    ]

    def __init__(self, *args, ticket, **kwargs):
        self.ticket = ticket
        initial = {name: getattr(ticket, name) for name in self.MODEL_FIELDS}
        initial["customer"] = ticket.contact and (ticket.contact.email or ticket.contact.phone) or ""
        initial["version"] = ticket.version
        initial["followers"] = list(ticket.followers.all())
        self.custom_fields = custom_fields_with_values(ticket)
        for field in self.custom_fields:
            initial[f"cf_{field.key}"] = field.current_value
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["followers"].label_from_instance = lambda user: user.get_full_name() or user.get_username()
        self.fields["sub_status"].queryset = SubStatus.objects.order_by("status", "position")
        for field in self.custom_fields:
            self.fields[f"cf_{field.key}"] = custom_form_field(field)
        for name, field in self.fields.items():
            field.show_hidden_initial = name != "version"

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("A ticket needs a title.")
        return title

    def clean_customer(self):
        return contact_from_text(self.cleaned_data["customer"])

    def follower_changes(self):
        """(to follow, to unfollow): what the person ticked and unticked since the form was loaded.

        Applied to the followers the ticket has now, so a colleague's follower change meanwhile stays.
        """
        if "followers" not in self.changed_data:
            return [], []
        hidden = self.fields["followers"].hidden_widget()
        loaded = hidden.value_from_datadict(self.data, self.files, self.add_initial_prefix("followers"))
        before = {int(value) for value in loaded if str(value).isdigit()}
        after = {user.pk: user for user in self.cleaned_data["followers"]}
        follow = [after[pk] for pk in sorted(set(after) - before)]
        unfollow = list(get_user_model().objects.filter(pk__in=before - set(after)).order_by("pk"))
        return follow, unfollow

    def changes(self):
        """(fields, custom_values) that differ from the ticket as it was loaded."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self.MODEL_FIELDS if name in self.changed_data}
        if "customer" in self.changed_data:
            fields["contact"] = data["customer"]
        custom_values = {
            field.key: data[f"cf_{field.key}"] for field in self.custom_fields if f"cf_{field.key}" in self.changed_data
        }
        return fields, custom_values

    @property
    def custom_display(self):
        """(label, value as shown) of each custom field, for the read-only form."""
        return [
            (field.name, display_custom_value(field.field_type, field.current_value)) for field in self.custom_fields
        ]


def custom_fields_with_values(ticket):
    """The active custom fields that apply to the ticket (SPEC T10), each with `current_value`, its
    value on the ticket or None: one query, the values joined to their fields."""
    columns = sorted(set(CustomFieldValue.COLUMN.values()))
    fields = list(
        CustomField.objects.filter(Q(category__isnull=True) | Q(category_id=ticket.category_id), active=True)
        .select_related("category")
        .annotate(on_ticket=FilteredRelation("values", condition=Q(values__ticket=ticket)))
        .annotate(**{f"current_{column}": F(f"on_ticket__{column}") for column in columns})
    )
    for field in fields:
        field.current_value = getattr(field, f"current_{CustomFieldValue.COLUMN[field.field_type]}")
    return fields


def custom_form_field(field):
    """The form field for a custom field (SPEC T10); the action checks the value again."""
    kinds = CustomField.FieldType
    options = {"label": field.name, "required": field.required}
    if field.field_type == kinds.NUMBER:
        return forms.DecimalField(max_digits=18, decimal_places=4, **options)
    if field.field_type == kinds.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **options)
    if field.field_type == kinds.BOOLEAN:
        return forms.NullBooleanField(
            widget=forms.Select(choices=[("", "—"), ("true", "Yes"), ("false", "No")]), required=False, label=field.name
        )
    if field.field_type == kinds.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *[(choice, choice) for choice in field.choices]], **options)
    return forms.CharField(max_length=500, **options)

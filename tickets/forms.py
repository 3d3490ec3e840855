from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from configurations.models import (
    Category,
    CustomField,
    Priority,
    Status,
    SubStatus,
    Team,
    TicketType,
)

from .models import Account, Contact


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

    title = forms.CharField(max_length=200)
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


DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TicketForm(forms.Form):
    """The ticket form on the ticket page (SPEC D3): every field of T1 a person edits, custom fields too.

    Built for one ticket: the custom fields are those of its category (or global). `changes()`
    returns only what the person changed, for actions.update_ticket.
    """

    title = forms.CharField(max_length=200)
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
    deadline = forms.DateTimeField(
        required=False, widget=DATETIME_INPUT, help_text="Empty: set by the SLA."
    )
    reopen_at = forms.DateTimeField(
        required=False, widget=DATETIME_INPUT, label="Re-open date", help_text="Pending or Resolved tickets only."
    )
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
        self.custom_fields = [
            field for field in CustomField.objects.filter(active=True).select_related("category")
            if field.applies_to(ticket.category_id)
        ]
        values = {value.field_id: value for value in ticket.custom_values.all()}
        for field in self.custom_fields:
            value = values.get(field.pk)
            initial[f"cf_{field.key}"] = value.value if value else None
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["followers"].label_from_instance = lambda user: user.get_full_name() or user.get_username()
        self.fields["sub_status"].queryset = SubStatus.objects.order_by("status", "position")
        for field in self.custom_fields:
            self.fields[f"cf_{field.key}"] = custom_form_field(field)

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("A ticket needs a title.")
        return title

    def clean_customer(self):
        return contact_from_text(self.cleaned_data["customer"])

    def follower_changes(self):
        """(to follow, to unfollow) compared with the followers the form was loaded with."""
        if "followers" not in self.changed_data:
            return [], []
        before = set(self.initial["followers"])
        after = set(self.cleaned_data["followers"])
        return sorted(after - before, key=lambda u: u.pk), sorted(before - after, key=lambda u: u.pk)

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
    def custom_bound_fields(self):
        return [self[f"cf_{field.key}"] for field in self.custom_fields]


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

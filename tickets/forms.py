from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from configurations.models import Category, Priority, Team, TicketType

from .models import Contact


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
        text = self.cleaned_data["customer"].strip()
        if not text:
            return None
        contact = Contact.objects.filter(Q(email__iexact=text) | Q(phone=text)).order_by("pk").first()
        if contact is None:
            raise forms.ValidationError(f"No contact has the email address or phone number “{text}”.")
        return contact

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

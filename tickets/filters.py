"""The list filters of SPEC L4, parsed from the URL with django-filter.

The tab decides which filters make sense: My Tickets has no assigned-agent filter and Teams
Assigned no assigned-team filter (they are removed from the form and ignored in the URL).
"""

from decimal import Decimal, InvalidOperation

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from configurations.models import CustomField, Priority, Status, SubStatus, Tag, Team, TicketType

from .db import ProbedExists, estimate_rows, is_postgresql, seconds_since
from .models import Contact, CustomFieldValue, Ticket
from .models.tickets import parse_reference
from .sla import SLAState

HOUR = 3600
CHECKBOXES = forms.CheckboxSelectMultiple


def _agents():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class AgentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class AgentFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = AgentChoiceField


class TicketFilterSet(django_filters.FilterSet):
    priority = django_filters.MultipleChoiceFilter(
        choices=Priority.choices, label="Priority", widget=CHECKBOXES, distinct=False
    )
    type = django_filters.ModelMultipleChoiceFilter(
        field_name="ticket_type", queryset=TicketType.objects.all(), label="Type", widget=CHECKBOXES, distinct=False
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, label="Status", widget=CHECKBOXES, distinct=False
    )
    sub_status = django_filters.ModelMultipleChoiceFilter(
        queryset=SubStatus.objects.all(), label="Sub-status", widget=CHECKBOXES, distinct=False
    )
    id = django_filters.CharFilter(method="filter_reference", label="Ticket ID")
    phone = django_filters.CharFilter(method="filter_phone", label="Customer phone")
    email = django_filters.CharFilter(method="filter_email", label="Customer email")
    agent = AgentFilter(
        field_name="assignee", queryset=_agents(), label="Assigned agent", widget=CHECKBOXES, distinct=False
    )
    team = django_filters.ModelMultipleChoiceFilter(
        queryset=Team.objects.all(), label="Assigned team", widget=CHECKBOXES, distinct=False
    )
    tag = django_filters.ModelMultipleChoiceFilter(
        field_name="tags", queryset=Tag.objects.all(), label="Tags", method="filter_tags", widget=CHECKBOXES
    )
    sla = django_filters.ChoiceFilter(choices=SLAState.choices, method="filter_sla", label="SLA", empty_label="Any")
    overdue = django_filters.ChoiceFilter(
        choices=[("yes", "Overdue"), ("no", "Not overdue")], method="filter_overdue", label="Overdue", empty_label="Any"
    )
    ttc_min = django_filters.NumberFilter(method="filter_ttc_min", label="Time to complete from (h)", min_value=0)
    ttc_max = django_filters.NumberFilter(method="filter_ttc_max", label="Time to complete to (h)", min_value=0)
    unassigned_min = django_filters.NumberFilter(
        method="filter_unassigned_min", label="Unassigned time from (h)", min_value=0
    )
    unassigned_max = django_filters.NumberFilter(
        method="filter_unassigned_max", label="Unassigned time to (h)", min_value=0
    )
    spent_min = django_filters.NumberFilter(method="filter_spent_min", label="Time spent from (h)", min_value=0)
    spent_max = django_filters.NumberFilter(method="filter_spent_max", label="Time spent to (h)", min_value=0)

    class Meta:
        model = Ticket
        fields = []

    # Filters that make no sense on a tab (SPEC L4): removed from its form and ignored in its URL.
    NOT_ON_TAB = {"mine": {"agent"}, "team": {"team"}}

    def __init__(self, data=None, *args, tab="all", custom_fields=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.tab = tab
        for name in self.NOT_ON_TAB.get(tab, ()):
            del self.filters[name]
        if custom_fields is None:
            custom_fields = list(CustomField.objects.filter(active=True).order_by("position", "name"))
        self.custom_fields = custom_fields
        for field in self.custom_fields:
            self.filters[f"cf_{field.key}"] = _custom_filter(field)
        self.now = timezone.now()

    def filter_for_tab(self, queryset, tab):
        """Apply the validated filters to another tab's queryset, minus those that tab does not offer."""
        skip = self.NOT_ON_TAB.get(tab, set())
        for name, value in self.form.cleaned_data.items():
            if name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    # --- methods -----------------------------------------------------------------------------

    def filter_reference(self, queryset, name, value):
        pk = parse_reference(value)
        return queryset.filter(pk=pk) if pk is not None else queryset.none()

    # Contacts are found first (a small table), then their tickets through the contact index: the
    # planner then never walks the whole ticket list looking for a rare customer.
    CONTACT_MATCHES = 500

    def _by_contacts(self, queryset, contacts):
        ids = list(contacts.order_by().values_list("pk", flat=True)[: self.CONTACT_MATCHES])
        return queryset.filter(contact_id__in=ids)

    def filter_phone(self, queryset, name, value):
        return self._by_contacts(queryset, Contact.objects.filter(phone__icontains=value.strip()))

    def filter_email(self, queryset, name, value):
        return self._by_contacts(queryset, Contact.objects.filter(email__icontains=value.strip()))

    def filter_tags(self, queryset, name, tags):
        if not tags:
            return queryset
        # Any of the chosen tags, tested on the row's own copy of its tag ids.
        return queryset.filter(tag_ids__overlaps=[tag.pk for tag in tags])

    def filter_sla(self, queryset, name, value):
        now = self.now
        open_ = ~Q(status=Status.RESOLVED)
        if value == SLAState.BREACHED:
            condition = (open_ & Q(deadline__lte=now)) | Q(status=Status.RESOLVED, resolved_at__gt=F("deadline"))
        elif value == SLAState.AT_RISK:
            condition = open_ & Q(sla_at_risk_at__lte=now, deadline__gt=now)
        else:
            condition = (open_ & Q(sla_at_risk_at__gt=now)) | Q(status=Status.RESOLVED, resolved_at__lte=F("deadline"))
        return queryset.filter(condition, deadline__isnull=False)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(deadline__lte=self.now) & ~Q(status=Status.RESOLVED)
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)

    def filter_ttc_min(self, queryset, name, value):
        return queryset.filter(completion_seconds__gte=int(value * HOUR))

    def filter_ttc_max(self, queryset, name, value):
        return queryset.filter(completion_seconds__lte=int(value * HOUR))

    def filter_spent_min(self, queryset, name, value):
        return queryset.filter(time_spent_seconds__gte=int(value * HOUR))

    def filter_spent_max(self, queryset, name, value):
        return queryset.filter(time_spent_seconds__lte=int(value * HOUR))

    def _unassigned_total(self, queryset):
        return queryset.alias(unassigned_total=seconds_since("unassigned_since", self.now, plus="unassigned_seconds"))

    def filter_unassigned_min(self, queryset, name, value):
        return self._unassigned_total(queryset).filter(unassigned_total__gte=int(value * HOUR))

    def filter_unassigned_max(self, queryset, name, value):
        return self._unassigned_total(queryset).filter(unassigned_total__lte=int(value * HOUR))

    def active_count(self, exclude=()):
        """How many filters the URL sets, for the "Filters (3)" button (no queries)."""
        data = self.data
        if not data:
            return 0
        return sum(
            1
            for name in self.filters
            if name not in exclude and any(value.strip() for value in data.getlist(name))
        )


# Past this many tickets holding a custom field value (the planner's estimate), walking the list and
# probing each row is cheaper than reading every holder and sorting: about sqrt(page × tickets).
RARE_VALUE_ROWS = 5_000


def _custom_filter(field):
    """A filter for one custom field (SPEC T10), matching its typed value column."""
    label = field.name
    kind = field.field_type

    def method(queryset, name, value):
        values = CustomFieldValue.objects.filter(field=field)
        if kind in (CustomField.FieldType.TEXT,):
            values = values.filter(text_value__icontains=value)
        elif kind == CustomField.FieldType.CHOICE:
            values = values.filter(text_value=value)
        elif kind == CustomField.FieldType.NUMBER:
            try:
                values = values.filter(number_value=Decimal(str(value)))
            except InvalidOperation:
                return queryset.none()
        elif kind == CustomField.FieldType.DATE:
            values = values.filter(date_value=value)
        elif kind == CustomField.FieldType.BOOLEAN:
            values = values.filter(bool_value=(value == "yes"))
        on_ticket = values.filter(ticket_id=OuterRef("pk"))
        # A rare value is read from its index and its few tickets sorted; a common one is probed on
        # each row of the tab's ordered walk, which finds a page of them however big the table.
        # Under three characters a text search has no trigram to narrow it: common by nature.
        short_text = kind == CustomField.FieldType.TEXT and len(value.strip()) < 3
        if is_postgresql() and (short_text or estimate_rows(values) > RARE_VALUE_ROWS):
            return queryset.filter(ProbedExists(on_ticket))
        return queryset.filter(Exists(on_ticket))

    if kind == CustomField.FieldType.CHOICE:
        return django_filters.ChoiceFilter(
            choices=[(choice, choice) for choice in field.choices], method=method, label=label, empty_label="Any"
        )
    if kind == CustomField.FieldType.BOOLEAN:
        return django_filters.ChoiceFilter(
            choices=[("yes", "Yes"), ("no", "No")], method=method, label=label, empty_label="Any"
        )
    if kind == CustomField.FieldType.DATE:
        return django_filters.DateFilter(method=method, label=label, widget=forms.DateInput(attrs={"type": "date"}))
    if kind == CustomField.FieldType.NUMBER:
        return django_filters.NumberFilter(method=method, label=label)
    return django_filters.CharFilter(method=method, label=label)

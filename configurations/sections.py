"""The sections of the Configurations area (SPEC C1): what each lists and edits, and what deleting means.

A `Section` drives the four generic views in views.py (list, create, edit, delete).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count
from django.urls import reverse

from mail.forms import MailboxForm
from mail.models import Mailbox
from tickets.models import Account, Ticket, TicketView

from . import forms
from .models import (
    Category,
    CustomField,
    ReplyTemplate,
    SLAPolicy,
    Status,
    SubStatus,
    Tag,
    Team,
    TicketType,
    WorkingCalendar,
)


def _plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class Section:
    key: str  # URL segment and template name
    name: str  # URL name prefix: tag_list, tag_create, ...
    title: str
    singular: str
    model: type
    form_class: type
    description: str
    queryset: Callable = None
    lock: bool = False  # serialise creates: the section has a limit
    delete_effect: Callable = None  # obj -> sentence shown before deleting
    delete_blocker: Callable = None  # obj -> reason deleting is refused, or ""
    new_instance: Callable = field(default=None)  # request -> unsaved instance for the create form
    success_url: Callable = None  # obj -> where to go after saving

    def objects(self):
        return self.queryset() if self.queryset else self.model.objects.all()

    def url(self, action, *args):
        return reverse(f"configurations:{self.name}_{action}", args=args)


def _tickets(**lookup):
    return Ticket.objects.filter(**lookup).count()


def _logged(count):
    """How the tickets hear of a delete: each gets a history entry; many are changed in the background."""
    text = " Each gets an entry in its history."
    if count > settings.HELPDESK_INLINE_REMOVAL_LIMIT:
        text += " With this many tickets it runs in the background, with progress."
    return text


def _tag_effect(tag):
    count = _tickets(tags=tag)
    return f"It is removed from {_plural(count, 'ticket')}.{_logged(count)}" if count else "No ticket has this tag."


def _substatus_effect(sub):
    count = _tickets(sub_status=sub)
    if not count:
        return ""
    return f"{_plural(count, 'ticket')} keep their status and lose this sub-status.{_logged(count)}"


def _type_blocker(ticket_type):
    count = _tickets(ticket_type=ticket_type)
    return f"{_plural(count, 'ticket')} use this type. Change their type first." if count else ""


def _category_blocker(category):
    count = _tickets(category=category)
    if count:
        return f"{_plural(count, 'ticket')} are in this category. Move them first."
    used = category.customfield_set.filter(values__isnull=False).distinct().first()
    if used is not None:
        return f"Its custom field “{used.name}” has values on tickets. Delete that field first."
    return ""


def _category_effect(category):
    parts = [
        _plural(count, noun)
        for count, noun in ((category.customfield_set.count(), "custom field"),
                            (category.reply_templates.count(), "reply template"))
        if count
    ]
    return f"Its {' and '.join(parts)} are deleted too." if parts else ""


def _sla_effect(policy):
    categories = Category.objects.filter(sla_policy=policy).count()
    accounts = Account.objects.filter(sla_policy=policy).count()
    if not categories and not accounts:
        return "No category or account uses it."
    return f"{_plural(categories, 'category')} and {_plural(accounts, 'account')} using it will have no SLA."


def _calendar_effect(calendar):
    count = Category.objects.filter(calendar=calendar).count()
    text = "Its working hours and holidays are deleted."
    return text + (f" {_plural(count, 'category')} using it will count SLA time around the clock." if count else "")


def _field_effect(custom_field):
    count = custom_field.values.count()
    if not count:
        return "No ticket has a value for it."
    return f"Its values on {_plural(count, 'ticket')} are removed.{_logged(count)}"


def _team_effect(team):
    count = _tickets(team=team)
    return f"{_plural(count, 'ticket')} assigned to it lose their team.{_logged(count)}" if count else ""


def _substatuses():
    status_order = {value: index for index, value in enumerate(Status.values)}
    return sorted(SubStatus.objects.all(), key=lambda sub: (status_order[sub.status], sub.position, sub.pk))


def _new_substatus(request):
    status = request.GET.get("status")
    return SubStatus(status=status if status in Status.values else Status.SUBMITTED)


def _mailbox_blocker(mailbox):
    count = mailbox.inbound.count()
    if count:
        return f"{_plural(count, 'message')} came in through this mailbox. Make it inactive instead."
    return ""


def _new_team_view(request):
    return TicketView(
        owner=request.user, is_team_view=True, visibility=TicketView.Visibility.SHARED, is_folder=False
    )


SECTIONS = {
    section.key: section
    for section in [
        Section(
            "tags", "tag", "Tags", "tag", Tag, forms.TagForm,
            "Labels agents apply to tickets; up to 10 per ticket.",
            queryset=lambda: Tag.objects.annotate(ticket_count=Count("tickets")),
            lock=True, delete_effect=_tag_effect,
        ),
        Section(
            "sub-statuses", "substatus", "Sub-statuses", "sub-status", SubStatus, forms.SubStatusForm,
            "Up to four per status, in order, each with its customer notification.",
            queryset=_substatuses, lock=True, delete_effect=_substatus_effect, new_instance=_new_substatus,
        ),
        Section(
            "ticket-types", "tickettype", "Ticket types", "ticket type", TicketType, forms.TicketTypeForm,
            "What kind of work a ticket is, and whether the customer sees it.",
            delete_blocker=_type_blocker,
        ),
        Section(
            "categories", "category", "Categories", "category", Category, forms.CategoryForm,
            "Decide the SLA, working hours, status rules and outgoing queue.",
            queryset=lambda: Category.objects.select_related("sla_policy", "calendar"),
            delete_effect=_category_effect, delete_blocker=_category_blocker,
        ),
        Section(
            "sla-policies", "slapolicy", "SLA policies", "SLA policy", SLAPolicy, forms.SLAPolicyForm,
            "Resolution time per priority, counted in working hours.",
            delete_effect=_sla_effect,
        ),
        Section(
            "calendars", "calendar", "Working hours", "working calendar", WorkingCalendar, forms.WorkingCalendarForm,
            "Time zones, working hours and holidays that SLA time is counted in.",
            queryset=lambda: WorkingCalendar.objects.prefetch_related("hours", "holidays"),
            delete_effect=_calendar_effect,
            success_url=lambda calendar: reverse("configurations:calendar_detail", args=[calendar.pk]),
        ),
        Section(
            "custom-fields", "customfield", "Custom fields", "custom field", CustomField, forms.CustomFieldForm,
            "Extra ticket fields, on every ticket or per category.",
            queryset=lambda: CustomField.objects.select_related("category"),
            delete_effect=_field_effect,
        ),
        Section(
            "teams", "team", "Teams", "team", Team, forms.TeamForm,
            "Groups of agents tickets can be assigned to.",
            queryset=lambda: Team.objects.prefetch_related("members"),
            delete_effect=_team_effect,
        ),
        Section(
            "mailboxes", "mailbox", "Mailboxes", "mailbox", Mailbox, MailboxForm,
            "Addresses customers write to: where their mail comes from and which team gets it.",
            queryset=lambda: Mailbox.objects.select_related("team", "category"),
            delete_blocker=_mailbox_blocker,
        ),
        Section(
            "reply-templates", "replytemplate", "Reply templates", "reply template", ReplyTemplate,
            forms.ReplyTemplateForm,
            "Replies agents pick for email and SMS, with placeholders filled in from the ticket.",
            queryset=lambda: ReplyTemplate.objects.select_related("category"),
            delete_effect=lambda template: "Agents can no longer pick it. Messages already sent stay as they are.",
        ),
        Section(
            "team-views", "teamview", "Team views", "team view", TicketView, forms.TeamViewForm,
            "Saved ticket lists shown to everyone under Team views.",
            queryset=lambda: TicketView.objects.filter(is_team_view=True).select_related("owner"),
            delete_effect=lambda view: "It disappears from everyone's Team views and My views.",
            new_instance=_new_team_view,
        ),
    ]
}

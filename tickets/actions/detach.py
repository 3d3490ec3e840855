"""Deleting something tickets use: a sub-status, team, tag, custom field, contact, account or person (SPEC X1, T11).

Nothing is cleared behind the tickets' backs (no `SET_NULL`, no silent M2M clean-up): every ticket
that uses the object is changed through `changing()` first, with one event, a version bump and a
live event each, and only then is the object deleted. With a replacement, the tickets get that
instead (a sub-status of the same status, another team, another tag, another contact...).

Up to HELPDESK_INLINE_REMOVAL_LIMIT tickets this happens at once, in one transaction. Beyond, it is
a `Removal` a worker runs in batches with progress (tickets/tasks/removals.py), and the person is
told in the Notification Center when it is done.

Replacing a sub-status sends the customer nothing: their case did not move (SPEC D4).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from configurations.models import CustomField, SubStatus, Tag, Team

from ..access import MANAGE_CONFIGURATIONS, require_right
from ..display import user_display
from ..models import Account, Contact, CustomFieldValue, Removal, Ticket, TicketEvent
from ..models.tickets import display_custom_value
from ..models.transfers import ACTIVE_STATES
from .background import without_customer_messages
from .base import TicketRuleError, changing
from .guard import ticket_writes

Kind = TicketEvent.Kind
BATCH = 100


@dataclass(frozen=True)
class Use:
    """A ticket field that can point at the object."""

    field: str
    kind: str
    many: bool = False


def uses_of(model):
    """The ticket fields a model is used in, and the right deleting one of its objects needs."""
    user_model = get_user_model()
    table = {
        SubStatus: ([Use("sub_status", Kind.STATUS_CHANGED)], MANAGE_CONFIGURATIONS),
        Team: ([Use("team", Kind.ASSIGNED)], MANAGE_CONFIGURATIONS),
        Tag: ([Use("tags", Kind.TAG_REMOVED, many=True)], MANAGE_CONFIGURATIONS),
        CustomField: ([Use("custom_values", Kind.UPDATED, many=True)], MANAGE_CONFIGURATIONS),
        Contact: ([Use("contact", Kind.UPDATED)], "tickets.delete_contact"),
        Account: ([Use("account", Kind.UPDATED)], "tickets.delete_account"),
        user_model: (
            [
                Use("assignee", Kind.ASSIGNED),
                Use("created_by", Kind.UPDATED),
                Use("followers", Kind.UNFOLLOWED, many=True),
            ],
            f"{user_model._meta.app_label}.delete_{user_model._meta.model_name}",
        ),
    }
    if model not in table:
        raise TypeError(f"Tickets do not use {model.__name__} objects")
    return table[model]


def is_detachable(model):
    try:
        uses_of(model)
    except TypeError:
        return False
    return True


def tickets_using(obj):
    """The tickets that use `obj`, archived ones included (one query when evaluated)."""
    uses, _ = uses_of(type(obj))
    condition = Q()
    for use in uses:
        condition |= Q(custom_values__field=obj) if use.field == "custom_values" else Q(**{use.field: obj})
    queryset = Ticket.objects.filter(condition)
    return queryset.distinct() if any(use.many for use in uses) else queryset


def _names(related):
    if related.model is Tag:
        return sorted(related.values_list("name", flat=True))
    return sorted(user_display(user) for user in related.all())


def detach_from_ticket(ticket, actor, obj, replacement=None):
    """Take `obj` off one ticket (or put `replacement` in its place): one event on the ticket.

    Archived tickets are changed too: the object is going away whatever their state (T4 keeps
    people from editing them, not the configuration from changing under them).
    """
    uses, _ = uses_of(type(obj))
    kind = uses[0].kind if len(uses) == 1 else Kind.UPDATED
    with changing(ticket, actor, kind, allow_archived=True) as change:
        locked = change.ticket
        for use in uses:
            if not use.many:
                if getattr(locked, f"{use.field}_id") == obj.pk:
                    change.set(use.field, replacement)
                continue
            if use.field == "custom_values":
                value = CustomFieldValue.objects.filter(ticket=locked, field=obj).first()
                if value is not None:
                    value.delete()
                    change.record(f"custom:{obj.key}", display_custom_value(obj.field_type, value.value) or None, None)
                continue
            related = getattr(locked, use.field)
            if not related.filter(pk=obj.pk).exists():
                continue
            before = _names(related)
            related.remove(obj)
            if replacement is not None:
                related.add(replacement)
            change.record(use.field, before, _names(related))
    return change.ticket


def _check_replacement(obj, replacement):
    if replacement is None:
        return
    if isinstance(obj, CustomField) or type(replacement) is not type(obj) or replacement.pk == obj.pk:
        raise TicketRuleError("Choose something else to replace it with.", field="replacement")
    if isinstance(obj, SubStatus) and replacement.status != obj.status:
        raise TicketRuleError(
            f"Replace it with a sub-status of {obj.get_status_display()}, the status its tickets have.",
            field="replacement",
        )


def remove_now(obj, actor, replacement=None):
    """Detach `obj` from every ticket using it, then delete it, in one transaction; how many tickets changed."""
    changed = 0
    with transaction.atomic(), without_customer_messages():
        for pk in list(tickets_using(obj).order_by("pk").values_list("pk", flat=True)):
            detach_from_ticket(pk, actor, obj, replacement)
            changed += 1
        with ticket_writes():
            obj.delete()
    return changed


def start_removal(actor, obj, replacement=None):
    """Delete `obj` the way every ticket using it hears of: now, or as a background Removal.

    Returns (removal, count): `removal` is None when it was done at once. Needs the right to delete
    that kind of object (configurations: SPEC R3's "manage configurations"; contacts, accounts and
    people: their Django admin delete permission). A removal already running for `obj` is returned
    instead of starting a second one.
    """
    _, right = uses_of(type(obj))
    require_right(actor, right)
    _check_replacement(obj, replacement)
    count = tickets_using(obj).count()
    if count <= settings.HELPDESK_INLINE_REMOVAL_LIMIT:
        return None, remove_now(obj, actor, replacement)
    content_type = ContentType.objects.get_for_model(obj)
    try:
        with transaction.atomic():
            removal = Removal.objects.create(
                user=actor,
                content_type=content_type,
                object_id=obj.pk,
                label=f"{obj._meta.verbose_name.capitalize()} “{obj}”",
                replacement_id=replacement.pk if replacement else None,
                replacement_label=str(replacement) if replacement else "",
                tickets_total=count,
            )
            transaction.on_commit(lambda: _enqueue(removal.pk))
    except IntegrityError:
        removal = Removal.objects.get(content_type=content_type, object_id=obj.pk, state__in=ACTIVE_STATES)
    return removal, count


def _enqueue(removal_id):
    from ..tasks.removals import run_removal  # the task module calls this one

    run_removal.delay(removal_id)


def run_removal(removal_id):
    """Work through a Removal: batches of tickets detached through the actions, then the object deleted.

    Safe to run twice or after a crash: each batch commits with its progress, and a second run
    continues with the tickets that still use the object.
    """
    if not Removal.objects.claim(removal_id):
        return None  # finished, or being run by a live worker: an orphaned one is taken over and resumes
    removal = Removal.objects.select_related("content_type", "user").get(pk=removal_id)
    model = removal.content_type.model_class()
    obj = model.objects.filter(pk=removal.object_id).first()
    replacement = model.objects.filter(pk=removal.replacement_id).first() if removal.replacement_id else None
    try:
        while obj is not None and _run_batch(removal, obj, replacement):
            pass
        if obj is not None:
            # A ticket may have picked the object up since the last batch: it is taken off that one too.
            remove_now(obj, removal.user, replacement)
    except Exception as error:
        _finish(removal, Removal.State.FAILED, f"Stopped on an unexpected error: {error}")
        raise
    return _finish(removal, Removal.State.DONE)


def _run_batch(removal, obj, replacement):
    with transaction.atomic(), without_customer_messages():
        ids = list(tickets_using(obj).order_by("pk").values_list("pk", flat=True)[:BATCH])
        for pk in ids:
            try:
                with transaction.atomic():
                    detach_from_ticket(pk, removal.user, obj, replacement)
            except TicketRuleError:
                # The replacement no longer fits this ticket (its status moved meanwhile): just take it off.
                detach_from_ticket(pk, removal.user, obj, None)
        Removal.objects.beat(removal.pk, tickets_done=F("tickets_done") + len(ids))
    return bool(ids)


def _finish(removal, state, error=""):
    from notifications.models import Notification
    from notifications.services import notify

    with transaction.atomic():
        Removal.objects.filter(pk=removal.pk).update(state=state, error=error, finished_at=timezone.now())
        removal.refresh_from_db()
        done = state == Removal.State.DONE
        title = f"{removal.label} deleted" if done else f"Deleting {removal.label} stopped"
        replaced = f", now with “{removal.replacement_label}”" if removal.replacement_label else ""
        body = f"{removal.tickets_done:,} tickets changed{replaced}" if done else error
        notify(removal.user, Notification.Kind.SYSTEM, title, body=body,
               url=reverse("configurations:removal_detail", args=[removal.pk]), dedupe_key=f"removal-{removal.pk}")
    return removal

"""Counters and claims kept on the ticket row that are not changes a person made.

They move without a version bump or a history event, so nobody's open form turns stale because
a colleague closed a tab or an alert went out; each is a conditional update, safe to run twice.
"""

from django.db.models import F

from ..models import Ticket
from .guard import ticket_writes


def add_time_spent(ticket_id, seconds):
    """Add a closed work session's seconds to the ticket's time spent (SPEC D12)."""
    if seconds <= 0:
        return
    with ticket_writes():
        Ticket.objects.filter(pk=ticket_id).update(time_spent_seconds=F("time_spent_seconds") + int(seconds))


def claim_sla_risk_alert(ticket_id, now):
    """Claim the ticket's one at-risk alert for its current deadline (SPEC T8); False if already claimed.

    Two timers running at once never both tell: only one conditional update finds the claim empty.
    A new deadline clears the claim (TicketChange._update_derived), so it gets its own alert.
    """
    with ticket_writes():
        return bool(Ticket.objects.filter(pk=ticket_id, sla_risk_notified_at__isnull=True).update(
            sla_risk_notified_at=now
        ))


def sync_tag_ids(ticket_ids):
    """Write each ticket's `tag_ids` from its tag links (SPEC L4); returns {ticket id: ids}.

    A copy of links whose own write went through an action (or the guard refused it), so it is
    not a change of its own: no version, no event.
    """
    ticket_ids = set(ticket_ids)
    if not ticket_ids:
        return {}
    ids = {pk: [] for pk in ticket_ids}
    links = Ticket.tags.through.objects.filter(ticket_id__in=ticket_ids).order_by("tag_id")
    for ticket_id, tag_id in links.values_list("ticket_id", "tag_id"):
        ids[ticket_id].append(tag_id)
    with ticket_writes():
        for pk, tag_ids in ids.items():
            Ticket.objects.filter(pk=pk).update(tag_ids=tag_ids)
    return ids


def tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """`m2m_changed` of Ticket.tags, from either side: keep `tag_ids` equal to the links."""
    if reverse:  # a tag's tickets changed
        if action == "pre_clear":
            instance._clearing_ticket_ids = list(instance.tickets.values_list("pk", flat=True))
        elif action == "post_clear":
            sync_tag_ids(instance.__dict__.pop("_clearing_ticket_ids", ()))
        elif action in ("post_add", "post_remove"):
            sync_tag_ids(pk_set)
    elif action in ("post_add", "post_remove", "post_clear"):
        # The instance too, so a later save() of it in the same action writes the same ids.
        instance.tag_ids = sync_tag_ids([instance.pk])[instance.pk]

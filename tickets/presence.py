"""Presence on a ticket (SPEC D11) and agents' work sessions (SPEC D12).

The WebSocket consumer calls these with the connection's channel name; they keep the
`TicketPresence` and `WorkSession` tables right and return the ticket's presence as the pages
show it: one entry per person (two tabs count once), editing if any of their pages is editing.

Time spent is bookkeeping, not a change someone made to the ticket: closing a session adds its
seconds to `Ticket.time_spent_seconds` through `actions.add_time_spent`, which bumps no version and
writes no history, so nobody's open form turns stale because a colleague closed a tab.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import actions
from .display import initials, user_display
from .models import TicketPresence, WorkSession


def expiry():
    return datetime.timedelta(seconds=settings.HELPDESK_PRESENCE_EXPIRY)


def snapshot(ticket_id, now=None):
    """Who is on the ticket: [{"id", "name", "initials", "colour", "editing"}], first arrived first."""
    now = now or timezone.now()
    rows = (
        TicketPresence.objects.filter(ticket_id=ticket_id, last_seen__gte=now - expiry())
        .select_related("user")
        .order_by("connected_at", "id")
    )
    people = {}
    for row in rows:
        user = row.user
        entry = people.get(user.pk)
        if entry is None:
            people[user.pk] = {
                "id": user.pk,
                "name": user_display(user),
                "initials": initials(user),
                "colour": user.pk % 10,
                "editing": row.editing,
            }
        elif row.editing:
            entry["editing"] = True
    return list(people.values())


def join(ticket_id, user, channel_name, now=None):
    """A page opened the ticket: record the connection and open the agent's work session."""
    now = now or timezone.now()
    with transaction.atomic():
        TicketPresence.objects.update_or_create(
            channel_name=channel_name,
            defaults={"ticket_id": ticket_id, "user": user, "connected_at": now, "last_seen": now, "editing": False},
        )
        _open_session(ticket_id, user.pk, now)
    return snapshot(ticket_id, now)


def heartbeat(ticket_id, user_id, channel_name, editing, *, was_editing=False, now=None):
    """A page is still open (and says whether it is editing): three cheap writes, no reads.

    Returns (alive, people): `alive` is False when the page's entry was dropped meanwhile (its
    heartbeat had stopped past the expiry) and it must join again; `people` is the new presence to
    share when what the others see moved (this page's editing state, or a silent page dropped now),
    else None.
    """
    now = now or timezone.now()
    if not TicketPresence.objects.filter(channel_name=channel_name).update(last_seen=now, editing=bool(editing)):
        return False, None
    WorkSession.objects.filter(ticket_id=ticket_id, user_id=user_id, ended_at__isnull=True).update(last_seen_at=now)
    dropped = TicketPresence.objects.filter(ticket_id=ticket_id, last_seen__lt=now - expiry()).delete()[0]
    if dropped:
        _close_sessions(
            WorkSession.objects.filter(ticket_id=ticket_id, ended_at__isnull=True, last_seen_at__lt=now - expiry()),
            None,
        )
    if dropped or bool(editing) != bool(was_editing):
        return True, snapshot(ticket_id, now)
    return True, None


def leave(channel_name, now=None):
    """A page closed: drop its connection; the work session ends with the agent's last page."""
    now = now or timezone.now()
    with transaction.atomic():
        row = TicketPresence.objects.filter(channel_name=channel_name).first()
        if row is None:
            return None, []
        row.delete()
        still_here = TicketPresence.objects.filter(
            ticket_id=row.ticket_id, user_id=row.user_id, last_seen__gte=now - expiry()
        ).exists()
        if not still_here:
            _close_sessions(WorkSession.objects.filter(ticket_id=row.ticket_id, user_id=row.user_id), now)
    return row.ticket_id, snapshot(row.ticket_id, now)


def expire(now=None, ticket_id=None):
    """Drop connections whose heartbeat stopped, and close the sessions they leave running.

    A session is closed at its last heartbeat, never left running. Returns how many connections
    were dropped. Called on each heartbeat for its ticket, and for all tickets by the beat timer.
    """
    now = now or timezone.now()
    cutoff = now - expiry()
    stale = TicketPresence.objects.filter(last_seen__lt=cutoff)
    sessions = WorkSession.objects.filter(ended_at__isnull=True, last_seen_at__lt=cutoff)
    if ticket_id is not None:
        stale = stale.filter(ticket_id=ticket_id)
        sessions = sessions.filter(ticket_id=ticket_id)
    dropped = stale.delete()[0]
    _close_sessions(sessions, None)
    return dropped


def _open_session(ticket_id, user_id, now):
    if WorkSession.objects.filter(ticket_id=ticket_id, user_id=user_id, ended_at__isnull=True).exists():
        WorkSession.objects.filter(ticket_id=ticket_id, user_id=user_id, ended_at__isnull=True).update(
            last_seen_at=now
        )
        return
    try:
        with transaction.atomic():
            WorkSession.objects.create(ticket_id=ticket_id, user_id=user_id, started_at=now, last_seen_at=now)
    except IntegrityError:
        pass  # another tab of the same agent opened it a moment ago: one session for both


def _close_sessions(queryset, ended_at):
    """End open sessions (at `ended_at`, or at their last heartbeat) and add them to the tickets' totals."""
    for session in queryset.filter(ended_at__isnull=True):
        session.ended_at = ended_at or session.last_seen_at
        # Conditional: of two processes closing the same session, only one adds its time.
        closed = WorkSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(ended_at=session.ended_at)
        if closed and session.seconds:
            actions.add_time_spent(session.ticket_id, session.seconds)


def time_spent(ticket, now=None):
    """Total and per-agent time on a ticket, running sessions included: (seconds, [(user, seconds)])."""
    now = now or timezone.now()
    per_user = {}
    for session in WorkSession.objects.filter(ticket=ticket).select_related("user"):
        running = session.ended_at is None and session.last_seen_at >= now - expiry()
        end = now if running else (session.ended_at or session.last_seen_at)
        seconds = max(0, int((end - session.started_at).total_seconds()))
        user_seconds = per_user.setdefault(session.user_id, [session.user, 0])
        user_seconds[1] += seconds
    agents = sorted(per_user.values(), key=lambda pair: -pair[1])
    return sum(seconds for _, seconds in agents), [tuple(pair) for pair in agents]

"""Who may see and change what. One place, used by views, consumers and actions alike."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Ticket


def is_agent(user):
    """Signed-in, active helpdesk staff: every agent may view and edit every ticket (SPEC R2)."""
    return bool(user and user.is_authenticated and user.is_active)


def can_view_ticket(user, ticket):
    return is_agent(user)


def can_open_source(user, ticket):
    """The ticket source link is shown only with access to its channel and product (SPEC R4).

    Access comes from the user's teams (configurations.SourceAccess: blank channel or product
    means any); superusers see every source. Internal tickets have no source to show.
    """
    if not (ticket.source_channel or ticket.source_product or ticket.source_url):
        return False
    if user.is_superuser:
        return True
    from django.db.models import Q

    from configurations.models import SourceAccess

    return SourceAccess.objects.filter(
        Q(channel="") | Q(channel__iexact=ticket.source_channel),
        Q(product="") | Q(product__iexact=ticket.source_product),
        team__members=user,
    ).exists()


def get_ticket_for_user(user, pk, queryset=None):
    """Fetch a ticket the user may see, or 404; child objects are always fetched through it."""
    ticket = get_object_or_404(queryset if queryset is not None else Ticket.objects.all(), pk=pk)
    if not can_view_ticket(user, ticket):
        raise PermissionDenied
    return ticket


def require_perm(user, perm):
    """Refuse with 403 unless the user holds an R3 right (SPEC R3)."""
    if not user.has_perm(perm):
        raise PermissionDenied

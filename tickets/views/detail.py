from django.shortcuts import render

from ..access import get_ticket_for_user
from ..forms import TicketForm
from ..models import Ticket, UserPreference
from ..open_tabs import preference_for
from .open_tabs import note_ticket_visit
from .ticket_form import DETAIL_RELATED, header_context


def ticket_detail(request, pk):
    queryset = Ticket.objects.select_related(*DETAIL_RELATED).prefetch_related("tags")
    ticket = get_ticket_for_user(request.user, pk, queryset)
    note_ticket_visit(request, ticket)  # opening a ticket keeps it as a tab (SPEC L9)
    context = {
        **header_context(ticket),
        "form": TicketForm(ticket=ticket),
        "panel_ratio": preference_for(request).panel_ratio,
        "ratio_choices": UserPreference.PanelRatio.choices,
    }
    return render(request, "tickets/ticket_detail.html", context)

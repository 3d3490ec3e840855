from csp.decorators import csp_update
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.shortcuts import render

from mail.models import EmailDraft

from ..access import get_ticket_for_user
from ..forms import TicketForm
from ..models import Ticket, UserPreference
from ..open_tabs import preference_for
from ..parts.header import OPEN_THREADS, header_context, time_spent_context
from ..queries import DETAIL_RELATED
from .open_tabs import note_ticket_visit


# An email's remote images load only when the agent asks ("Load remote images"), so the ticket page
# alone may show https images; every other page keeps images to this site.
@csp_update({"img-src": ["https:"]})
def ticket_detail(request, pk):
    drafts = EmailDraft.objects.filter(ticket=OuterRef("pk"), author=request.user)
    ticket = get_ticket_for_user(
        request.user,
        pk,
        Ticket.objects.select_related(*DETAIL_RELATED).annotate(
            has_thread_suggestions=OPEN_THREADS, has_email_draft=Exists(drafts)
        ),
    )
    note_ticket_visit(request, ticket)  # opening a ticket keeps it as a tab (SPEC L9)
    context = {
        **header_context(ticket),
        "form": TicketForm(ticket=ticket),
        **time_spent_context(ticket),
        "presence_heartbeat": settings.HELPDESK_PRESENCE_HEARTBEAT,
        "panel_ratio": preference_for(request).panel_ratio,
        "ratio_choices": UserPreference.PanelRatio.choices,
    }
    return render(request, "tickets/ticket_detail.html", context)

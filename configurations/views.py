from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from .models import Category, CustomField, SLAPolicy, SubStatus, Tag, Team, TicketType, WorkingCalendar


@permission_required("tickets.manage_configurations", raise_exception=True)
def overview(request):
    """What is configured today, for team leaders (SPEC C1)."""
    context = {
        "tag_limit": settings.HELPDESK_TAGS_PER_COMPANY,
        "tags": Tag.objects.all(),
        "sub_statuses": SubStatus.objects.all(),
        "ticket_types": TicketType.objects.all(),
        "categories": Category.objects.select_related("sla_policy", "calendar"),
        "sla_policies": SLAPolicy.objects.all(),
        "calendars": WorkingCalendar.objects.prefetch_related("hours", "holidays"),
        "custom_fields": CustomField.objects.select_related("category"),
        "teams": Team.objects.prefetch_related("members"),
    }
    return render(request, "configurations/overview.html", context)

from datetime import datetime

from django.db import connection
from django.http import HttpResponseForbidden
from django.shortcuts import render

ROWS = """
SELECT t.id, t.title, t.status, t.priority, t.created_at, t.updated_at, t.deadline,
       coalesce(u.first_name || ' ' || u.last_name, ''), coalesce(team.name, ''), coalesce(c.name, ''),
       t.source_channel, t.version
FROM tickets_ticket t
LEFT JOIN auth_user u ON u.id = t.assignee_id
LEFT JOIN configurations_team team ON team.id = t.team_id
LEFT JOIN tickets_contact c ON c.id = t.contact_id
WHERE NOT t.archived AND t.team_id IN (
    SELECT team_id FROM configurations_team_members WHERE user_id = %s
) AND (t.created_at, t.id) < (%s, %s)
ORDER BY t.created_at DESC, t.id DESC
LIMIT 50
"""


def ticket_list(request):
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    created, pk = "9999-12-31T00:00:00+00:00", 2**62
    if "," in request.GET.get("after", ""):
        created, pk = request.GET["after"].split(",", 1)
    with connection.cursor() as cursor:
        cursor.execute(ROWS, [request.user.pk, datetime.fromisoformat(created), int(pk)])
        rows = cursor.fetchall()
    after = f"{rows[-1][4].isoformat()},{rows[-1][0]}" if len(rows) == 50 else ""
    return render(request, "bare_list.html", {"rows": rows, "after": after})

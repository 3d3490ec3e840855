"""Each ticket's tag ids on its own row (SPEC L4: a tag filter that stays flat as the table grows).

The list walks an ordered index and tests each row; with the tags in a link table that test is a
probe of another index per row, which the planner avoids by reading every match and sorting. With
the ids in the row it is a test of the row, and the list indexes carry them (INCLUDE), so the walk
never visits the table. On PostgreSQL a GIN index answers `&&` for a rare tag,
and the column's element statistics tell the planner which tags are rare.
"""

from django.conf import settings
from django.db import migrations, models

import tickets.db


def fill(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "UPDATE tickets_ticket AS t SET tag_ids = s.ids FROM ("
            " SELECT ticket_id, array_agg(tag_id ORDER BY tag_id) AS ids FROM tickets_ticket_tags GROUP BY ticket_id"
            ") AS s WHERE s.ticket_id = t.id"
        )
        schema_editor.execute("CREATE INDEX IF NOT EXISTS ticket_tag_ids ON tickets_ticket USING gin (tag_ids)")
        # Element frequencies for every tag, the rare ones included (the default sample misses a tag
        # on 50 of a million tickets and guesses 2 %): a rare tag is then read from the GIN index, a
        # common one by walking the list's ordered index.
        schema_editor.execute("ALTER TABLE tickets_ticket ALTER COLUMN tag_ids SET STATISTICS 1000")
        schema_editor.execute("ANALYZE tickets_ticket")
    else:
        schema_editor.execute(
            "UPDATE tickets_ticket SET tag_ids = (SELECT json_group_array(tag_id) FROM ("
            " SELECT tag_id FROM tickets_ticket_tags WHERE ticket_id = tickets_ticket.id ORDER BY tag_id))"
            " WHERE id IN (SELECT ticket_id FROM tickets_ticket_tags)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ticket_tag_ids")


class Migration(migrations.Migration):
    dependencies = [
        ("configurations", "0004_single_line_names"),
        ("tickets", "0020_activity_bcc_email_sent_kinds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(model_name="ticket", name="tag_ids", field=tickets.db.IdSetField()),
        # The list indexes carry the ids (INCLUDE), so a walk tests them without visiting the table;
        # they are built again after the ids are filled, which then maintains no index but GIN's.
        migrations.RemoveIndex(
                model_name='ticket',
                name='ticket_open',
            ),
        migrations.RemoveIndex(
                model_name='ticket',
                name='ticket_open_agent',
            ),
        migrations.RemoveIndex(
                model_name='ticket',
                name='ticket_open_team',
            ),
        migrations.RemoveIndex(
                model_name='ticket',
                name='ticket_open_unassigned',
            ),
        migrations.RemoveIndex(
                model_name='ticket',
                name='ticket_live',
            ),
        migrations.RemoveIndex(
                model_name='ticket',
                name='ticket_live_agent',
            ),
        migrations.RemoveIndex(
                model_name='ticket',
                name='ticket_live_team',
            ),
        migrations.RemoveIndex(
                model_name='ticket',
                name='ticket_unassigned_created',
            ),
        migrations.RemoveIndex(
                model_name='ticket',
                name='ticket_archived_created',
            ),
        migrations.RunPython(fill, drop_index, elidable=False),
        migrations.AddIndex(
                model_name='ticket',
                index=models.Index(condition=models.Q(('archived', False), models.Q(('status', 'resolved'), _negated=True)), fields=['created_at', 'id'], include=('status', 'priority', 'ticket_type', 'sub_status', 'assignee', 'team', 'deadline', 'sla_at_risk_at', 'tag_ids'), name='ticket_open'),
            ),
        migrations.AddIndex(
                model_name='ticket',
                index=models.Index(condition=models.Q(('archived', False), models.Q(('status', 'resolved'), _negated=True)), fields=['assignee', 'created_at', 'id'], include=('status', 'priority', 'ticket_type', 'sub_status', 'assignee', 'team', 'deadline', 'sla_at_risk_at', 'tag_ids'), name='ticket_open_agent'),
            ),
        migrations.AddIndex(
                model_name='ticket',
                index=models.Index(condition=models.Q(('archived', False), models.Q(('status', 'resolved'), _negated=True)), fields=['team', 'created_at', 'id'], include=('status', 'priority', 'ticket_type', 'sub_status', 'assignee', 'team', 'deadline', 'sla_at_risk_at', 'tag_ids'), name='ticket_open_team'),
            ),
        migrations.AddIndex(
                model_name='ticket',
                index=models.Index(condition=models.Q(('archived', False), models.Q(('status', 'resolved'), _negated=True), ('assignee__isnull', True), ('team__isnull', True)), fields=['created_at', 'id'], include=('status', 'priority', 'ticket_type', 'sub_status', 'assignee', 'team', 'deadline', 'sla_at_risk_at', 'tag_ids'), name='ticket_open_unassigned'),
            ),
        migrations.AddIndex(
                model_name='ticket',
                index=models.Index(condition=models.Q(('archived', False)), fields=['created_at', 'id'], include=('status', 'priority', 'ticket_type', 'sub_status', 'assignee', 'team', 'deadline', 'sla_at_risk_at', 'tag_ids'), name='ticket_live'),
            ),
        migrations.AddIndex(
                model_name='ticket',
                index=models.Index(condition=models.Q(('archived', False)), fields=['assignee', 'created_at', 'id'], include=('status', 'priority', 'ticket_type', 'sub_status', 'assignee', 'team', 'deadline', 'sla_at_risk_at', 'tag_ids'), name='ticket_live_agent'),
            ),
        migrations.AddIndex(
                model_name='ticket',
                index=models.Index(condition=models.Q(('archived', False)), fields=['team', 'created_at', 'id'], include=('status', 'priority', 'ticket_type', 'sub_status', 'assignee', 'team', 'deadline', 'sla_at_risk_at', 'tag_ids'), name='ticket_live_team'),
            ),
        migrations.AddIndex(
                model_name='ticket',
                index=models.Index(condition=models.Q(('archived', False), ('assignee__isnull', True), ('team__isnull', True)), fields=['created_at', 'id'], include=('status', 'priority', 'ticket_type', 'sub_status', 'assignee', 'team', 'deadline', 'sla_at_risk_at', 'tag_ids'), name='ticket_unassigned_created'),
            ),
        migrations.AddIndex(
                model_name='ticket',
                index=models.Index(condition=models.Q(('archived', True)), fields=['created_at', 'id'], include=('status', 'priority', 'ticket_type', 'sub_status', 'assignee', 'team', 'deadline', 'sla_at_risk_at', 'tag_ids'), name='ticket_archived_created'),
            ),
    ]

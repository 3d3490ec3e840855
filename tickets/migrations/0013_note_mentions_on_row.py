from django.db import migrations, models

BATCH = 2000


def copy_mentions(apps, schema_editor):
    """Each note with mentions gets their usernames on its row, in batches (large helpdesks)."""
    Activity = apps.get_model("tickets", "Activity")
    Mention = Activity.mentions.through
    names = {}
    for activity_id, username in Mention.objects.order_by("activity_id").values_list("activity_id", "user__username"):
        names.setdefault(activity_id, []).append(username)
    ids = sorted(names)
    for start in range(0, len(ids), BATCH):
        notes = list(Activity.objects.filter(pk__in=ids[start:start + BATCH]).only("pk"))
        for note in notes:
            note.mentioned = sorted(names[note.pk])
        Activity.objects.bulk_update(notes, ["mentioned"])


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0012_single_line_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="mentioned",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(copy_mentions, migrations.RunPython.noop, elidable=True),
    ]

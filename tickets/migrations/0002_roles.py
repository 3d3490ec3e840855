"""The three roles of SPEC R1 as groups, holding the default rights of SPEC R3.

Admins are Django staff/superusers; the Admin group also holds every right, so an admin's rights
can be given to anyone in Django admin without making them a superuser.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AGENT = ["create_own_views", "bulk_edit_tickets", "export_tickets"]
TEAM_LEADER = AGENT + [
    "merge_tickets",
    "delete_ticket",
    "import_tickets",
    "read_csat",
    "manage_configurations",
]
ADMIN = TEAM_LEADER + ["anonymise_ticket"]

ROLES = {"Agent": AGENT, "Team Leader": TEAM_LEADER, "Admin": ADMIN}


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate; create them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="tickets", codename__in=codenames)
        group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

"""The three roles of SPEC R1 as Django groups, with the default rights of SPEC R3.

Admins are Django staff/superusers; the Admin group also holds every right, so an admin's rights
can be given to anyone in Django admin without making them a superuser.
"""

# Working on tickets at all (SPEC R2) is a right too: an active user in no role has none.
AGENT = ["work_on_tickets", "create_own_views", "bulk_edit_tickets", "export_tickets"]
TEAM_LEADER = AGENT + [
    "merge_tickets",
    "delete_ticket",
    "import_tickets",
    "read_csat",
    "manage_configurations",
]
ADMIN = TEAM_LEADER + ["anonymise_ticket"]

ROLES = {"Agent": AGENT, "Team Leader": TEAM_LEADER, "Admin": ADMIN}


def ensure_roles(group_model=None, permission_model=None):
    """Create the role groups and give them their rights; safe to run again (used by a migration)."""
    if group_model is None:
        from django.contrib.auth.models import Group as group_model  # noqa: N813
        from django.contrib.auth.models import Permission as permission_model  # noqa: N813
    for name, codenames in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=name)
        permissions = permission_model.objects.filter(content_type__app_label="tickets", codename__in=codenames)
        group.permissions.add(*permissions)

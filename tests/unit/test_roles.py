"""Roles are groups and rights are permissions, with the defaults of SPEC R1 and R3."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

AGENT_RIGHTS = {"work_on_tickets", "create_own_views", "bulk_edit_tickets", "export_tickets"}
TEAM_LEADER_RIGHTS = AGENT_RIGHTS | {
    "merge_tickets",
    "delete_ticket",
    "import_tickets",
    "read_csat",
    "manage_configurations",
}
ADMIN_RIGHTS = TEAM_LEADER_RIGHTS | {"anonymise_ticket"}


def rights_of(group_name):
    group = Group.objects.get(name=group_name)
    return set(group.permissions.filter(content_type__app_label="tickets").values_list("codename", flat=True))


def fresh(user):
    """The user as a new request would load it (Django caches permissions on the instance)."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.spec("R1")
def test_the_three_roles_exist_as_groups():
    assert {"Agent", "Team Leader", "Admin"} <= set(Group.objects.values_list("name", flat=True))


@pytest.mark.spec("R3")
def test_agents_hold_the_agent_rights_by_default():
    assert rights_of("Agent") == AGENT_RIGHTS


@pytest.mark.spec("R3")
def test_team_leaders_hold_the_team_leader_rights_by_default():
    assert rights_of("Team Leader") == TEAM_LEADER_RIGHTS


@pytest.mark.spec("R3")
def test_only_admins_hold_the_right_to_anonymise():
    assert rights_of("Admin") == ADMIN_RIGHTS
    holders = Group.objects.filter(permissions__codename="anonymise_ticket").values_list("name", flat=True)
    assert list(holders) == ["Admin"]


@pytest.mark.spec("R3")
@pytest.mark.parametrize(
    ("right", "allowed"),
    [
        ("tickets.export_tickets", True),
        ("tickets.create_own_views", True),
        ("tickets.bulk_edit_tickets", True),
        ("tickets.merge_tickets", False),
        ("tickets.delete_ticket", False),
        ("tickets.import_tickets", False),
        ("tickets.read_csat", False),
        ("tickets.manage_configurations", False),
        ("tickets.anonymise_ticket", False),
    ],
)
def test_an_agent_has_exactly_the_agent_rights(alice, right, allowed):
    assert alice.has_perm(right) is allowed


@pytest.mark.spec("R3")
@pytest.mark.parametrize(
    ("right", "allowed"),
    [
        ("tickets.export_tickets", True),
        ("tickets.create_own_views", True),
        ("tickets.bulk_edit_tickets", True),
        ("tickets.merge_tickets", True),
        ("tickets.delete_ticket", True),
        ("tickets.import_tickets", True),
        ("tickets.read_csat", True),
        ("tickets.manage_configurations", True),
        ("tickets.anonymise_ticket", False),
    ],
)
def test_a_team_leader_has_the_team_leader_rights(lead, right, allowed):
    assert lead.has_perm(right) is allowed


@pytest.mark.spec("R1", "R3")
def test_an_admin_holds_every_right(admin_user):
    for codename in ADMIN_RIGHTS:
        assert admin_user.has_perm(f"tickets.{codename}")


@pytest.mark.spec("R1", "R3")
def test_a_member_of_the_admin_group_may_anonymise_without_being_a_superuser():
    user = UserFactory(username="helper", role="Admin")
    assert not user.is_superuser
    assert user.has_perm("tickets.anonymise_ticket")


@pytest.mark.spec("R1")
def test_a_right_granted_to_one_user_applies_to_that_user_only(alice, bob):
    alice.user_permissions.add(Permission.objects.get(content_type__app_label="tickets", codename="merge_tickets"))

    assert fresh(alice).has_perm("tickets.merge_tickets")
    assert not fresh(bob).has_perm("tickets.merge_tickets")


@pytest.mark.spec("R1")
def test_a_right_granted_to_a_group_applies_to_all_its_members(alice, bob):
    merge = Permission.objects.get(content_type__app_label="tickets", codename="merge_tickets")
    Group.objects.get(name="Agent").permissions.add(merge)

    assert fresh(alice).has_perm("tickets.merge_tickets")
    assert fresh(bob).has_perm("tickets.merge_tickets")


@pytest.mark.spec("R3")
def test_an_inactive_agent_has_no_rights():
    user = UserFactory(username="leaver", is_active=False)
    assert not user.has_perm("tickets.export_tickets")


def loaded(user):
    """The user as the authentication backend loads it for a request."""
    from tickets.backends import HelpdeskBackend

    return HelpdeskBackend().get_user(user.pk)


@pytest.mark.spec("R1", "R3")
def test_rights_and_role_names_are_read_together_in_one_query(django_assert_num_queries):
    from tickets.backends import role_names

    user = UserFactory(role="Team Leader")
    user.groups.add(Group.objects.create(name="Night shift"))  # a role without rights of its own
    user.user_permissions.add(Permission.objects.get(codename="anonymise_ticket"))
    user = loaded(user)

    with django_assert_num_queries(1):
        rights = user.get_all_permissions()
        names = role_names(user)
        assert user.has_perm("tickets.merge_tickets") and user.has_perm("tickets.anonymise_ticket")

    assert {right.split(".", 1)[1] for right in rights if right.startswith("tickets.")} == ADMIN_RIGHTS
    assert names == ["Night shift", "Team Leader"]


@pytest.mark.spec("R3")
def test_a_right_taken_away_is_gone_at_the_next_request():
    user = UserFactory(role="Agent")
    assert loaded(user).has_perm("tickets.export_tickets")

    Group.objects.get(name="Agent").permissions.remove(Permission.objects.get(codename="export_tickets"))

    assert not loaded(user).has_perm("tickets.export_tickets")
    assert loaded(user).has_perm("tickets.work_on_tickets")


@pytest.mark.spec("R1")
def test_the_account_menu_names_the_role(client):
    from tickets.templatetags.people import role_label

    agent, nobody = UserFactory(role="Agent"), UserFactory()
    staff, superuser = UserFactory(is_staff=True), UserFactory(is_superuser=True, is_staff=True)
    for user in (nobody, staff, superuser):
        user.groups.clear()  # the factory makes agents

    assert [role_label(loaded(user)) for user in (agent, nobody, staff, superuser)] == [
        "Agent", "No role", "Staff", "Admin"
    ]
    client.force_login(agent)
    assert "<span>Agent</span>" in client.get("/tickets/").content.decode()

"""Django's model backend, reading what every page needs about the signed-in user in two queries.

Django's own backend reads the user, then (on the first right checked) the user's permissions and
the groups' permissions in two more queries, and the header asks for the role names in a fourth;
the preference row (UserPreference) costs a fifth. Here the user comes with the preference
joined, and the rights with the role names in one query. Caching is Django's: per user object, so
per request; a right given or taken away counts from the next request.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, F, Value


class HelpdeskBackend(ModelBackend):
    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("helpdesk_preference")
        user = users.filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        user.preference_joined = True  # read by UserPreference.for_request_user
        return user

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            load_rights_and_roles(user_obj)
        return user_obj._perm_cache


def load_rights_and_roles(user):
    """Set Django's permission cache and `_role_names` on `user` from one query."""
    through_groups = Group.objects.filter(user=user).order_by().values_list(
        F("name"), F("permissions__content_type__app_label"), F("permissions__codename")
    )
    direct = Permission.objects.filter(user=user).order_by().values_list(
        Value(None, output_field=CharField()), F("content_type__app_label"), F("codename")
    )
    roles, rights = set(), set()
    for role, app_label, codename in through_groups.union(direct, all=True):
        if role is not None:
            roles.add(role)
        if codename is not None:
            rights.add(f"{app_label}.{codename}")
    if not user.is_superuser:  # a superuser holds every right: Django's own backend lists them
        user._perm_cache = rights
    user._role_names = sorted(roles)


def role_names(user):
    """The names of the user's roles (groups), sorted; read with the rights if those were read here."""
    if not hasattr(user, "_role_names"):
        load_rights_and_roles(user)
    return user._role_names

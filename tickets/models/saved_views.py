"""Saved ticket views, the user's "My views" sidebar, and filter schemes (SPEC L7, L8).

A view and a filter scheme are each a name plus the ticket list's query string (tab, filters, sort,
toggle), stored without paging cursors and without the `view`/`scheme` markers; following one is
navigating to the list with that query.
"""

from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from ..validators import validate_single_line

NAME_MAX_LENGTH = 80
QUERY_MAX_LENGTH = 2000

# List parameters that describe where the user is, not what the list shows.
NOT_STORED = frozenset({"after", "before", "page", "view", "scheme"})


def clean_list_query(value):
    """The list query string worth storing: cursors and markers dropped, order kept, re-encoded."""
    pairs = parse_qsl((value or "").strip().lstrip("?"), keep_blank_values=False)
    return urlencode([(key, item) for key, item in pairs if key not in NOT_STORED and item != ""])


def list_url(query, **markers):
    """The ticket list at `query`, with markers such as view=<pk> appended."""
    parts = [part for part in (query, urlencode(markers)) if part]
    return reverse("tickets:ticket_list") + ("?" + "&".join(parts) if parts else "")


class TicketViewQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Views the user may see: their own, team views, and views others shared (SPEC L7)."""
        return self.filter(Q(owner=user) | Q(is_team_view=True) | Q(visibility=TicketView.Visibility.SHARED))


class TicketView(models.Model):
    """A named list query. Team views are made by staff and shown to everyone; a folder groups views."""

    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private"
        SHARED = "shared", "Shared"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ticket_views")
    name = models.CharField(max_length=NAME_MAX_LENGTH, validators=[validate_single_line])
    query = models.TextField(blank=True, max_length=QUERY_MAX_LENGTH, help_text="e.g. tab=all&priority=high")
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PRIVATE)
    is_team_view = models.BooleanField(
        "team view", default=False, help_text="Shown to everyone under Team views; only staff can change it"
    )
    is_folder = models.BooleanField("folder", default=False, help_text="Groups views in My views; has no filters")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TicketViewQuerySet.as_manager()

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint(
                "owner",
                Lower("name"),
                name="ticketview_owner_name_unique",
                violation_error_message="You already have a view with this name.",
            ),
            models.CheckConstraint(
                condition=Q(is_folder=False) | Q(is_team_view=False, query=""),
                name="ticketview_folder_is_plain",
                violation_error_message="A folder has no filters and cannot be a team view.",
            ),
        ]
        indexes = [
            models.Index(fields=["is_team_view"], name="ticketview_team", condition=Q(is_team_view=True)),
            models.Index(fields=["visibility"], name="ticketview_shared", condition=Q(visibility="shared")),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.query = "" if self.is_folder else clean_list_query(self.query)
        if self.is_folder:
            self.visibility = self.Visibility.PRIVATE  # folders are the user's own (SPEC L7)
        if self.is_team_view:
            self.visibility = self.Visibility.SHARED

    @property
    def url(self):
        return list_url(self.query, view=self.pk)

    def is_visible_to(self, user):
        return self.owner_id == user.pk or self.is_team_view or self.visibility == self.Visibility.SHARED

    def can_edit(self, user):
        """Staff edit team views; everyone else only the views they made (SPEC L7)."""
        if self.is_team_view:
            return user.is_staff
        return self.owner_id == user.pk


class MyViewEntry(models.Model):
    """One view in a user's "My views", in their order; `parent` nests it one level deep."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="my_view_entries")
    view = models.ForeignKey(TicketView, on_delete=models.CASCADE, related_name="entries")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "My views entry"
        verbose_name_plural = "My views entries"
        ordering = ["user", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "view"], name="myviewentry_user_view_unique")]
        indexes = [models.Index(fields=["user", "position"], name="myviewentry_user_position")]

    def __str__(self):
        return f"{self.view} in {self.user}'s views"


class FilterScheme(models.Model):
    """A filter saved by name from the list toolbar ("Save as", SPEC L8); private to its owner."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="filter_schemes")
    name = models.CharField(max_length=NAME_MAX_LENGTH, validators=[validate_single_line])
    query = models.TextField(blank=True, max_length=QUERY_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint(
                "owner",
                Lower("name"),
                name="filterscheme_owner_name_unique",
                violation_error_message="You already have a filter scheme with this name.",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.query = clean_list_query(self.query)

    @property
    def url(self):
        return list_url(self.query, scheme=self.pk)

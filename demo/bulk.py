"""`seed_demo --tickets N`: benchmark tickets with bulk inserts (COPY on PostgreSQL)."""


import bisect
import datetime as dt
import json
import random
import time
from collections import Counter
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from configurations.models import (
    Category,
    CustomField,
    Priority,
    SLAPolicy,
    Status,
    SubStatus,
    Tag,
    Team,
    TicketType,
)
from tickets import sla
from tickets.models import (
    Account,
    Contact,
    CustomFieldValue,
    Ticket,
    TicketEvent,
)

from .builder import seed_demo
from .data import (
    ALREADY_PRESENT,
    CATEGORY_TEAM,
    COURIERS,
    DAY,
    FIRST_NAMES,
    HOUR,
    LAST_NAMES,
    PACE,
    PRODUCTS,
    SEED,
    TEMPLATES,
    UTC,
)
from .setup import demo_data_present
from .support import NameSource

EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
US = 1_000_000


def _us(moment):
    return (moment - EPOCH) // dt.timedelta(microseconds=1)


def _dt(us):
    return EPOCH + dt.timedelta(microseconds=us)


class FastCalendar:
    """`sla.add_working_time` for many tickets: working intervals over a date range, bisected.

    Built once from `sla.Calendar.intervals`, so it counts exactly the same working time.
    Times are integer microseconds since the epoch.
    """

    def __init__(self, calendar, first_day, last_day):
        self.always = calendar.is_always
        self.starts, self.ends, self.cum_start, self.cum_end = [], [], [], []
        if self.always:
            return
        total = 0
        day = first_day
        while day <= last_day:
            for begin, finish in calendar.intervals(day):
                begin, finish = _us(begin), _us(finish)
                if self.ends and begin <= self.ends[-1]:
                    # Touching intervals (a 24x7 calendar's days): extend the last one.
                    extra = finish - self.ends[-1]
                    if extra > 0:
                        self.ends[-1] = finish
                        total += extra
                        self.cum_end[-1] = total
                    continue
                self.starts.append(begin)
                self.ends.append(finish)
                self.cum_start.append(total)
                total += finish - begin
                self.cum_end.append(total)
            day += dt.timedelta(days=1)

    def add(self, start, seconds):
        if seconds <= 0 or self.always:
            return start + seconds * US
        i = bisect.bisect_right(self.starts, start) - 1
        position = 0 if i < 0 else self.cum_start[i] + min(start, self.ends[i]) - self.starts[i]
        target = position + seconds * US
        j = bisect.bisect_left(self.cum_end, target)
        if j >= len(self.ends):
            raise ValueError("Deadline beyond the prepared calendar range")
        return self.ends[j] - (self.cum_end[j] - target)


def _table_columns(model, wanted):
    """The columns to insert: `wanted`, plus any other concrete field filled with its default."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    missing = [name for name in wanted if name not in fields]
    if missing:
        raise RuntimeError(f"{model.__name__} has no columns {missing}; update demo/bulk.py")
    extra = [
        name for name, field in fields.items()
        if name not in wanted and not (field.primary_key and "id" not in wanted)
    ]
    columns = list(wanted) + extra
    defaults = tuple(fields[name].get_default() for name in extra)
    return [fields[name] for name in columns], defaults


class BulkWriter:
    """Insert rows fast: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def write(self, model, fields, rows):
        if not rows:
            return
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        json_columns = [i for i, field in enumerate(fields) if field.get_internal_type() == "JSONField"]
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    if json_columns:
                        for row in rows:
                            row = list(row)
                            for i in json_columns:
                                row[i] = json.dumps(row[i])
                            copy.write_row(row)
                    else:
                        for row in rows:
                            copy.write_row(row)
                return
            adapters = [self._adapter(field) for field in fields]
            if any(adapters):
                rows = [
                    tuple(adapt(value) if adapt and value is not None else value
                          for adapt, value in zip(adapters, row, strict=True))
                    for row in rows
                ]
            placeholders = ", ".join(["%s"] * len(fields))
            # Table and column names come from the models, values are parameters.
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # nosec B608

    @staticmethod
    def _adapter(field):
        if field.get_internal_type() in {
            "DateTimeField", "DateField", "DecimalField", "JSONField", "TimeField", "IdSetField"
        }:
            return lambda value: field.get_db_prep_save(value, connection)
        return None


TICKET_COLUMNS = [
    "id", "title", "description", "ticket_type_id", "priority", "status", "sub_status_id", "category_id",
    "contact_id", "account_id", "assignee_id", "team_id", "parent_id", "created_by_id", "source_channel",
    "source_product", "source_url", "deadline", "deadline_is_manual", "sla_at_risk_at", "reopen_at",
    "archived", "archived_at", "created_at", "updated_at", "resolved_at", "submitted_reached_at",
    "pending_reached_at", "ongoing_reached_at", "resolved_reached_at", "completion_seconds",
    "unassigned_seconds", "unassigned_since", "version", "tag_ids",
]
EVENT_COLUMNS = ["ticket_id", "actor_id", "kind", "changes", "version", "created_at"]
TAG_COLUMNS = ["ticket_id", "tag_id"]
VALUE_COLUMNS = ["ticket_id", "field_id", "text_value", "number_value", "date_value", "bool_value"]

# Status mix by age: (max age in days, weights submitted, pending, ongoing, resolved).
STATUS_BY_AGE = [
    (2, (35, 15, 35, 15)),
    (14, (8, 17, 25, 50)),
    (60, (2, 5, 6, 87)),
    (None, (2, 3, 3, 92)),
]


class BulkBuilder:
    """Makes benchmark ticket rows in Python, cheaply but consistently."""

    def __init__(self, rng, now, span_days):
        self.rng = rng
        self.now = now
        self.now_us = _us(now)
        self.span_us = span_days * DAY * US
        User = get_user_model()
        self.agents = list(
            User.objects.filter(is_active=True, groups__name__in=["Agent", "Team Leader"]).distinct().order_by("id")
        )
        if not self.agents:
            self.agents = list(User.objects.filter(is_active=True).order_by("id")[:10])
        self.agent_names = {user.pk: user.get_full_name() or user.get_username() for user in self.agents}
        teams = list(Team.objects.prefetch_related("members").order_by("id"))
        self.team_names = {team.pk: team.name for team in teams}
        self.agent_team = {}
        for team in teams:
            for member in team.members.all():
                self.agent_team.setdefault(member.pk, team.pk)
        self.team_ids = [team.pk for team in teams]
        weights = [3 if user.username == "alice" else 1 for user in self.agents]
        self.agent_ids = [user.pk for user in self.agents]
        self.agent_weights = list(_cumulative(weights))
        self.tag_ids = list(Tag.objects.order_by("id").values_list("id", flat=True))
        self.types = list(TicketType.objects.order_by("id"))
        self.categories = list(
            Category.objects.select_related("sla_policy", "calendar").prefetch_related(
                "calendar__hours", "calendar__holidays"
            ).order_by("id")
        )
        self.team_by_name = {team.name: team.pk for team in teams}
        self.category_team = {
            category.pk: self.team_by_name.get(CATEGORY_TEAM.get(category.name, ""), None)
            for category in self.categories
        }
        self.sub_statuses = {status: [] for status in Status.values}
        for sub in SubStatus.objects.order_by("position", "id"):
            self.sub_statuses[sub.status].append(sub.pk)
        self.policies = {policy.pk: policy for policy in SLAPolicy.objects.all()}
        self.account_policy = dict(
            Account.objects.filter(sla_policy__isnull=False).values_list("id", "sla_policy_id")
        )
        self.fields = {field.key: field for field in CustomField.objects.filter(active=True)}
        first_day = (now - dt.timedelta(days=span_days + 2)).date()
        last_day = (now + dt.timedelta(days=120)).date()
        self.calendars = {}
        for category in self.categories:
            if category.calendar_id not in self.calendars:
                self.calendars[category.calendar_id] = FastCalendar(
                    sla.Calendar.from_model(category.calendar), first_day, last_day
                )
        self.titles = self._titles()
        self.load_contacts()

    def load_contacts(self):
        rows = list(Contact.objects.order_by("id").values_list("id", "account_id"))
        self.contacts = rows or [(None, None)]

    def _titles(self):
        rng = random.Random(SEED + 1)  # nosec B311 - repeatable demo data, no secret
        titles = []
        for category_name, type_name, title, tags, description, _flags in TEMPLATES:
            for _ in range(20):
                values = {
                    "order": rng.randint(10000, 99999),
                    "invoice": f"INV-{rng.randint(2023, 2026)}-{rng.randint(1000, 9999)}",
                    "amount": f"{rng.choice([9.99, 24.5, 49.99, 129.0]):.2f}",
                    "product": rng.choice(PRODUCTS),
                    "courier": rng.choice(COURIERS),
                    "date": f"{rng.randint(1, 28)} {rng.choice(['March', 'June', 'October'])}",
                    "month": rng.choice(["January", "April", "July", "November"]),
                    "company": "Northwind Trading",
                }
                titles.append(
                    (
                        category_name,
                        type_name,
                        title.format(**values)[:200],
                        description.format(**values),
                        list(tags),
                        f"#{values['order']}" if "order" in _flags else "",
                    )
                )
        return titles

    def created_times(self, n):
        rng = self.rng
        start = self.now_us - self.span_us
        # Busier lately: slightly more recent tickets than old ones.
        return sorted(start + int(self.span_us * (rng.random() ** 0.8)) for _ in range(n))

    def rows(self, first_id, created_list):
        """(tickets, events, tag links, custom values) for tickets first_id, first_id+1, ..."""
        rng = self.rng
        random_ = rng.random
        now_us = self.now_us
        tickets, events, tags, values = [], [], [], []
        categories = self.categories
        types = self.types
        by_name = {t.name: t for t in types}
        category_by_name = {c.name: c for c in categories}
        status_labels = dict(Status.choices)
        priority_labels = dict(Priority.choices)
        order_field = self.fields.get("order_number")
        refund_field = self.fields.get("refund_amount")
        contact_field = self.fields.get("preferred_contact")
        for offset, created in enumerate(created_list):
            pk = first_id + offset
            category_name, type_name, title, description, _tags, order = self.titles[
                int(random_() * len(self.titles))
            ]
            category = category_by_name.get(category_name) if random_() < 0.95 else None
            ticket_type = by_name.get(type_name)
            facing = ticket_type.customer_facing if ticket_type else True
            r = random_()
            priority = "low" if r < 0.2 else "normal" if r < 0.7 else "high" if r < 0.92 else "urgent"
            age_days = (now_us - created) / (DAY * US)
            weights = next(
                (weights for max_age, weights in STATUS_BY_AGE if max_age is None or age_days < max_age),
                STATUS_BY_AGE[-1][1],
            )
            r = random_() * 100
            s, p, o, _ = weights
            status = "submitted" if r < s else "pending" if r < s + p else "ongoing" if r < s + p + o else "resolved"
            age_us = now_us - created

            # Assignment: none 8%, team only 22%, agent and team 65%, agent only 5%.
            r = random_()
            assignee = team = None
            if r >= 0.08:
                if r < 0.30:
                    team = self.category_team.get(category.pk) if category else None
                    team = team or (rng.choice(self.team_ids) if self.team_ids else None)
                else:
                    assignee = rng.choices(self.agent_ids, cum_weights=self.agent_weights)[0]
                    if r < 0.95:
                        team = self.agent_team.get(assignee) or (
                            self.category_team.get(category.pk) if category else None
                        )
            unassigned = assignee is None and team is None

            # Timeline: everything between creation and now.
            pace = PACE[priority]
            if status == "resolved":
                duration = int(min(age_us * 0.98, (HOUR + random_() ** 2 * 6 * DAY * pace) * US))
            else:
                duration = int(age_us * random_() * 0.9)
            assigned_after = 0 if unassigned else int(min(duration, (random_() ** 2) * 8 * HOUR * pace * US))
            ongoing_at = pending_at = resolved_at = None
            if status != "submitted":
                ongoing_at = created + assigned_after + int((duration - assigned_after) * random_() * 0.5)
                if status == "pending" or (status == "resolved" and random_() < 0.25):
                    pending_at = ongoing_at + int((created + duration - ongoing_at) * random_() * 0.8)
                if status == "resolved":
                    resolved_at = created + duration
            last = created + max(duration, assigned_after)
            sub_choices = self.sub_statuses[status]
            sub_status = None
            if sub_choices and (random_() < 0.6 or (status == "resolved" and category_name == "Technical")):
                sub_status = sub_choices[int(random_() * len(sub_choices))]
            reopen_at = None
            if status == "pending" and (category_name == "Billing" or random_() < 0.2):
                reopen_at = now_us + int((1 + random_() * 9) * DAY * US)

            contact_id, account_id = self.contacts[int(random_() * len(self.contacts))] if facing else (None, None)
            policy = None
            if account_id is not None and account_id in self.account_policy:
                policy = self.policies.get(self.account_policy[account_id])
            elif category is not None:
                policy = category.sla_policy
            deadline = at_risk = None
            if policy is not None:
                calendar = self.calendars[category.calendar_id] if category else None
                seconds = policy.resolution_minutes(priority) * 60
                if calendar is None:
                    deadline, at_risk = created + seconds * US, created + seconds * 4 // 5 * US
                else:
                    deadline = calendar.add(created, seconds)
                    at_risk = calendar.add(created, seconds * 4 // 5)

            archived = random_() < (0.028 if status == "resolved" else 0.005)
            archived_at = min(now_us, last + int(random_() * 10 * DAY * US)) if archived else None
            creator = rng.choice(self.agent_ids) if (not facing or random_() < 0.35) and self.agent_ids else None
            channel = "" if not facing else ("email", "phone", "web form", "chat", "sms")[int(random_() ** 1.5 * 5)]

            created_dt = _dt(created)
            row = (
                pk, title, description, ticket_type.pk if ticket_type else None, priority, status, sub_status,
                category.pk if category else None, contact_id, account_id, assignee, team,
                (pk - 1 - int(random_() * 500)) if random_() < 0.01 and offset > 500 else None,
                creator, channel, "Web shop" if facing else "", "",
                _dt(deadline) if deadline else None, False, _dt(at_risk) if at_risk else None,
                _dt(reopen_at) if reopen_at else None,
                archived, _dt(archived_at) if archived_at else None,
                created_dt, _dt(archived_at or last), _dt(resolved_at) if resolved_at else None,
                created_dt, _dt(pending_at) if pending_at else None, _dt(ongoing_at) if ongoing_at else None,
                _dt(resolved_at) if resolved_at else None,
                (duration // US) if resolved_at else None,
                0 if unassigned else assigned_after // US,
                created_dt if unassigned else None,
                1,
            )
            chosen_tags = []
            if self.tag_ids:
                r = random_()
                count = 0 if r < 0.3 else 1 if r < 0.65 else 2 if r < 0.9 else 3
                if count:
                    chosen_tags = rng.sample(self.tag_ids, min(count, len(self.tag_ids)))
                    tags.extend((pk, tag) for tag in chosen_tags)
            tickets.append((*row, sorted(chosen_tags)))
            changes = {"title": [None, title], "status": [None, status_labels[status]],
                       "priority": [None, priority_labels[priority]]}
            if category is not None:
                changes["category"] = [None, category.name]
            if assignee is not None:
                changes["assignee"] = [None, self.agent_names.get(assignee)]
            if team is not None:
                changes["team"] = [None, self.team_names.get(team)]
            events.append((pk, creator, "created", changes, 1, created_dt))

            if order and order_field is not None and random_() < 0.8:
                values.append((pk, order_field.pk, order, None, None, None))
            if refund_field is not None and category_name == "Billing" and category is not None and random_() < 0.4:
                amount = Decimal(int(random_() * 30000)) / 100
                values.append((pk, refund_field.pk, "", amount, None, None))
            if contact_field is not None and facing and random_() < 0.15:
                values.append((pk, contact_field.pk, rng.choice(("Email", "Phone", "SMS")), None, None, None))
        return tickets, events, tags, values


def _cumulative(weights):
    total = 0
    for weight in weights:
        total += weight
        yield total


def add_bulk_contacts(rng, names, count, out):
    """More customers, so phone and email filters are selective at scale."""
    if count <= 0:
        return
    accounts = [
        Account(name=f"{names.company()} #{index}", email=f"accounts{index}@bulk.example.com")
        for index in range(max(1, count // 50))
    ]
    Account.objects.bulk_create(accounts, batch_size=2000)
    account_ids = list(Account.objects.order_by("-id").values_list("id", flat=True)[: len(accounts)])
    base = Contact.objects.count()
    contacts = []
    for index in range(count):
        number = base + index
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        contacts.append(
            Contact(
                name=f"{first} {last}",
                email=f"{first}.{last}.{number}@customers.example.com".lower(),
                phone=f"+44 7{number % 1000000000:09d}",
                account_id=rng.choice(account_ids) if rng.random() < 0.6 else None,
            )
        )
    Contact.objects.bulk_create(contacts, batch_size=5000)
    out(f"  added {len(accounts)} accounts and {count} contacts")


def seed_bulk(n, out=print, *, batch_size=10000, span_days=3 * 365):
    """Add `n` benchmark tickets with bulk inserts (the base demo data is created first if missing)."""
    started = time.monotonic()
    if not demo_data_present():
        seed_demo(out)
    rng = random.Random(SEED + n)  # nosec B311 - repeatable demo data, no secret
    names = NameSource(rng)
    add_bulk_contacts(rng, names, min(n // 20, 200_000), out)
    now = timezone.now()
    builder = BulkBuilder(rng, now, span_days)
    writer = BulkWriter()
    ticket_fields, ticket_defaults = _table_columns(Ticket, TICKET_COLUMNS)
    event_fields, event_defaults = _table_columns(TicketEvent, EVENT_COLUMNS)
    tag_model = Ticket.tags.through
    tag_fields, tag_defaults = _table_columns(tag_model, TAG_COLUMNS)
    value_fields, value_defaults = _table_columns(CustomFieldValue, VALUE_COLUMNS)

    first_id = (Ticket.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    created = builder.created_times(n)
    out(f"Inserting {n:,} tickets (ids from {first_id}) on {connection.vendor} in batches of {batch_size:,}...")
    done = 0
    next_report = 100_000
    totals = Counter()
    while done < n:
        size = min(batch_size, n - done)
        tickets, events, tags, values = builder.rows(first_id + done, created[done : done + size])
        with transaction.atomic():
            for model, fields, defaults, rows in (
                (Ticket, ticket_fields, ticket_defaults, tickets),
                (TicketEvent, event_fields, event_defaults, events),
                (tag_model, tag_fields, tag_defaults, tags),
                (CustomFieldValue, value_fields, value_defaults, values),
            ):
                writer.write(model, fields, [row + defaults for row in rows] if defaults else rows)
        totals.update(tickets=len(tickets), events=len(events), tags=len(tags), values=len(values))
        done += size
        if done >= next_report or done == n:
            out(f"  {done:,} tickets ({time.monotonic() - started:.0f} s)")
            while next_report <= done:
                next_report += 100_000

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Ticket, TicketEvent, tag_model, CustomFieldValue]):
            cursor.execute(sql)
    analysed = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.get_autocommit():
            # VACUUM sets the visibility map, so the list's index-only scans and counts skip the heap.
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("ANALYZE")
    elapsed = time.monotonic() - started
    out(
        f"Inserted {totals['tickets']:,} tickets, {totals['events']:,} history events, {totals['tags']:,} tag links "
        f"and {totals['values']:,} custom field values in {elapsed:.1f} s "
        f"(VACUUM/ANALYZE {time.monotonic() - analysed:.1f} s); {Ticket.objects.count():,} tickets in total."
    )
    return {"tickets": totals["tickets"], "seconds": elapsed}


__all__ = ["ALREADY_PRESENT", "demo_data_present", "seed_bulk", "seed_demo"]


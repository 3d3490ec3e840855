"""Users, configuration and customers of the demo contact centre."""


import datetime as dt
from collections import Counter

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from configurations.models import (
    Category,
    CustomField,
    Holiday,
    ReplyTemplate,
    SLAPolicy,
    SourceAccess,
    SubStatus,
    Tag,
    Team,
    TicketType,
    WorkingCalendar,
    WorkingHours,
)
from tickets.models import (
    Account,
    Contact,
    Ticket,
)

from .data import (
    ALWAYS,
    CATEGORIES,
    CUSTOM_FIELDS,
    LONDON,
    MAIL_DOMAIN,
    OFFICE,
    PASSWORD,
    REPLY_TEMPLATES,
    SLA_POLICIES,
    STAFF,
    SUB_STATUSES,
    TAGS,
    TEAMS,
    TICKET_TYPES,
)
from .support import _slug, uk_bank_holidays


def demo_data_present():
    return get_user_model().objects.filter(username="alice").exists() or Ticket.objects.exists()


def create_users(out):
    """The demo staff, password "demo". An account that already exists is left as it is."""
    User = get_user_model()
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ("Agent", "Team Leader", "Admin")}
    teams = {name: Team.objects.get_or_create(name=name)[0] for name in TEAMS}
    # Engagement sources (R4): Support and Billing open every channel's; Technical only the web shop's.
    SourceAccess.objects.get_or_create(team=teams["Support"], channel="", product="")
    SourceAccess.objects.get_or_create(team=teams["Billing"], channel="", product="")
    SourceAccess.objects.get_or_create(team=teams["Technical"], channel="", product="Web shop")
    users = {}
    hashed = None
    for username, first, last, group, team_names in STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@{MAIL_DOMAIN}"},
        )
        if created:
            if hashed is None:
                user.set_password(PASSWORD)
                hashed = user.password
            else:
                # The same salted hash set_password made: hashing is slow on purpose, once is enough.
                user.password = hashed
            if username == "admin":
                user.is_staff = user.is_superuser = True
            user.save()
        else:
            out(f"User {username!r} already existed; its password and rights were left unchanged.")
        user.groups.add(groups[group])
        for name in team_names:
            teams[name].members.add(user)
        users[username] = user
    return users, teams


def create_configuration():
    """Tags, sub-statuses, types, calendars, SLAs, categories and custom fields (get-or-create)."""
    config = {}
    config["tags"] = {
        name: Tag.objects.get_or_create(name=name, defaults={"color": color})[0] for name, color in TAGS
    }
    config["sub_statuses"] = {}
    positions = Counter()
    for status, name, channel, text in SUB_STATUSES:
        sub, _ = SubStatus.objects.get_or_create(
            status=status,
            name=name,
            defaults={"position": positions[status], "notify_channel": channel, "notify_text": text},
        )
        positions[status] += 1
        config["sub_statuses"][name] = sub
    config["types"] = {
        name: TicketType.objects.get_or_create(name=name, defaults={"customer_facing": facing})[0]
        for name, facing in TICKET_TYPES
    }

    office, created = WorkingCalendar.objects.get_or_create(name=OFFICE, defaults={"timezone": LONDON})
    if created:
        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=office, weekday=day, start=dt.time(9), end=dt.time(17, 30)) for day in range(5)
        )
        this_year = timezone.now().year
        Holiday.objects.bulk_create(
            Holiday(calendar=office, date=day, name=name)
            for year in (this_year - 1, this_year, this_year + 1)
            for day, name in uk_bank_holidays(year)
        )
    always, created = WorkingCalendar.objects.get_or_create(name=ALWAYS, defaults={"timezone": "UTC"})
    if created:
        # Every day, all day. The model wants end > start, so a day ends a microsecond before midnight.
        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=always, weekday=day, start=dt.time(0), end=dt.time(0))
            for day in range(7)
        )
    calendars = {OFFICE: office, ALWAYS: always}

    config["policies"] = {
        name: SLAPolicy.objects.get_or_create(
            name=name,
            defaults={"low_minutes": low, "normal_minutes": normal, "high_minutes": high, "urgent_minutes": urgent},
        )[0]
        for name, low, normal, high, urgent in SLA_POLICIES
    }
    config["categories"] = {}
    for name, policy, calendar, need_sub, need_reopen, queue in CATEGORIES:
        config["categories"][name] = Category.objects.get_or_create(
            name=name,
            defaults={
                "sla_policy": config["policies"][policy],
                "calendar": calendars[calendar],
                "require_substatus_to_resolve": need_sub,
                "require_reopen_date_for_pending": need_reopen,
                "default_queue": queue,
            },
        )[0]
    config["custom_fields"] = {}
    for position, (key, name, kind, category, choices) in enumerate(CUSTOM_FIELDS):
        config["custom_fields"][key] = CustomField.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "field_type": kind,
                "category": config["categories"][category] if category else None,
                "choices": choices,
                "position": position,
            },
        )[0]
    for name, channel, category, subject, body in REPLY_TEMPLATES:
        ReplyTemplate.objects.get_or_create(
            name=name,
            defaults={"channel": channel, "category": config["categories"][category] if category else None,
                      "subject": subject, "body": body},
        )
    return config


def create_customers(rng, names, config, *, accounts=40, contacts=150):
    premium = config["policies"]["Premium"]
    account_rows, seen = [], set()
    while len(account_rows) < accounts:
        name = names.company()
        if name in seen:
            continue
        seen.add(name)
        domain = f"{_slug(name.split(',')[0].split(' and ')[0])[:30]}.example.com"
        account_rows.append(
            Account(
                name=name,
                email=f"accounts@{domain}",
                phone=f"+44 20 7946 {len(account_rows):04d}",
                sla_policy=premium if len(account_rows) % 7 == 3 else None,
            )
        )
    Account.objects.bulk_create(account_rows)
    account_rows = list(Account.objects.order_by("id"))[-accounts:]

    phones = rng.sample(range(1000), contacts) if contacts <= 1000 else [rng.randrange(1000) for _ in range(contacts)]
    contact_rows = []
    for index in range(contacts):
        first, last = names.first_name(), names.last_name()
        account = rng.choice(account_rows) if rng.random() < 0.8 else None
        if account is not None:
            domain = account.email.split("@", 1)[1]
        else:
            domain = rng.choice(["example.net", "example.org", "mail.example.com"])
        local = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        contact_rows.append(
            Contact(
                name=f"{first} {last}",
                email=f"{local}{index % 7 or ''}@{domain}",
                phone=f"+44 7700 900{phones[index]:03d}",
                account=account,
            )
        )
    Contact.objects.bulk_create(contact_rows)
    return account_rows, list(Contact.objects.select_related("account").order_by("id"))[-contacts:]



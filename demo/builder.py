"""About 300 demo tickets, each living a plausible life through the actions."""


import datetime as dt
import random
import time
from collections import Counter
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from configurations.models import (
    Category,
    CustomField,
    Priority,
    Status,
    SubStatus,
    Tag,
    Team,
)
from tickets import actions
from tickets.models import (
    Account,
    Activity,
    Contact,
    CustomFieldValue,
    FilterScheme,
    MyViewEntry,
    Ticket,
    TicketEvent,
    TicketLink,
    TicketView,
    UserPreference,
)

from .data import (
    ALREADY_PRESENT,
    CATEGORY_TEAM,
    CHANNELS,
    COURIERS,
    DAY,
    HOUR,
    INCIDENTS,
    LONDON,
    MINUTE,
    NOTES,
    NOTES_BY_CATEGORY,
    PACE,
    PRIORITY_WEIGHTS,
    PRODUCTS,
    SEED,
    SOURCE_PRODUCTS,
    TEMPLATES,
)
from .mail import create_demo_mail
from .setup import (
    create_configuration,
    create_customers,
    create_users,
    demo_data_present,
)
from .support import NameSource, SimulatedClock, Stop, _weighted


class DemoBuilder:
    """Creates the demo tickets through the actions, each living its life under the simulated clock."""

    def __init__(self, rng, names, users, teams, config, accounts, contacts, clock):
        self.rng = rng
        self.names = names
        self.users = users
        self.teams = teams
        self.config = config
        self.accounts = accounts
        self.contacts = contacts
        self.clock = clock
        self.now = clock._real()
        self.limit = self.now - dt.timedelta(minutes=2)
        self.agents = [user for name, user in users.items() if name != "admin"]
        self.members = {name: list(team.members.all()) for name, team in teams.items()}
        self.last_event = {}
        self.skipped = Counter()
        self.by_contact = {}
        self.tickets = []
        self.link_plans = []
        self.order_numbers = set()
        self.london = ZoneInfo(LONDON)
        self.round_the_clock = False

    # Small helpers.

    def sub(self, name):
        return self.config["sub_statuses"][name]

    def tag(self, name):
        return self.config["tags"][name]

    def order_number(self):
        while True:
            number = self.rng.randint(10000, 99999)
            if number not in self.order_numbers:
                self.order_numbers.add(number)
                return number

    def fill(self, text, values):
        return text.format(**values)

    def placeholders(self, created):
        rng = self.rng
        return {
            "order": self.order_number(),
            "invoice": f"INV-{created.year}-{rng.randint(1000, 9999)}",
            "amount": f"{rng.choice([9.99, 14.99, 24.50, 39.00, 49.99, 79.95, 129.00, 249.99]):.2f}",
            "product": rng.choice(PRODUCTS),
            "courier": rng.choice(COURIERS),
            "date": (created - dt.timedelta(days=rng.randint(3, 20))).strftime("%-d %B"),
            "month": (created.replace(day=1) - dt.timedelta(days=1)).strftime("%B"),
            "company": rng.choice(self.accounts).name,
        }

    def pick_agent(self, team_name, *, prefer_alice=0.0):
        if self.rng.random() < prefer_alice:
            return self.users["alice"]
        members = [user for user in self.members.get(team_name, []) if user.username != "lead"] or self.agents
        return self.rng.choice(members)

    def run(self, ticket, at, action, *args, **kwargs):
        """Run one action at simulated time `at`; a refused change is counted, never fatal."""
        self.clock.current = at
        try:
            result = action(ticket, *args, **kwargs)
        except actions.TicketRuleError as error:
            self.skipped[f"{action.__name__}: {error.message}"] += 1
            return None
        self.last_event[ticket.pk] = max(at, self.last_event.get(ticket.pk, at))
        return result

    # The plan.

    def schedule(self, count):
        """(created_at, kind, payload) for every ticket, oldest first."""
        rng = self.rng
        plans = []
        for index, (title, category, priority, tags, description, children) in enumerate(INCIDENTS):
            age = [58, 23, 0.45][index]
            created = self.now - dt.timedelta(days=age) + dt.timedelta(minutes=rng.randint(0, 50))
            plans.append((created, "incident", (index, title, category, priority, tags, description)))
            for number in range(rng.randint(4, 6)):
                child_created = created + dt.timedelta(minutes=10 + number * rng.randint(20, 200))
                if child_created >= self.limit - dt.timedelta(minutes=30):
                    continue
                template = next(t for t in TEMPLATES if t[2] == children[number % len(children)])
                plans.append((child_created, "child", (index, template)))
        london = self.london
        while len(plans) < count:
            age = dt.timedelta(days=90 * rng.random() ** 1.5)
            created = self.now - age
            if rng.random() < 0.75:
                # Most contacts come in during the day.
                local = created.astimezone(london)
                moved = local.replace(hour=rng.randint(8, 18), minute=rng.randint(0, 59))
                if moved < self.limit - dt.timedelta(minutes=30):
                    created = moved
            if created >= self.limit - dt.timedelta(minutes=30):
                continue
            plans.append((created, "regular", rng.choice(TEMPLATES)))
        plans.sort(key=lambda plan: plan[0])
        return plans

    def build(self, count=300):
        self.incidents = {}
        for number, (created, kind, payload) in enumerate(self.schedule(count)):
            # Each ticket has its own random stream: where one ticket's life stops (at "now") never
            # changes the tickets after it, so the data is the same whenever it is seeded.
            self.rng = random.Random(SEED * 10007 + number)  # nosec B311 - repeatable demo data, no secret
            if kind == "incident":
                self.live_incident(created, *payload)
            else:
                incident = payload[0] if kind == "child" else None
                template = payload[1] if kind == "child" else payload
                self.live_regular(created, template, incident)
        self.rng = random.Random(SEED + 1)  # nosec B311 - repeatable demo data, no secret
        self.finish_links()
        self.finish_archives()
        self.clock.current = None

    # One ticket's life.

    def live_incident(self, created, index, title, category_name, priority, tags, description):
        category = self.config["categories"][category_name]
        lead = self.users["lead"]
        self.clock.current = created
        ticket = actions.create_ticket(
            lead,
            title=title,
            description=description,
            ticket_type=self.config["types"]["Incident"],
            priority=priority,
            category=category,
            tags=[self.tag(name) for name in tags],
            created_at=created,
        )
        self.last_event[ticket.pk] = created
        self.tickets.append(ticket)
        self.incidents[index] = ticket
        owner = self.pick_agent("Technical")
        self.round_the_clock = True
        t = created
        still_open = index == len(INCIDENTS) - 1
        try:
            t = self.step(t, 3 * MINUTE, 10 * MINUTE)
            self.run(ticket, t, actions.assign, lead, agent=owner, team=self.teams["Technical"])
            t = self.step(t, 2 * MINUTE, 5 * MINUTE)
            self.run(ticket, t, actions.follow, lead, lead)
            t = self.step(t, 1 * MINUTE, 10 * MINUTE)
            self.run(ticket, t, actions.change_status, owner, Status.ONGOING, sub_status=self.sub("Escalated"))
            t = self.step(t, 10 * MINUTE, 40 * MINUTE)
            self.run(ticket, t, actions.add_note, owner,
                     "Provider confirmed the problem on their side. @lead I'll post updates here every 30 min.")
            t = self.step(t, 20 * MINUTE, 60 * MINUTE)
            self.run(ticket, t, actions.add_note, lead,
                     f"Thanks @{owner.username}. @alice @bob please link customer tickets about this here.")
            if still_open:
                return
            t = self.step(t, 2 * HOUR, 6 * HOUR)
            self.run(ticket, t, actions.add_note, owner, "Fix deployed by the provider, monitoring for an hour.")
            t = self.step(t, HOUR, 2 * HOUR)
            self.run(ticket, t, actions.change_status, owner, Status.RESOLVED, sub_status=self.sub("Solved"))
        except Stop:
            pass

    def step(self, t, low, high):
        """The moment `low`-`high` seconds after `t`, in office hours unless the ticket's team works
        round the clock; Stop when it would be in the future."""
        nxt = self.office_time(t + dt.timedelta(seconds=self.rng.uniform(low, high)))
        if nxt >= self.limit:
            raise Stop
        return nxt

    def office_time(self, moment):
        """`moment`, or the next weekday morning when it falls outside 08:00-19:00 London time."""
        if self.round_the_clock:
            return moment
        local = moment.astimezone(self.london)
        if local.weekday() < 5 and 8 <= local.hour < 19:
            return moment
        day = local.date() + dt.timedelta(days=1 if local.hour >= 8 else 0)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        morning = dt.datetime.combine(day, dt.time(8), self.london)
        return morning + dt.timedelta(seconds=self.rng.uniform(0, 90 * MINUTE))

    def live_regular(self, created, template, incident_index):
        rng = self.rng
        category_name, type_name, title, tags, description, flags = template
        category = self.config["categories"][category_name]
        ticket_type = self.config["types"][type_name]
        facing = ticket_type.customer_facing
        values = self.placeholders(created)
        priority = _weighted(rng, PRIORITY_WEIGHTS)
        if incident_index is not None:
            priority = rng.choice([Priority.HIGH, Priority.URGENT, Priority.NORMAL])

        contact = rng.choice(self.contacts) if facing else None
        # Repeat customers: some contacts come back.
        if facing and self.by_contact and rng.random() < 0.15:
            contact = rng.choice(list(self.by_contact))
        tag_objects = [self.tag(name) for name in tags[: rng.randint(max(0, len(tags) - 1), len(tags))]]
        if contact and contact.account and contact.account.sla_policy_id:
            tag_objects.append(self.tag("vip"))

        custom = {}
        if "order" in flags:
            custom["order_number"] = f"#{values['order']}"
        if "refund" in flags and category_name == "Billing" and rng.random() < 0.8:
            custom["refund_amount"] = values["amount"]
        if "warranty" in flags:
            custom["warranty"] = rng.random() < 0.7
        if facing and rng.random() < 0.4:
            custom["preferred_contact"] = rng.choice(["Email", "Phone", "SMS"])

        channel = _weighted(rng, CHANNELS) if facing else ""
        agents_log = channel in ("phone", "chat") or not facing
        team_name = CATEGORY_TEAM[category_name]
        creator = self.pick_agent(team_name, prefer_alice=0.2) if agents_log else None
        if not facing:
            creator = rng.choice([self.users["lead"], creator])
        fields = {
            "description": self.fill(description, values),
            "ticket_type": ticket_type,
            "priority": priority,
            "category": category,
            "contact": contact,
        }
        if facing:
            fields.update(
                source_channel=channel,
                source_product=rng.choice(SOURCE_PRODUCTS),
                source_url=f"https://engage.example.com/conversations/{rng.randint(100000, 999999)}",
            )
        self.clock.current = created
        try:
            ticket = actions.create_ticket(
                creator,
                title=self.fill(title, values),
                tags=tag_objects,
                custom_values=custom,
                created_at=created,
                **fields,
            )
        except actions.TicketRuleError as error:
            self.skipped[f"create_ticket: {error.message}"] += 1
            return
        self.last_event[ticket.pk] = created
        self.tickets.append(ticket)
        if contact is not None:
            self.inbound(ticket, contact, channel, created)
            previous = self.by_contact.get(contact)
            if previous is not None and rng.random() < 0.2:
                self.link_plans.append((ticket, previous))
            self.by_contact[contact] = ticket
        self.round_the_clock = category_name == "Technical"
        try:
            self.life(ticket, created, priority, category_name, team_name, values, incident_index)
        except Stop:
            pass

    def inbound(self, ticket, contact, channel, at):
        kind = {"phone": Activity.Kind.CALL, "sms": Activity.Kind.SMS}.get(channel, Activity.Kind.EMAIL)
        Activity.objects.create(
            ticket=ticket,
            kind=kind,
            direction=Activity.Direction.INBOUND,
            contact=contact,
            subject=ticket.title if kind == Activity.Kind.EMAIL else "",
            body=ticket.description,
            message_id=f"<{ticket.pk}.{self.rng.getrandbits(40):010x}@mail.example.net>"
            if kind == Activity.Kind.EMAIL
            else "",
            created_at=at,
        )

    def outbound(self, ticket, author, at, text):
        contact = ticket.contact
        if contact is None or not contact.email:
            return
        first = contact.name.split(" ")[0]
        Activity.objects.create(
            ticket=ticket,
            kind=Activity.Kind.EMAIL,
            direction=Activity.Direction.OUTBOUND,
            author=author,
            contact=contact,
            subject=f"Re: {ticket.title} [{ticket.reference}]",
            body=f"Hello {first},\n\n{text}\n\nKind regards,\n{author.get_full_name()}\nCustomer Care",
            delivery_state=Activity.Delivery.SENT,
            created_at=at,
        )

    def note(self, ticket, t, author, values):
        category = ticket.category.name if ticket.category_id else ""
        choices = NOTES_BY_CATEGORY.get(category) if self.rng.random() < 0.65 else None
        text = self.rng.choice(choices or NOTES)
        others = [user for user in self.agents if user != author]
        mention = self.users["alice"] if self.rng.random() < 0.35 and author.username != "alice" else None
        mention = mention or self.rng.choice(others)
        self.run(ticket, t, actions.add_note, author, text.format(mention=mention.username, amount=values["amount"]))

    def life(self, ticket, t, priority, category_name, team_name, values, incident_index):
        """Assignment, status moves, notes, tags, followers and resolution, each at its own time."""
        rng = self.rng
        # Some cases simply take longer than others (a heavy tail, as in any contact centre).
        quick = PACE[priority]
        pace = quick * rng.lognormvariate(0.6, 1.0)
        lead = self.users["lead"]
        technical = category_name == "Technical"

        # Who gets it: nobody (10%), a team only (17%), or an agent of the team.
        roll = rng.random()
        assignment = "none" if roll < 0.10 else "team" if roll < 0.27 else "agent"
        if incident_index is not None:
            assignment = "agent"
        agent = self.pick_agent(team_name, prefer_alice=0.22) if assignment == "agent" else None
        worker = agent or self.pick_agent(team_name)

        # How its life goes.
        path = _weighted(rng, [("standard", 46), ("pending", 26), ("no_response", 7), ("reopened", 7),
                               ("forgotten", 4), ("slow", 10)])
        if assignment == "none":
            path = rng.choice(["forgotten", "standard", "standard"])

        if assignment != "none":
            t = self.step(t, 3 * MINUTE * quick, 6 * HOUR * quick)
            team = self.teams[team_name]
            if assignment == "team":
                self.run(ticket, t, actions.assign, rng.choice([lead, worker]), team=team)
            elif rng.random() < 0.6:
                self.run(ticket, t, actions.assign, agent, agent=agent, team=team)
            else:
                self.run(ticket, t, actions.assign, lead, team=team)
                t = self.step(t, 5 * MINUTE, 2 * HOUR * quick)
                self.run(ticket, t, actions.assign, agent, agent=agent)

        if incident_index is not None and incident_index in self.incidents:
            t = self.step(t, MINUTE, 30 * MINUTE)
            self.run(ticket, t, actions.set_parent, worker, self.incidents[incident_index])
            self.link_plans.append((ticket, self.incidents[incident_index]))
        if priority == Priority.URGENT or "vip" in ticket.tags.values_list("name", flat=True):
            t = self.step(t, MINUTE, 20 * MINUTE)
            self.run(ticket, t, actions.follow, lead, lead)
        elif rng.random() < 0.12:
            t = self.step(t, MINUTE, 2 * HOUR)
            self.run(ticket, t, actions.follow, worker, rng.choice([worker, self.users["alice"]]))

        if path == "forgotten":
            if rng.random() < 0.5:
                t = self.step(t, HOUR, 3 * DAY)
                self.note(ticket, t, worker, values)
            return

        # Someone starts on it.
        t = self.step(t, 10 * MINUTE * quick, 16 * HOUR * quick)
        if path == "no_response":
            return self.no_response(ticket, t, worker, category_name)
        sub = rng.choice([None, "In progress", "In progress", "Callback scheduled"])
        self.run(ticket, t, actions.change_status, worker, Status.ONGOING,
                 sub_status=self.sub(sub) if sub else None)
        if rng.random() < 0.1 and priority != Priority.URGENT:
            t = self.step(t, 10 * MINUTE, 4 * HOUR)
            bump = Priority.HIGH if priority in (Priority.LOW, Priority.NORMAL) else Priority.URGENT
            self.run(ticket, t, actions.update_ticket, worker, version=ticket.version, priority=bump)
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            t = self.step(t, 15 * MINUTE * pace, 10 * HOUR * pace)
            self.note(ticket, t, worker, values)
        if priority in (Priority.HIGH, Priority.URGENT) and rng.random() < 0.25:
            t = self.step(t, 10 * MINUTE, 3 * HOUR)
            self.run(ticket, t, actions.change_sub_status, worker, self.sub("Escalated"))
            self.run(ticket, t + dt.timedelta(seconds=5), actions.add_tag, worker, self.tag("escalated"))
            t = self.step(t, MINUTE, 30 * MINUTE)
            self.run(ticket, t, actions.add_note, worker,
                     "@lead escalating this one: the customer has contacted us several times.")
        elif rng.random() < 0.1:
            t = self.step(t, 10 * MINUTE, 3 * HOUR)
            self.run(ticket, t, actions.add_tag, worker, self.tag("follow-up"))

        if path == "pending":
            t = self.step(t, 5 * MINUTE, 4 * HOUR * pace)
            t = self.pending(ticket, t, worker, category_name, pace)
        if path == "slow":
            t = self.step(t, 3 * DAY, 15 * DAY)
            self.note(ticket, t, worker, values)

        t = self.step(t, 30 * MINUTE * pace, 2 * DAY * pace)
        t = self.resolve(ticket, t, worker, technical, values)
        if path == "reopened":
            t = self.step(t, 6 * HOUR, 3 * DAY)
            self.run(ticket, t, actions.change_status, worker, Status.ONGOING)
            self.run(ticket, t + dt.timedelta(seconds=30), actions.add_note, worker,
                     "Customer replied that the problem is back. Re-opened.")
            t = self.step(t, HOUR, 2 * DAY * pace)
            self.resolve(ticket, t, worker, technical, values)

    def pending(self, ticket, t, worker, category_name, pace):
        rng = self.rng
        waiting = rng.choice(["Waiting for customer", "Waiting for customer", "Waiting for third party"])
        reopen_at = None
        if category_name == "Billing" or rng.random() < 0.3:
            reopen_at = t + dt.timedelta(days=rng.randint(2, 5))
        self.run(ticket, t, actions.change_status, worker, Status.PENDING,
                 sub_status=self.sub(waiting), reopen_at=reopen_at)
        waited = dt.timedelta(seconds=rng.uniform(4 * HOUR, 6 * DAY * pace))
        if reopen_at is not None and t + waited >= reopen_at:
            # Nobody answered in time: the re-open date brings it back (SPEC T9), as the scheduler would.
            if reopen_at >= self.limit:
                raise Stop
            self.clock.current = reopen_at
            actions.reopen_when_due(ticket, now=reopen_at)
            self.last_event[ticket.pk] = reopen_at
            return reopen_at
        t = self.office_time(t + waited)
        if t >= self.limit:
            raise Stop
        self.run(ticket, t, actions.change_status, worker, Status.ONGOING)
        return t

    def no_response(self, ticket, t, worker, category_name):
        reopen_at = t + dt.timedelta(days=10) if category_name == "Billing" else None
        self.run(ticket, t, actions.change_status, worker, Status.PENDING,
                 sub_status=self.sub("Waiting for customer"), reopen_at=reopen_at)
        t = self.step(t, 5 * DAY, 7 * DAY)
        self.run(ticket, t, actions.change_status, worker, Status.RESOLVED,
                 sub_status=self.sub("No response"), reopen_at=None)
        return t

    def resolve(self, ticket, t, worker, technical, values):
        rng = self.rng
        tags = set(ticket.tags.values_list("name", flat=True))
        if "refund" in tags and rng.random() < 0.7:
            name = "Refunded"
        elif self.link_plans and self.link_plans[-1][0] == ticket and rng.random() < 0.3:
            name = "Duplicate"
        else:
            name = "Solved"
        if not technical and rng.random() < 0.2:
            name = None
        self.run(ticket, t, actions.change_status, worker, Status.RESOLVED,
                 sub_status=self.sub(name) if name else None, reopen_at=None)
        if name in ("Solved", "Refunded") and ticket.contact_id and rng.random() < 0.6:
            text = {
                "Solved": "Thanks for your patience: this is now sorted. Just reply if anything is still wrong.",
                "Refunded": f"We've refunded £{values['amount']} to your original payment method.",
            }[name]
            self.outbound(ticket, worker, t + dt.timedelta(seconds=40), text)
        return t

    # Cross-ticket steps, after every ticket has lived.

    def finish_links(self):
        self.round_the_clock = False
        for ticket, other in self.link_plans:
            at = max(self.last_event.get(ticket.pk), self.last_event.get(other.pk))
            at = self.office_time(at + dt.timedelta(seconds=self.rng.uniform(2 * MINUTE, HOUR)))
            if at >= self.limit:
                continue
            actor = ticket.assignee or self.users["lead"]
            if self.run(ticket, at, actions.link_tickets, actor, other) is not None:
                self.last_event[other.pk] = at

    def finish_archives(self):
        rng = self.rng
        old = self.now - dt.timedelta(days=25)
        resolved = [t for t in self.tickets if t.status == Status.RESOLVED and t.created_at < old]
        spam = [t for t in self.tickets if t.status == Status.SUBMITTED and t.assignee_id is None]
        chosen = rng.sample(resolved, min(12, len(resolved))) + rng.sample(spam, min(3, len(spam)))
        for ticket in chosen:
            at = self.office_time(self.last_event[ticket.pk] + dt.timedelta(days=rng.uniform(0.2, 10)))
            at = min(at, self.limit)
            actor = rng.choice([self.users["lead"], self.users["admin"]])
            if ticket.status == Status.SUBMITTED:
                self.run(ticket, at - dt.timedelta(minutes=1), actions.add_note, actor,
                         "Spam / test message, archiving.")
            self.run(ticket, at, actions.archive, actor)


def create_demo_notifications(per_user=6):
    """The Notification Center as the demo agents would find it: their latest mentions."""
    from notifications.models import Notification
    from notifications.services import notify

    notes = (
        Activity.objects.filter(kind=Activity.Kind.NOTE, mentions__isnull=False)
        .select_related("ticket", "author")
        .prefetch_related("mentions")
        .order_by("-created_at")
        .distinct()
    )
    given = Counter()
    for note in notes[:200]:
        for user in note.mentions.all():
            if user.pk == note.author_id or given[user.pk] >= per_user:
                continue
            given[user.pk] += 1
            author = note.author.get_full_name() or note.author.get_username()
            item, _ = notify(
                user,
                Notification.Kind.MENTION,
                f"{author} mentioned you on {note.ticket.reference}",
                body=note.body,
                ticket=note.ticket,
                url=note.ticket.get_absolute_url(),
                dedupe_key=f"mention:{note.pk}",
            )
            Notification.objects.filter(pk=item.pk).update(created_at=note.created_at)


def seed_demo(out=print):
    """Create the demo data; returns a summary dict, or None when demo data is already present."""
    if demo_data_present():
        out(ALREADY_PRESENT)
        return None
    started = time.monotonic()
    rng = random.Random(SEED)  # nosec B311 - repeatable demo data, no secret
    names = NameSource(rng)
    # Demo data messages nobody: no customer notifications, no emails to the demo agents.
    with transaction.atomic(), SimulatedClock() as clock, actions.without_background_work():
        users, teams = create_users(out)
        config = create_configuration()
        accounts, contacts = create_customers(rng, names, config)
        builder = DemoBuilder(rng, names, users, teams, config, accounts, contacts, clock)
        builder.build(300)
        alice_open = list(
            Ticket.objects.filter(assignee=users["alice"], archived=False)
            .exclude(status=Status.RESOLVED)
            .order_by("-created_at")
            .values_list("pk", flat=True)[:3]
        )
        preference = UserPreference.for_user(users["alice"])
        if not preference.open_tickets:
            preference.open_tickets = alice_open
            preference.save(update_fields=["open_tickets"])
        create_saved_views(users, config)
        create_demo_notifications()
        create_demo_mail(teams["Support"], config["categories"]["General"])
    for message, count in builder.skipped.items():
        out(f"  note: {count} step(s) refused by a ticket rule: {message}")
    summary = demo_summary(users)
    summary["seconds"] = time.monotonic() - started
    out(format_summary(summary))
    return summary


def create_saved_views(users, config):
    """Team views for everyone, and a few views, a folder and a filter scheme of alice's own (L7, L8)."""
    admin, alice = users["admin"], users["alice"]
    vip = Tag.objects.filter(name="vip").values_list("pk", flat=True).first()
    team_views = [
        ("Urgent and high", "tab=all&sort=newest&completed=0&priority=urgent&priority=high"),
        ("SLA breached", "tab=all&sort=newest&completed=0&sla=breached"),
        ("Waiting for pickup", "tab=unassigned&sort=oldest&completed=0"),
    ]
    for name, query in team_views:
        view = TicketView.objects.create(
            owner=admin, name=name, query=query, is_team_view=True, visibility=TicketView.Visibility.SHARED
        )
        for position, user in enumerate(users.values()):
            if user.username in {"alice", "bob", "lead"}:
                MyViewEntry.objects.get_or_create(user=user, view=view, defaults={"position": position})
    folder = TicketView.objects.create(owner=alice, name="Follow-ups", is_folder=True)
    folder_entry = MyViewEntry.objects.create(user=alice, view=folder, position=10)
    own = [
        ("My overdue", "tab=mine&sort=oldest&completed=0&overdue=yes", TicketView.Visibility.PRIVATE),
        ("Pending with re-open date", "tab=mine&sort=newest&completed=0&status=pending", TicketView.Visibility.SHARED),
    ]
    for position, (name, query, visibility) in enumerate(own, start=11):
        view = TicketView.objects.create(owner=alice, name=name, query=query, visibility=visibility)
        MyViewEntry.objects.create(user=alice, view=view, parent=folder_entry, position=position)
    if vip:
        FilterScheme.objects.create(owner=alice, name="VIP customers", query=f"tab=all&completed=0&tag={vip}")


def demo_summary(users=None):
    now = timezone.now()
    tickets = Ticket.objects.all()
    by_status = dict(Counter(tickets.values_list("status", flat=True)))
    alice = get_user_model().objects.filter(username="alice").first()
    return {
        "users": get_user_model().objects.count(),
        "teams": Team.objects.count(),
        "tags": Tag.objects.count(),
        "sub_statuses": SubStatus.objects.count(),
        "categories": Category.objects.count(),
        "custom_fields": CustomField.objects.count(),
        "accounts": Account.objects.count(),
        "contacts": Contact.objects.count(),
        "tickets": tickets.count(),
        "by_status": {status: by_status.get(status, 0) for status in Status.values},
        "archived": tickets.filter(archived=True).count(),
        "unassigned": tickets.filter(assignee=None, team=None, archived=False).count(),
        "team_only": tickets.filter(assignee=None, team__isnull=False).count(),
        "alice": tickets.filter(assignee=alice).count() if alice else 0,
        "alice_open": tickets.filter(assignee=alice, archived=False).exclude(status=Status.RESOLVED).count()
        if alice
        else 0,
        "overdue": tickets.filter(deadline__lt=now, resolved_at=None, archived=False).count(),
        "events": TicketEvent.objects.count(),
        "notes": Activity.objects.filter(kind=Activity.Kind.NOTE).count(),
        "activities": Activity.objects.count(),
        "links": TicketLink.objects.count() // 2,
        "children": tickets.filter(parent__isnull=False).count(),
        "followed": tickets.filter(followers__isnull=False).distinct().count(),
        "custom_values": CustomFieldValue.objects.count(),
    }


def format_summary(s):
    statuses = ", ".join(f"{count} {status}" for status, count in s["by_status"].items())
    return "\n".join(
        [
            f"Demo data created in {s['seconds']:.1f} s.",
            "  Logins (password \"demo\"): admin, lead, alice, bob, carol, dan, erin, frank, grace, hugo, ivy",
            (
                f"  {s['users']} users, {s['teams']} teams, {s['tags']} tags, {s['sub_statuses']} sub-statuses, "
                f"{s['categories']} categories, {s['custom_fields']} custom fields"
            ),
            f"  {s['accounts']} accounts, {s['contacts']} contacts",
            f"  {s['tickets']} tickets: {statuses}",
            (
                f"  {s['archived']} archived, {s['unassigned']} unassigned, {s['team_only']} team only, "
                f"{s['alice']} assigned to alice ({s['alice_open']} open), {s['overdue']} overdue"
            ),
            (
                f"  {s['events']} history events, {s['notes']} notes, {s['activities']} activities, "
                f"{s['links']} links, {s['children']} child tickets, {s['followed']} followed tickets, "
                f"{s['custom_values']} custom field values"
            ),
        ]
    )


# --- bulk benchmark data --------------------------------------------------------------------------


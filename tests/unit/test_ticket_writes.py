"""Only tickets/actions writes ticket rows (DESIGN: the actions layer; SPEC X1).

Two nets. The source is read: code outside tickets/actions that saves a ticket, updates or bulk-writes
ticket querysets, changes a ticket's tags, followers or links, or sends raw SQL to the ticket tables
fails `test_no_code_outside_the_actions_writes_ticket_rows`. And at run time, every statement of the
test suite goes through tickets/actions/guard.py: a write to the ticket tables from product code
outside an action (including what Django cascades, such as SET_NULL or an M2M clean-up) raises.
"""

import ast
from pathlib import Path

import pytest

from configurations.models import Priority
from tickets.actions.guard import DirectTicketWrite, ticket_writes
from tickets.models import Ticket

from ..factories import make_ticket

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ["tickets", "configurations", "notifications", "mail", "tickets_site"]
ALLOWED = ["tickets/actions/"]
TICKET_MODELS = {"Ticket", "TicketLink", "CustomFieldValue"}
WRITE_METHODS = {"update", "bulk_create", "bulk_update", "delete", "create", "get_or_create", "update_or_create",
                 "save"}
RELATED_SETS = {"tags", "followers", "links", "custom_values"}
RELATED_WRITES = {"add", "remove", "set", "clear", "create"}


def _root_name(node):
    """The name a chain of attributes and calls starts from: `Ticket` for Ticket.objects.filter(...).update."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _chain(node):
    """The attribute names of a chain, outermost last: Ticket.objects.filter().update -> [objects, filter, update]."""
    names = []
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
        node = node.func if isinstance(node, ast.Call) else node.value
    return names[::-1]


def ticket_writes_in(source, filename):
    """(line, what) for each write to ticket rows the source makes."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method, chain, root = node.func.attr, _chain(node.func), _root_name(node.func)
            if root in TICKET_MODELS and method in WRITE_METHODS and ("objects" in chain or "through" in chain):
                found.append((node.lineno, f"{root}.{'.'.join(chain)}()"))
            elif method in RELATED_WRITES and len(chain) >= 2 and chain[-2] in RELATED_SETS and root and "ticket" in root:
                found.append((node.lineno, f"{root}.{'.'.join(chain)}()"))
            elif method == "save" and root and "ticket" in root.lower() and len(chain) == 1:
                found.append((node.lineno, f"{root}.save()"))
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.upper()
            if "TICKETS_TICKET" in text and any(verb in text for verb in ("INSERT ", "UPDATE ", "DELETE ")):
                found.append((node.lineno, "raw SQL on the ticket tables"))
    return found


def product_files():
    for folder in PRODUCT:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative.startswith(tuple(ALLOWED)):
                continue
            yield relative, path.read_text()


@pytest.mark.spec("X1")
def test_no_code_outside_the_actions_writes_ticket_rows():
    offenders = [
        f"{relative}:{line}: {what}"
        for relative, source in product_files()
        for line, what in ticket_writes_in(source, relative)
    ]
    assert offenders == []


@pytest.mark.spec("X1")
@pytest.mark.parametrize(
    "code",
    [
        "Ticket.objects.filter(pk=1).update(priority='high')",
        "Ticket.objects.bulk_update(rows, ['priority'])",
        "Ticket.tags.through.objects.filter(ticket_id=1).delete()",
        "ticket.save()",
        "locked_ticket.tags.add(tag)",
        "ticket.followers.clear()",
        "cursor.execute('UPDATE tickets_ticket SET priority = %s', ['high'])",
    ],
)
def test_the_source_check_recognises_each_kind_of_write(code):
    assert ticket_writes_in(code, "example.py") != []


@pytest.mark.spec("X1")
def test_the_source_check_leaves_reads_and_other_models_alone():
    code = "Ticket.objects.filter(pk=1).exists(); TicketExport.objects.filter(pk=1).update(state='done'); ticket.tags.all()"
    assert ticket_writes_in(code, "example.py") == []


def run_as_product_code(code, namespace):
    """Run `code` as if it were a module of tickets/views, the way a careless view would, in a savepoint."""
    from django.db import transaction

    with transaction.atomic():
        exec(compile(code, str(ROOT / "tickets" / "views" / "careless.py"), "exec"), namespace)  # noqa: S102


@pytest.mark.spec("X1")
@pytest.mark.django_db
def test_a_direct_update_from_product_code_is_refused_at_run_time(alice):
    ticket = make_ticket(alice)

    with pytest.raises(DirectTicketWrite, match="tickets/views/careless.py writes tickets_ticket outside"):
        run_as_product_code("Ticket.objects.filter(pk=pk).update(priority='high')", {"Ticket": Ticket, "pk": ticket.pk})

    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.NORMAL


@pytest.mark.spec("X1", "T5")
@pytest.mark.django_db
def test_a_cascade_from_product_code_is_refused_at_run_time(alice):
    from ..factories import TagFactory

    tag = TagFactory(name="vip")
    ticket = make_ticket(alice, tags=[tag])

    with pytest.raises(DirectTicketWrite, match="tickets_ticket_tags"):
        run_as_product_code("tag.delete()", {"tag": tag})

    assert list(ticket.tags.all()) == [tag]


@pytest.mark.spec("X1")
@pytest.mark.django_db
def test_writes_inside_an_action_and_test_set_up_are_allowed(alice):
    ticket = make_ticket(alice)
    Ticket.objects.filter(pk=ticket.pk).update(title="Set up by the test")  # tests arrange data directly

    with ticket_writes():
        run_as_product_code("Ticket.objects.filter(pk=pk).update(title='An action')", {"Ticket": Ticket, "pk": ticket.pk})

    assert Ticket.objects.get(pk=ticket.pk).title == "An action"

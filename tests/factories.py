import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from configurations.models import Category, CustomField, SLAPolicy, SubStatus, Tag, Team, TicketType
from tickets import actions
from tickets.models import Account, Contact
from tickets.roles import ensure_roles

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or PASSWORD)
        if create:
            user.save()

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create:
            # A transactional test's flush empties the groups the migration made: make them again.
            ensure_roles()
            user.groups.add(Group.objects.get(name=extracted or "Agent"))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Team {n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"tag-{n}")


class SubStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubStatus

    status = "ongoing"
    name = factory.Sequence(lambda n: f"Sub-status {n}")


class TicketTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketType
        django_get_or_create = ["name"]

    name = "Customer request"


class SLAPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SLAPolicy

    name = factory.Sequence(lambda n: f"SLA {n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")


class CustomFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomField

    name = factory.Sequence(lambda n: f"Field {n}")
    key = factory.Sequence(lambda n: f"field_{n}")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Faker("company")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Faker("name")
    email = factory.Faker("email")
    phone = factory.Sequence(lambda n: f"+44 20 7946 {n:04d}")


def make_ticket(actor=None, *, title="Printer on fire", **fields):
    """A ticket created the way users create them: through the action."""
    return actions.create_ticket(actor, title=title, **fields)


def now():
    return timezone.now()

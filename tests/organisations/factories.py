import factory

from organisations.models import JoinCode, Membership, Organisation, generate_join_code
from tests.factories import UserFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    """Pass parent=<Organisation> for a child; without it the organisation is a tree root."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"示例单位{n}")
    kind = Organisation.Kind.UNIT

    @classmethod
    def _create(cls, model_class, *args, parent=None, place_types=(), **kwargs):
        node = model_class(**kwargs)
        node = parent.add_child(instance=node) if parent else model_class.add_root(instance=node)
        if place_types:
            node.place_types.add(*place_types)
        return node


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.STAFF


class JoinCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinCode

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.LazyFunction(generate_join_code)
    role = Membership.Role.STAFF

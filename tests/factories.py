from __future__ import annotations

import factory

from accounts.models import Role, User
from practices.models import Membership, Practice

TEST_PASSWORD = "correct horse battery staple 42"


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Practice {n}")
    slug = factory.Sequence(lambda n: f"practice-{n}")
    time_zone = "America/Chicago"
    state = "IL"
    zip_code = "62701"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    # Never a patient-like name: tests grep pages for the imported patients' names.
    full_name = factory.Sequence(lambda n: f"Staff Member {n}")
    role = Role.PRACTICE_MANAGER

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    practice = factory.SubFactory(PracticeFactory)
    role = Role.PRACTICE_MANAGER

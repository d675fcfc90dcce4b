from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    PRACTICE_MANAGER = "practice_manager", "Practice manager"
    COLLECTOR = "collector", "Collector"
    COMPLIANCE_OFFICER = "compliance_officer", "Compliance officer"
    ADMIN = "admin", "Administrator"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Users need an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(role=Role.ADMIN, is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: practice staff or agency staff. Patients are never users."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can reach the Django admin (admins only).")
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def label(self) -> str:
        """What audit rows copy, so they stay readable if the user is later renamed."""
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    def is_verified(self) -> bool:
        """Whether this session passed the second factor. django-otp's OTPMiddleware replaces this on
        each request's user; anywhere else (tasks, shells) the answer is a safe "no"."""
        return False

    @property
    def is_agency_staff(self) -> bool:
        return self.role in {Role.COLLECTOR, Role.COMPLIANCE_OFFICER, Role.ADMIN}

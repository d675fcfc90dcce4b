"""Typing helpers shared by the apps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User


class AuthedHttpRequest(HttpRequest):
    """A request behind @login_required and the second-factor middleware: `user` is a real User."""

    user: User  # type: ignore[assignment]  # narrower than HttpRequest's User | AnonymousUser

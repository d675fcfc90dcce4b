"""The one DRF base class for practice-owned data (STYLE.md 8).

It resolves the practice once, in `initial()`, through the access function, and filters every
queryset by it. A subclass that forgets to set `model` fails closed (ImproperlyConfigured), and an
outsider gets the same 404 as for a practice that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from rest_framework import generics, serializers
from rest_framework.request import Request

from practices.models import Practice
from practices.selectors import practice_get_for_user, practices_for_user


class PracticeScopedMixin:
    """Resolve `self.practice` from the `practice_slug` URL argument, then scope every queryset."""

    model: type[Model] | None = None
    practice_field = "practice"
    practice: Practice
    kwargs: dict[str, Any]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # authentication and permissions first
        self.practice = practice_get_for_user(request.user, slug=self.kwargs["practice_slug"])  # type: ignore[arg-type]  # authenticated: permission checks ran first

    def get_queryset(self) -> QuerySet[Any]:
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must set `model`")
        return self.model._default_manager.filter(**{self.practice_field: self.practice})


class PracticeScopedListApi(PracticeScopedMixin, generics.ListAPIView):
    """List of one practice's rows of `model`, paginated, ordered by `ordering`."""

    ordering: tuple[str, ...] = ("pk",)

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().order_by(*self.ordering)


class PracticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Practice
        fields = ["slug", "name", "status", "time_zone", "pm_system", "fee_model", "baa_signed_on"]


class PracticeListApi(generics.ListAPIView):
    serializer_class = PracticeSerializer

    def get_queryset(self) -> QuerySet[Practice]:
        return practices_for_user(self.request.user).order_by("name")  # type: ignore[arg-type]


class PracticeDetailApi(generics.RetrieveAPIView):
    serializer_class = PracticeSerializer

    def get_object(self) -> Practice:
        return practice_get_for_user(self.request.user, slug=self.kwargs["practice_slug"])  # type: ignore[arg-type]

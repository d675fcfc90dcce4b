from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import include, path
from django_otp.admin import OTPAdminSite

# The Django admin sits behind the same mandatory second factor as the rest of the product.
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "Kinum Recover administration"


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "public/landing.html")


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", landing, name="landing"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("practices.urls")),
    path("", include("balances.urls")),
    path("", include("compliance.urls")),
    path("", include("outreach.urls")),
    path("", include("reporting.urls")),
]

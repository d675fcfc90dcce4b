from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("portal/", views.portal_home, name="portal_home"),
    path("portal/<slug:practice_slug>/", views.portal, name="portal"),
]

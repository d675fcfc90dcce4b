from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("portal/", views.portal_home, name="portal_home"),
    path("portal/<slug:practice_slug>/", views.portal, name="portal"),
    path("portal/<slug:practice_slug>/analysis/<int:batch_id>/", views.projection, name="projection"),
    path(
        "portal/<slug:practice_slug>/analysis/<int:batch_id>/pdf/",
        views.projection_pdf,
        name="projection_pdf",
    ),
    path(
        "portal/<slug:practice_slug>/analysis/<int:batch_id>/approve/",
        views.projection_approve,
        name="projection_approve",
    ),
    path(
        "portal/<slug:practice_slug>/analysis/<int:batch_id>/decline/",
        views.projection_decline,
        name="projection_decline",
    ),
    path("portal/<slug:practice_slug>/segments/", views.segments, name="segments"),
    path(
        "portal/<slug:practice_slug>/segments/<slug:segment>/",
        views.segment_accounts,
        name="segment_accounts",
    ),
    path(
        "portal/<slug:practice_slug>/segments/<slug:segment>/exclude/",
        views.segment_exclude,
        name="segment_exclude",
    ),
    path(
        "portal/<slug:practice_slug>/accounts/<int:account_id>/exclude/",
        views.account_exclude,
        name="account_exclude",
    ),
]

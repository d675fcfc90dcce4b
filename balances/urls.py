from django.urls import path

from balances import api, views

app_name = "balances"

urlpatterns = [
    path("api/practices/<slug:practice_slug>/imports/", api.ImportBatchListApi.as_view(), name="api_imports"),
    path("api/practices/<slug:practice_slug>/accounts/", api.AccountListApi.as_view(), name="api_accounts"),
    path("portal/<slug:practice_slug>/imports/", views.import_upload, name="import_upload"),
    path("portal/<slug:practice_slug>/imports/<int:batch_id>/", views.import_detail, name="import_detail"),
    path(
        "portal/<slug:practice_slug>/imports/<int:batch_id>/preview/",
        views.import_preview,
        name="import_preview",
    ),
    path(
        "portal/<slug:practice_slug>/imports/<int:batch_id>/mapping/",
        views.import_mapping,
        name="import_mapping",
    ),
    path(
        "portal/<slug:practice_slug>/imports/<int:batch_id>/progress/",
        views.import_progress,
        name="import_progress",
    ),
    path(
        "portal/<slug:practice_slug>/imports/<int:batch_id>/rejected.csv",
        views.import_rejections_csv,
        name="import_rejections_csv",
    ),
    path(
        "portal/<slug:practice_slug>/imports/<int:batch_id>/confirm/",
        views.import_confirm,
        name="import_confirm",
    ),
]

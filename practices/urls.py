from django.urls import path

from practices import api

app_name = "practices"

urlpatterns = [
    path("api/practices/", api.PracticeListApi.as_view(), name="api_list"),
    path("api/practices/<slug:practice_slug>/", api.PracticeDetailApi.as_view(), name="api_detail"),
]

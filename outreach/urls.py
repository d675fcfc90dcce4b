from django.urls import path

from outreach import views

app_name = "outreach"

urlpatterns = [
    path("workspace/", views.workspace, name="workspace"),
    path("workspace/<slug:practice_slug>/consumers/<int:consumer_id>/why/", views.why, name="why"),
]

from django.urls import path

app_name = "balances"

urlpatterns: list = []

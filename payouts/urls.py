from django.urls import path

from .api import rewards_receive

app_name = "payouts"
urlpatterns = [path("rewards/", rewards_receive, name="rewards")]

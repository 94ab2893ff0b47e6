from django.urls import path

from .api import rewards_receive
from .webhooks import stripe_connect_webhook

app_name = "payouts"
urlpatterns = [
    path("rewards/", rewards_receive, name="rewards"),
    path("stripe/connect-webhook/", stripe_connect_webhook, name="stripe-connect-webhook"),
]

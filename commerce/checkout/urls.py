from django.urls import path

from .views_webhook import stripe_webhook

urlpatterns = [path("stripe/webhook/", stripe_webhook, name="stripe-webhook")]

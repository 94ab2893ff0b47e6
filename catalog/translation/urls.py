from django.urls import path

from .views import TranslationDetailView, TranslationRequestView

app_name = "translation"

urlpatterns = [
    path("", TranslationRequestView.as_view(), name="request"),
    path("<int:pk>/", TranslationDetailView.as_view(), name="detail"),
]

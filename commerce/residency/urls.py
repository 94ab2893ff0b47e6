from django.urls import path

from commerce.residency import views

app_name = "residency"

urlpatterns = [
    path("", views.privacy_home, name="privacy"),
    path("export/", views.privacy_export_own, name="privacy-export"),
    path("erase/", views.privacy_erase_own, name="privacy-erase"),
    path("requests/<int:request_id>/", views.privacy_request_detail, name="privacy-request"),
    path("staff/<int:user_id>/export/", views.staff_export, name="staff-export"),
    path("staff/<int:user_id>/erase/", views.staff_erase, name="staff-erase"),
]

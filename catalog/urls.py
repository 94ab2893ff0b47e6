from django.urls import path

from .community import views as community

app_name = "notes"

urlpatterns = [
    path("", community.FeedView.as_view(), name="list"),
    path("new/", community.note_edit, name="new"),
    path("<int:pk>/", community.NoteDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", community.note_edit, name="edit"),
    path("<int:pk>/delete/", community.note_remove, name="delete"),
    path("<int:pk>/comment/", community.comment_create, name="comment"),
    path("<int:pk>/report/", community.report, {"what": "note"}, name="report"),
    path("<int:pk>/<str:kind>/", community.reaction, name="react"),
]

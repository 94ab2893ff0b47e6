from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("topics/", views.TopicListView.as_view(), name="topics"),
    path("topics/<str:key>/", views.TopicView.as_view(), name="topic"),
    path("creators/<slug:handle>/", views.CreatorView.as_view(), name="creator"),
    path("community/region/", views.region_choose, name="region"),
    path("community/avatar/", views.avatar_upload, name="avatar"),
    path("community/products/", views.product_search, name="product-search"),
    path("comments/<int:pk>/delete/", views.comment_remove, name="comment-delete"),
    path("comments/<int:pk>/report/", views.report, {"what": "comment"}, name="comment-report"),
]

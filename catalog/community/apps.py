from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "catalog.community"
    label = "community"
    verbose_name = _("Community")
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from .views_count import note_views_install

        note_views_install()
        from catalog.translation.sources import translation_source_register

        translation_source_register("comment", comment_translation_source)


def comment_translation_source(object_id: int) -> tuple[str, str]:
    """A visible comment's text for the translation service (comments have no language
    field: text with Chinese characters is taken as Chinese)."""
    from .models import Comment

    row = (
        Comment.objects.filter(pk=object_id, state=Comment.State.VISIBLE)
        .exclude(hidden_in__contains=",*,")
        .values_list("body", flat=True)
        .first()
    )
    if row is None:
        raise LookupError(f"No comment {object_id}.")
    chinese = any("\u4e00" <= char <= "\u9fff" for char in row)
    return row, "zh-hans" if chinese else "en"

"""Template helpers for the Translate control (no queries)."""

from django import template

register = template.Library()


def text_language(text: str) -> str:
    """A text without a language field (a comment): with Chinese characters it is taken as
    Chinese, else English (the community's comment source says the same)."""
    return "zh-hans" if any("\u4e00" <= char <= "\u9fff" for char in text or "") else "en"


@register.simple_tag
def source_language(obj, text: str = "") -> str:
    """``obj.language`` when the object has one (a note), else the language of ``text``."""
    language = getattr(obj, "language", "")
    return language or (text_language(text) if text else "")

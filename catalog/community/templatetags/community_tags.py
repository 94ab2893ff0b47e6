from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from ..topics import HASHTAG, topic_key

register = template.Library()

AVATAR_COLOURS = ["#ff2442", "#ff7a45", "#13c2c2", "#2f54eb", "#722ed1", "#52c41a", "#eb2f96"]


@register.simple_tag
def flag(country, size: str = "sm"):
    """A country's flag as an image (flag emoji do not render everywhere)."""
    code = str(country or "").lower()
    if not code:
        return ""
    name = getattr(country, "name", code.upper())
    return format_html(
        '<img class="flag flag-{}" src="{}" alt="{}" title="{}" width="16" height="11">',
        size,
        static(f"flags/{code}.gif"),
        code.upper(),
        name,
    )


@register.simple_tag
def avatar(user=None, name: str = "", size: int = 24, url: str = ""):
    """The user's avatar thumbnail, else a coloured disc with their initial."""
    profile = getattr(user, "community_profile", None) if user is not None else None
    if not url and profile is not None:
        url = profile.avatar_url
    if url:
        return format_html(
            '<img class="avatar" src="{}" alt="" width="{}" height="{}" loading="lazy">',
            url,
            size,
            size,
        )
    label = (name or (user.get_username() if user is not None else "?")).strip() or "?"
    colour = AVATAR_COLOURS[sum(map(ord, label)) % len(AVATAR_COLOURS)]
    return format_html(
        '<span class="avatar avatar-initial" style="width:{}px;height:{}px;'
        'line-height:{}px;background:{};font-size:{}px" aria-hidden="true">{}</span>',
        size,
        size,
        size,
        colour,
        max(10, size // 2),
        label[0].upper(),
    )


@register.filter
def hashtags(text: str):
    """Escape ``text`` and link its #topics to their pages (line breaks kept)."""

    def link(match):
        name = match.group(1)
        url = reverse("community:topic", kwargs={"key": topic_key(name)})
        return f'<a class="hashtag" href="{escape(url)}">#{name}</a>'

    escaped = escape(text or "")
    linked = HASHTAG.sub(link, escaped)
    paragraphs = [p.replace("\n", "<br>") for p in linked.replace("\r\n", "\n").split("\n\n")]
    return mark_safe("".join(f"<p>{p}</p>" for p in paragraphs if p.strip()))


@register.filter
def compact(number):
    """1234 → 1.2k, 65000000 → 65M (counts on cards)."""
    try:
        n = int(number)
    except (TypeError, ValueError):
        return number
    if n < 1000:
        return str(n)
    for limit, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1000, "k")):
        if n >= limit:
            value = n / limit
            return f"{value:.1f}".rstrip("0").rstrip(".") + suffix
    return str(n)

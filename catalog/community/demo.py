"""Demo community: generated covers and avatars (Pillow, nothing downloaded), topics,
comments, likes, a China-only moderation rule, live permissions. Idempotent."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from oscar.core.loading import get_model
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from . import services
from .images import thumbnail_url
from .models import Comment, ModerationRule, NoteImage, NoteTopic, Profile, Reaction, Topic

Note = get_model("catalogue", "Note")
NoteProduct = get_model("catalogue", "NoteProduct")
Creator = get_model("agencies", "Creator")

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
PALETTES = [
    ((255, 214, 222), (255, 240, 214), (60, 40, 50)),
    ((204, 232, 255), (232, 222, 255), (30, 45, 80)),
    ((214, 245, 228), (250, 245, 210), (35, 70, 50)),
    ((255, 226, 204), (255, 204, 214), (90, 40, 30)),
    ((40, 44, 60), (90, 70, 120), (255, 255, 255)),
    ((255, 245, 230), (230, 240, 255), (50, 50, 60)),
    ((250, 208, 196), (255, 154, 158), (255, 255, 255)),
]
SIZES = [(720, 960), (720, 900), (720, 720), (720, 1000), (720, 840)]

READERS = [("reader-us", "US"), ("reader-cn", "CN"), ("reader-gb", "GB"), ("reader-jp", "JP")]
READER_PASSWORD = "demo"

# A China-only rule (VPN services are unlawful to promote in mainland China), a review
# rule for everywhere, a label in the US and a block everywhere.
RULES = [
    ("CN", "VPN", ModerationRule.Action.WITHHOLD, "", "Promoting VPN services (PRC rules)"),
    ("*", "giveaway link", ModerationRule.Action.REVIEW, "", "Giveaways are checked first"),
    ("US", "#ad", ModerationRule.Action.LABEL, "Paid partnership", "FTC disclosure"),
    ("*", "counterfeit", ModerationRule.Action.BLOCK, "", "No counterfeit goods"),
]

# (creator handle, language, title, body, topics)
NOTES = [
    (
        "mia-nyc",
        "en",
        "Hi from NYC! My first note here",
        "Just moved over from TikTok with everyone else. Everyone here is so kind! Trying to learn "
        "some Chinese: 你好 = hello, 谢谢 = thank you. #tiktokrefugee #学中文",
        [],
    ),
    (
        "jake-la",
        "en",
        "Cat tax paid, as the locals asked",
        "Apparently the rule here is that new arrivals pay cat tax. Here is Mochi. "
        "#tiktokrefugee #cattax",
        [],
    ),
    (
        "xiaomei",
        "zh-hans",
        "欢迎美国朋友！教你们几个网络用语",
        "“种草”= want to buy, “拔草”= changed my mind, “yyds” = GOAT。"
        "欢迎来到小红书！ #tiktokrefugee #学中文",
        [],
    ),
    (
        "lily-shanghai",
        "zh-hans",
        "上海citywalk路线分享",
        "武康路→安福路→巨富长，一下午刚刚好，咖啡推荐附在最后。 #citywalk #上海",
        [],
    ),
    (
        "emma-london",
        "en",
        "Learning Chinese, day 3: tones are hard",
        "mā má mǎ mà — my cat sounds more fluent than me. Any tips for tones? "
        "#学中文 #tiktokrefugee",
        [],
    ),
    (
        "jake-la",
        "en",
        "The VPN I use to watch US shows while travelling",
        "Quick guide: the VPN app I use on trips to keep my streaming. #tiktokrefugee #travel",
        [],
    ),
    (
        "yuki-tokyo",
        "en",
        "Tokyo skincare haul under ¥5000",
        "Drugstore favourites that actually work. Links below! #skincare #种草",
        [],
    ),
    (
        "chengdu-foodie",
        "zh-hans",
        "成都火锅，外国朋友吃哭了",
        "带美国网友吃了第一顿正宗火锅，微辣都受不了哈哈。 #tiktokrefugee #美食",
        [],
    ),
    (
        "sophie-paris",
        "en",
        "Paris pharmacy picks for dry skin",
        "My three must-haves from French pharmacies this winter. #skincare #ad",
        [],
    ),
    (
        "mia-nyc",
        "en",
        "Weekend giveaway link inside!",
        "Comment below for a chance to win this set — giveaway link in my profile. #tiktokrefugee",
        [],
    ),
]

COMMENTS = [
    ("reader-cn", "Welcome!! 欢迎欢迎"),
    ("reader-gb", "This app is so much nicer than I expected."),
    ("reader-jp", "Your Chinese is better than mine already"),
    ("reader-us", "Saving this for later!"),
    ("reader-cn", "猫税已收到，谢谢！"),
]


@dataclass
class DemoCommunity:
    images: int = 0
    avatars: int = 0
    notes: int = 0
    comments: int = 0
    reactions: int = 0
    rules: int = 0
    live: dict = field(default_factory=dict)


def _font(size: int, bold: bool = True):
    name = "NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc"
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:
        return ImageFont.load_default(size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for char in text:
        trial = line + char
        if draw.textlength(trial, font=font) > width and line:
            cut = line.rfind(" ")
            if cut > 0 and char != " " and line.isascii():
                lines.append(line[:cut])
                line = line[cut + 1 :] + char
            else:
                lines.append(line)
                line = char.lstrip()
        else:
            line = trial
    if line:
        lines.append(line)
    return lines[:5]


def cover_make(*, title: str, tag: str, seed: int) -> bytes:
    """A cover: soft gradient, shapes, the title in large type and a topic sticker."""
    rng = random.Random(seed)
    top, bottom, ink = PALETTES[seed % len(PALETTES)]
    width, height = SIZES[seed % len(SIZES)]
    mask = Image.linear_gradient("L").resize((width, height)).rotate(rng.choice([0, 20, -20]))
    image = Image.composite(
        Image.new("RGB", (width, height), bottom),
        Image.new("RGB", (width, height), top),
        mask.resize((width, height)),
    )
    shapes = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(shapes)
    for _ in range(6):
        r = rng.randint(60, 220)
        x, y = rng.randint(-r, width), rng.randint(-r, height)
        colour = (*[min(255, c + rng.randint(-30, 40)) for c in rng.choice([top, bottom])], 140)
        draw.ellipse((x, y, x + 2 * r, y + 2 * r), fill=colour)
    shapes = shapes.filter(ImageFilter.GaussianBlur(18))
    image = Image.alpha_composite(image.convert("RGBA"), shapes)
    draw = ImageDraw.Draw(image)
    # A white card holding the title.
    margin = 48
    font = _font(58)
    lines = _wrap(draw, title, font, width - 2 * margin - 40)
    block = 74 * len(lines) + 40
    top_y = int(height * 0.42) - block // 2
    draw.rounded_rectangle(
        (margin, top_y, width - margin, top_y + block), radius=28, fill=(255, 255, 255, 225)
    )
    y = top_y + 22
    for line in lines:
        draw.text((margin + 22, y), line, font=font, fill=(40, 40, 40) if sum(ink) > 600 else ink)
        y += 74
    sticker = _font(32)
    label = f"#{tag}"
    w = int(draw.textlength(label, font=sticker)) + 36
    draw.rounded_rectangle(
        (margin, height - 120, margin + w, height - 66), radius=27, fill=(255, 36, 66, 235)
    )
    draw.text((margin + 18, height - 116), label, font=sticker, fill=(255, 255, 255))
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


AVATAR_PALETTES = [
    ((255, 36, 66), (255, 122, 69)),
    ((47, 84, 235), (19, 194, 194)),
    ((114, 46, 209), (235, 47, 150)),
    ((82, 196, 26), (19, 194, 194)),
    ((250, 140, 22), (245, 34, 45)),
    ((22, 119, 255), (114, 46, 209)),
]


def avatar_make(*, name: str, seed: int) -> bytes:
    top, bottom = AVATAR_PALETTES[seed % len(AVATAR_PALETTES)]
    size = 320
    mask = Image.linear_gradient("L").resize((size, size))
    image = Image.composite(
        Image.new("RGB", (size, size), bottom), Image.new("RGB", (size, size), top), mask
    )
    draw = ImageDraw.Draw(image)
    initial = name.strip()[:1].upper() or "?"
    font = _font(150)
    box = draw.textbbox((0, 0), initial, font=font)
    draw.text(
        ((size - (box[2] - box[0])) / 2 - box[0], (size - (box[3] - box[1])) / 2 - box[1]),
        initial,
        font=font,
        fill=(255, 255, 255),
        stroke_width=3,
        stroke_fill=(0, 0, 0, 60),
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _note_cover(note, tag: str, summary: DemoCommunity) -> None:
    if note.images.exists():
        return
    content = ContentFile(
        cover_make(title=note.title, tag=tag, seed=note.pk), name=f"demo-{note.pk}.jpg"
    )
    with Image.open(io.BytesIO(content.read())) as probe:
        width, height = probe.size
    content.seek(0)
    image = NoteImage(note=note, width=width, height=height, position=0)
    image.image.save(content.name, content, save=False)
    image.card_url = thumbnail_url(image.image, "480", upscale=False)
    image.large_url = thumbnail_url(image.image, "1080", upscale=False)
    image.save()
    services._cover_set(note=note)
    summary.images += 1


def _avatars(summary: DemoCommunity) -> None:
    for creator in Creator.objects.select_related("user"):
        profile = Profile.objects.filter(user=creator.user).first()
        if profile and profile.avatar_url:
            continue
        services.profile_save(
            user=creator.user,
            avatar=ContentFile(
                avatar_make(name=creator.display_name, seed=creator.pk),
                name=f"{creator.handle}.png",
            ),
            region=str(creator.country),
        )
        summary.avatars += 1


def _readers():
    User = get_user_model()
    readers = {}
    for username, region in READERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username, f"{username}@example.com", READER_PASSWORD)
        Profile.objects.update_or_create(user=user, defaults={"region": region})
        readers[username] = user
    return readers


def _rules(summary: DemoCommunity) -> None:
    for jurisdiction, pattern, action, label, reason in RULES:
        _rule, created = ModerationRule.objects.get_or_create(
            jurisdiction=jurisdiction,
            pattern=pattern,
            action=action,
            defaults={"label": label, "reason": reason},
        )
        summary.rules += created


DEMO_TOPICS = ["tiktokrefugee", "种草", "skincare", "学中文", "好物分享", "citywalk", "ootd"]


def community_demo_load() -> DemoCommunity:
    summary = DemoCommunity()
    rng = random.Random(15)
    with transaction.atomic():
        _rules(summary)
        readers = _readers()
        _avatars(summary)
    creators = {c.handle: c for c in Creator.objects.all()}
    # Hand-written notes of the #tiktokrefugee week.
    now = timezone.now()
    for n, (handle, language, title, body, _topics) in enumerate(NOTES):
        creator = creators.get(handle)
        if creator is None or Note.objects.filter(creator=creator, title=title).exists():
            continue
        products = list(
            get_model("catalogue", "Product")
            .objects.browsable()
            .order_by("id")
            .values_list("pk", flat=True)[n * 3 : n * 3 + 2]
        )
        note = services.note_save(
            creator=creator, title=title, body=body, language=language, product_ids=products
        )
        Note.objects.filter(pk=note.pk).update(published_at=now - timedelta(minutes=25 * n + 5))
        summary.notes += 1
    # Topics on the older demo notes (through the service, so the counts are kept).
    for n, note in enumerate(
        Note.objects.filter(note_topics__isnull=True, state=Note.State.PUBLISHED)
        .select_related("creator")
        .order_by("id")
    ):
        picks = [DEMO_TOPICS[n % len(DEMO_TOPICS)], DEMO_TOPICS[(n * 3 + 1) % len(DEMO_TOPICS)]]
        products = list(
            note.note_products.order_by("position").values_list("product_id", flat=True)
        )
        services.note_save(
            creator=note.creator,
            note=note,
            title=note.title,
            body=note.body,
            language=note.language,
            topics=picks,
            product_ids=products,
        )
    # Covers for every note that has none.
    for note in Note.objects.filter(images__isnull=True).order_by("id"):
        link = NoteTopic.objects.filter(note=note).select_related("topic").first()
        _note_cover(note, link.topic.name if link else "rednote", summary)
    # Discussions and likes on the newest notes.
    notes = list(Note.objects.filter(state=Note.State.PUBLISHED).order_by("-published_at")[:24])
    users = list(readers.values())
    for n, note in enumerate(notes):
        if note.comments.exists():
            continue
        for k in range(n % 4 + 1):
            username, text = COMMENTS[(n + k) % len(COMMENTS)]
            region = dict(READERS)[username]
            if note.hidden_for(region):
                continue
            comment = Comment.objects.create(note=note, author=readers[username], body=text)
            Note.objects.filter(pk=note.pk).update(comment_count=note.comments.count())
            topic_ids = list(NoteTopic.objects.filter(note=note).values_list("topic_id", flat=True))
            services._topics_count(topic_ids, comment_count=1)
            summary.comments += 1
            if k == 1 and note.creator.user_id:
                Comment.objects.create(
                    note=note, author=note.creator.user, body="谢谢! Thank you", parent=comment
                )
                Note.objects.filter(pk=note.pk).update(comment_count=note.comments.count())
                services._topics_count(topic_ids, comment_count=1)
                summary.comments += 1
    for note in Note.objects.filter(state=Note.State.PUBLISHED):
        for user in rng.sample(users, k=rng.randint(0, len(users))):
            if (
                not note.hidden_for(str(user.community_profile.region))
                and not Reaction.objects.filter(note=note, user=user, kind="like").exists()
            ):
                services.reaction_toggle(
                    note=note, user=user, kind="like", region=str(user.community_profile.region)
                )
                summary.reactions += 1
    # Demo history: view counts, and likes from the crowd beyond the four demo readers.
    for note in Note.objects.filter(view_count=0):
        views = rng.randint(800, 90_000)
        Note.objects.filter(pk=note.pk).update(
            view_count=views, like_count=F("like_count") + views // rng.randint(20, 60)
        )
    for topic in Topic.objects.all():
        total = (
            Note.objects.filter(note_topics__topic=topic).aggregate(v=Sum("view_count"))["v"] or 0
        )
        Topic.objects.filter(pk=topic.pk).update(view_count=total)
    summary.live = _live_demo()
    return summary


def _live_demo() -> dict:
    """A verified overseas creator is granted live permission; an unverified one refused."""
    from agencies.live import State, live_permission_change, live_permission_of

    outcome = {}
    for handle in ("yuki-tokyo", "emma-london", "mia-nyc"):
        creator = Creator.objects.filter(handle=handle).first()
        if creator is None:
            continue
        permission = live_permission_of(creator=creator)
        if permission is None or permission.state == State.NONE:
            live_permission_change(
                creator=creator, to_state=State.REQUESTED, reason="Asked in the app"
            )
            permission = live_permission_change(
                creator=creator, to_state=State.GRANTED, reason="Demo review"
            )
        outcome[handle] = permission.state
    return outcome

"""Translation: glossary throughput and the cost of a cached translation.

Run through ``scripts/with-postgres.sh`` (a fresh database ``commerce_bench_translation`` on
the server of ``DATABASE_URL``). Prints:

- ``glossary zh→en``/``en→zh``: notes per second for 500-character notes (target 50/s each;
  the one-off dictionary load is printed apart);
- ``cached translation``: SQL queries and median milliseconds of the Translate request when
  the translation is stored, and of the note page (which makes no translation query at all).

Exits non-zero when a figure misses its target.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

from bench.database import bench_database_url, database_recreate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "commerce_bench_translation"
NOTES = int(os.environ.get("BENCH_TRANSLATION_NOTES", "200"))
# One client sends about 200 Translate requests in a few seconds: the production limit
# (30/m a client) would refuse them with 429. The check itself still runs on each request.
os.environ.setdefault("TRANSLATION_RATE_LIMIT", "100000/m")
TARGET_NOTES_PER_S = 50
TARGET_CACHED_QUERIES = 3
TARGET_CACHED_MS = 25

ZH_SENTENCES = [
    "这个面霜真的绝绝子，强烈种草！",
    "宝子们，这款平替yyds，用了两周皮肤状态超好。",
    "看完测评直接拔草了，质地太油不适合我。",
    "周末就想在家躺平，顺便吃瓜刷刷小红书。",
    "又被朋友夸皮肤好，好烦哦，凡尔赛一下。",
    "看到这条评论我直接破防了，谢谢大家的支持。",
    "跨境直邮，包装完好，物流比想象中快很多。",
    "这支口红颜色很显白，秋冬涂特别有氛围感。",
    "给大家安利一款防晒，清爽不黏腻，通勤必备。",
    "价格有点小贵，但是效果真的没话说，会回购。",
]
EN_SENTENCES = [
    "This serum changed my skin, no cap. ",
    "That lipstick shade? It's giving luxury. ",
    "I lowkey want the matching bag too. ",
    "Best dupe for the expensive cream, honestly. ",
    "Shipped across borders in five days, the box was perfect. ",
    "The texture is light and it sinks in fast. ",
    "You slay in that colour, the glow up is real. ",
    "I have been using it every morning for two weeks. ",
]


def note_make(rng: random.Random, sentences: list[str], length: int = 500) -> str:
    text = ""
    while len(text) < length:
        text += rng.choice(sentences)
    return text[:length]


def main() -> int:
    url = bench_database_url(name=DB_NAME, bench="bench_translation")
    database_recreate(url=url, name=DB_NAME)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commerce.settings")
    env = {**os.environ}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from catalog.translation.engines import engine_get
    from catalog.translation.engines.glossary import dictionary
    from tests.factories import NoteFactory

    settings.ALLOWED_HOSTS = ["*"]
    ok = True
    rng = random.Random(16)
    started = time.perf_counter()
    dictionary().en_index()
    glossary = engine_get("glossary")
    glossary.translate("热身", source="zh-hans", target="en")
    print(f"glossary dictionary load (once per process): {time.perf_counter() - started:.1f} s")

    for label, sentences, source, target in (
        ("zh→en", ZH_SENTENCES, "zh-hans", "en"),
        ("en→zh", EN_SENTENCES, "en", "zh-hans"),
    ):
        notes = [note_make(rng, sentences) for _ in range(NOTES)]
        started = time.perf_counter()
        slang = 0
        for text in notes:
            slang += len(glossary.translate(text, source=source, target=target).slang)
        rate = NOTES / (time.perf_counter() - started)
        verdict = "ok" if rate >= TARGET_NOTES_PER_S else "BELOW TARGET"
        print(
            f"glossary {label}: {rate:.0f} notes/s for 500-character notes "
            f"({slang / NOTES:.1f} slang terms a note; target {TARGET_NOTES_PER_S}) {verdict}"
        )
        ok &= rate >= TARGET_NOTES_PER_S

    note = NoteFactory(title="面霜分享", body=note_make(rng, ZH_SENTENCES), language="zh-hans")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.post("/translation/", {"kind": "note", "id": note.pk}).status_code == 200
    for label, call in (
        (
            "Translate request",
            lambda: client.post("/translation/", {"kind": "note", "id": note.pk}),
        ),
        ("note page", lambda: client.get(note.get_absolute_url())),
    ):
        call()
        timings = []
        for _ in range(100):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = call()
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        median = statistics.median(timings)
        if label == "Translate request":
            good = len(queries) <= TARGET_CACHED_QUERIES and median <= TARGET_CACHED_MS
            target = f"target ≤ {TARGET_CACHED_QUERIES} queries, ≤ {TARGET_CACHED_MS} ms"
        else:
            good, target = True, "the control adds no query"
        print(
            f"cached translation, {label}: {len(queries)} SQL queries, "
            f"{median:.1f} ms median ({target}) {'ok' if good else 'ABOVE TARGET'}"
        )
        ok &= good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

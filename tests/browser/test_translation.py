"""An English reader translates a Chinese note and reads what the slang in it means."""

import pytest

from catalog.translation.models import SlangTerm
from tests.factories import NoteFactory

from .conftest import ARTIFACTS


@pytest.mark.django_db(transaction=True)
def test_english_reader_translates_a_chinese_note_and_sees_slang_explained(page, live_server):
    # Transactional tests empty the tables between tests: make sure the curated entry is there.
    SlangTerm.objects.update_or_create(
        language="zh-hans",
        term="种草",
        defaults=dict(
            gloss_en="recommend (makes you want it)",
            gloss_zh="被推荐、想买",
            explanation_en="Literally 'to plant grass': to recommend a product so convincingly "
            "that the reader wants to buy it.",
            explanation_zh="指分享推荐某样东西，让别人产生购买欲望。",
            example="这个面霜真的绝绝子，强烈种草！",
        ),
    )
    note = NoteFactory(title="面霜分享", body="这个面霜真的绝绝子，强烈种草！", language="zh-hans")
    page.goto(live_server.url + note.get_absolute_url())
    button = page.get_by_role("button", name="Translate")
    button.focus()
    page.keyboard.press("Enter")  # keyboard works, not only the mouse
    result = page.locator(".translate-result")
    result.get_by_text("Word-by-word glossary (not a translation)").wait_for()
    assert "not a translation" in result.inner_text()
    term = result.locator("button.slang-term", has_text="种草")
    term.focus()
    page.keyboard.press("Enter")
    assert term.get_attribute("aria-expanded") == "true"
    explanation = page.locator("#" + term.get_attribute("aria-controls"))
    assert explanation.is_visible()
    assert "recommend a product" in explanation.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "translation-note.png"), full_page=True)
    page.keyboard.press("Escape")
    assert not explanation.is_visible()
    # The original stays on the page.
    assert "这个面霜真的绝绝子，强烈种草！" in page.locator(".note-body").inner_text()


@pytest.mark.django_db(transaction=True)
def test_english_reader_translates_a_chinese_comment_in_place(page, live_server):
    from catalog.community.models import Comment
    from tests.factories import UserFactory

    SlangTerm.objects.update_or_create(
        language="zh-hans",
        term="种草",
        defaults=dict(
            gloss_en="recommend (makes you want it)",
            gloss_zh="被推荐、想买",
            explanation_en="To recommend a product so that the reader wants to buy it.",
            explanation_zh="指分享推荐某样东西，让别人产生购买欲望。",
        ),
    )
    note = NoteFactory(title="Serum review", body="A light serum, no cap.", language="en")
    comment = Comment.objects.create(
        note=note, author=UserFactory(), body="这个面霜真的绝绝子，强烈种草！"
    )
    page.goto(live_server.url + note.get_absolute_url())
    controls = page.locator(".translate-control")
    assert controls.count() == 1  # the English note has none; the Chinese comment has one
    control = page.locator(f"#comment-{comment.pk} .translate-control")
    control.get_by_role("button", name="Translate").click()
    result = control.locator(".translate-result")
    result.get_by_text("Word-by-word glossary (not a translation)").wait_for()
    term = result.locator("button.slang-term", has_text="种草")
    term.click()  # a tap opens the explanation too
    assert term.get_attribute("aria-expanded") == "true"
    assert page.locator("#" + term.get_attribute("aria-controls")).is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "translation-comment.png"), full_page=True)
    assert "这个面霜真的绝绝子" in page.locator(f"#comment-{comment.pk} .text").inner_text()

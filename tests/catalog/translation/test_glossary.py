"""The offline glossary: real segmentation, CC-CEDICT and the curated slang, both ways."""

import pytest

from catalog.translation.engines import UnsupportedPair, engine_get
from catalog.translation.models import SlangTerm

pytestmark = pytest.mark.django_db

ZH_SENTENCES = [
    # (sentence, words the segmenter must find, slang terms with a word of their meaning)
    (
        "这个面霜真的绝绝子，强烈种草！",
        ["这个", "面霜", "绝绝子", "种草"],
        {"绝绝子": "amazing", "种草": "recommend"},
    ),
    ("看完测评直接拔草了。", ["拔草"], {"拔草": "wanting"}),
    (
        "宝子们，这个平替yyds！",
        ["宝子", "平替", "yyds"],
        {"宝子": "babe", "平替": "cheaper", "yyds": "greatest"},
    ),
    ("周末就想在家躺平，顺便吃瓜。", ["躺平", "吃瓜"], {"躺平": "lie flat", "吃瓜": "drama"}),
    ("又被加薪了好烦，凡尔赛一下。", ["凡尔赛"], {"凡尔赛": "humblebrag"}),
    ("看到这条评论我直接破防了。", ["破防"], {"破防": "emotionally"}),
    ("这款精华很好用，包装也漂亮。", ["精华", "包装", "漂亮"], {}),
]

EN_SENTENCES = [
    ("This serum changed my skin, no cap.", {"no cap": "不骗你"}),
    ("That outfit? You slay.", {"slay": "飒"}),
    ("He's got serious rizz.", {"rizz": "魅力"}),
    (
        "I lowkey want the matching bag. It’s giving luxury!",
        {"lowkey": "有点", "it's giving": "感觉"},
    ),
    ("Best dupe for that lipstick.", {"dupe": "平替"}),
    ("The cream is soft and the box is pretty.", {}),
]


@pytest.fixture
def glossary():
    return engine_get("glossary")


@pytest.mark.parametrize("sentence,words,slang", ZH_SENTENCES)
def test_chinese_sentences_are_segmented_and_their_slang_explained(
    glossary, sentence, words, slang
):
    segments = glossary.segment(sentence)
    for word in words:
        assert word in segments
    result = glossary.translate(sentence, source="zh-hans", target="en")
    assert result.is_gloss and result.engine == "glossary"
    found = {hit.term: hit for hit in result.slang}
    assert set(found) == set(slang)
    for term, meaning_word in slang.items():
        assert meaning_word in (found[term].meaning + found[term].explanation).lower()
        assert term in result.text  # the term stays in the gloss, to be underlined


def test_the_gloss_of_the_example_sentence_reads_word_by_word(glossary):
    result = glossary.translate("这个面霜真的绝绝子，强烈种草！", source="zh-hans", target="en")
    assert result.text.startswith("this facial cream really 绝绝子 (absolutely amazing),")
    by_term = {hit.term: hit for hit in result.slang}
    assert "recommend a product" in by_term["种草"].explanation
    assert by_term["种草"].example  # curated: with an example


def test_cc_cedict_slang_not_curated_is_still_found(glossary):
    # 白富美 is tagged "(Internet slang)" in CC-CEDICT and is not in the curated list.
    result = glossary.translate("她是白富美。", source="zh-hans", target="en")
    hits = {hit.term: hit for hit in result.slang}
    assert "白富美" in hits
    assert "Ms Perfect" in hits["白富美"].meaning
    assert "CC-CEDICT" in hits["白富美"].explanation


@pytest.mark.parametrize("sentence,slang", EN_SENTENCES)
def test_english_sentences_have_their_slang_explained_in_chinese(glossary, sentence, slang):
    result = glossary.translate(sentence, source="en", target="zh-hans")
    found = {hit.term: hit for hit in result.slang}
    assert set(found) == set(slang)
    for term, meaning_word in slang.items():
        assert meaning_word in found[term].meaning + found[term].explanation


def test_english_words_are_glossed_into_chinese(glossary):
    result = glossary.translate("The cream is soft.", source="en", target="zh-hans")
    assert "霜" in result.text and "是" in result.text


def test_a_slang_term_added_in_the_admin_is_found_at_once(glossary):
    assert not glossary.translate("今天真是芭比Q了。", source="zh-hans", target="en").slang
    SlangTerm.objects.create(
        term="芭比Q",
        language="zh-hans",
        gloss_en="it's over, doomed",
        gloss_zh="完蛋了",
        explanation_en="From 'barbecue' (烧烤): things are done for.",
        explanation_zh="谐音“完了”，表示事情搞砸了。",
    )
    hits = glossary.translate("今天真是芭比Q了。", source="zh-hans", target="en").slang
    assert [hit.term for hit in hits] == ["芭比Q"]


def test_a_pair_the_glossary_does_not_know_is_refused(glossary):
    with pytest.raises(UnsupportedPair):
        glossary.translate("Bonjour", source="fr", target="en")

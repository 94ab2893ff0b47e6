"""LibreTranslate and OpenAI-compatible engines against local stand-ins of their APIs."""

import pytest

from catalog.translation.engines import (
    EngineBadAnswer,
    EngineUnavailable,
    TextTooLong,
    TranslationError,
    UnsupportedPair,
    engine_get,
)
from catalog.translation.engines.openai_chat import answer_parse
from catalog.translation.services import text_translate

pytestmark = pytest.mark.django_db


# --- LibreTranslate -------------------------------------------------------------------------
def test_libretranslate_translates_with_its_wire_format(libretranslate):
    result = engine_get("libretranslate").translate("你好", source="zh-hans", target="en")
    assert result.text == "[en] 你好"
    request = libretranslate.requests[-1]
    assert request["path"] == "/translate"
    assert request["body"] == {
        "q": "你好",
        "source": "zh-Hans",  # read from /languages (LibreTranslate >= 1.6 spelling)
        "target": "en",
        "format": "text",
        "api_key": "lt-secret",
    }


def test_libretranslate_slang_comes_from_the_glossary(libretranslate):
    result = text_translate(
        text="这个面霜真的绝绝子，强烈种草！",
        source="zh-hans",
        target="en",
        engine_name="libretranslate",
    )
    assert result.engine == "libretranslate" and not result.is_gloss
    assert {hit.term for hit in result.slang} == {"绝绝子", "种草"}


@pytest.mark.parametrize(
    "mode,error",
    [("error", EngineUnavailable), ("timeout", EngineUnavailable), ("malformed", EngineBadAnswer)],
)
def test_libretranslate_failures(libretranslate, mode, error):
    engine = engine_get("libretranslate")
    engine.languages()  # read while the server is well
    libretranslate.mode = mode
    with pytest.raises(error) as failure:
        engine.translate("你好", source="zh-hans", target="en")
    assert failure.value.retryable


def test_libretranslate_wrong_key_is_not_retried(libretranslate, settings):
    settings.LIBRETRANSLATE_API_KEY = "wrong"
    from catalog.translation.engines import engines_reset

    engines_reset()
    with pytest.raises(TranslationError) as failure:
        engine_get("libretranslate").translate("你好", source="zh-hans", target="en")
    assert not failure.value.retryable
    assert "Invalid API key" in failure.value.message
    assert "wrong" not in failure.value.message  # the key is never repeated


def test_libretranslate_refuses_a_pair_its_server_lacks(libretranslate):
    with pytest.raises(UnsupportedPair):
        engine_get("libretranslate").translate("Hallo", source="de", target="en")


def test_text_over_the_engine_limit_is_split_at_sentence_ends(libretranslate, settings):
    settings.LIBRETRANSLATE_MAX_CHARS = 16
    from catalog.translation.engines import engines_reset

    engines_reset()
    text = "第一句话很短。第二句话也很短。第三句。"
    result = text_translate(text=text, source="zh-hans", target="en", engine_name="libretranslate")
    sent = [r["body"]["q"] for r in libretranslate.requests if r["path"] == "/translate"]
    assert sent == ["第一句话很短。第二句话也很短。", "第三句。"]
    assert result.text == "[en] 第一句话很短。第二句话也很短。[en] 第三句。"


def test_a_sentence_over_the_engine_limit_is_refused_clearly(libretranslate, settings):
    settings.LIBRETRANSLATE_MAX_CHARS = 10
    from catalog.translation.engines import engines_reset

    engines_reset()
    with pytest.raises(TextTooLong) as failure:
        text_translate(
            text="这是一个非常非常长的句子没有标点",
            source="zh-hans",
            target="en",
            engine_name="libretranslate",
        )
    assert "limit of 10" in failure.value.message


# --- OpenAI-compatible chat completions ------------------------------------------------------
def test_openai_translates_and_names_slang(openai):
    result = text_translate(
        text="这个面霜真的绝绝子，强烈种草！", source="zh-hans", target="en", engine_name="openai"
    )
    assert result.text == "[English] 这个面霜真的绝绝子，强烈种草！"
    request = openai.requests[-1]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    body = request["body"]
    assert body["model"] == "qwen2.5-7b-instruct"
    assert body["response_format"] == {"type": "json_object"}
    assert "into English" in body["messages"][0]["content"]
    assert body["messages"][1] == {"role": "user", "content": "这个面霜真的绝绝子，强烈种草！"}
    # Merged: the curated glossary's entry wins for 绝绝子; 种草 comes from the glossary too.
    by_term = {hit.term: hit for hit in result.slang}
    assert set(by_term) == {"绝绝子", "种草"}
    assert by_term["绝绝子"].meaning == "absolutely amazing"


def test_openai_slang_the_glossary_lacks_is_kept(openai):
    result = text_translate(
        text="no cap, it slaps", source="en", target="zh-hans", engine_name="openai"
    )
    assert result.text == "[Simplified Chinese] no cap, it slaps"
    assert "no cap" in {hit.term for hit in result.slang}


@pytest.mark.parametrize(
    "mode,error",
    [("error", EngineUnavailable), ("timeout", EngineUnavailable), ("malformed", EngineBadAnswer)],
)
def test_openai_failures(openai, mode, error):
    openai.mode = mode
    with pytest.raises(error):
        engine_get("openai").translate("你好", source="zh-hans", target="en")


def test_openai_wrong_key(openai, settings):
    settings.TRANSLATION_OPENAI_API_KEY = "sk-wrong"
    from catalog.translation.engines import engines_reset

    engines_reset()
    with pytest.raises(TranslationError) as failure:
        engine_get("openai").translate("你好", source="zh-hans", target="en")
    assert not failure.value.retryable and "Incorrect API key" in failure.value.message


@pytest.mark.parametrize(
    "content",
    [
        "Sure! Here is the translation: hello",  # prose, not JSON
        '{"text": "hello"}',  # no translation key
        '{"translation": ""}',  # empty
        '{"translation": "hello", "slang": "none"}',  # slang not a list
        "[1, 2]",
    ],
)
def test_a_model_answer_that_is_not_the_asked_json_is_refused(content):
    with pytest.raises(EngineBadAnswer):
        answer_parse(content, engine="openai")


def test_a_fenced_answer_is_accepted_and_bad_slang_items_dropped():
    text, slang = answer_parse(
        '```json\n{"translation": "hi", "slang": [{"term": "yyds", "meaning": "GOAT"}, '
        '{"term": ""}, "junk"]}\n```',
        engine="openai",
    )
    assert text == "hi"
    assert [(hit.term, hit.meaning, hit.explanation) for hit in slang] == [("yyds", "GOAT", "GOAT")]

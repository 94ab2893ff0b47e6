"""The engines' reason codes in the shopper's language (commerce.checkout.reasons)."""

import re
from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import translation

from commerce.checkout.reasons import MESSAGES, reason_text
from tax.duties import Consignment, Line, quote
from tax.reasons import REASONS

SAMPLE = {
    "money": "26000.00",
    "currency": "CNY",
    "country": "JP",
    "date": "2026-11-21",
    "int": 2,
    "text": "Face cream",
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def sample_params(code):
    return {name: SAMPLE[kind] for name, kind in REASONS[code].params.items()}


def test_every_engine_code_has_a_message():
    assert set(MESSAGES) == set(REASONS)


@pytest.mark.parametrize("code", sorted(REASONS))
def test_every_code_renders_in_english_and_chinese(code):
    params = sample_params(code)
    with translation.override("en"):
        english = reason_text(code=code, params=params, fallback="FALLBACK")
    with translation.override("zh-hans"):
        chinese = reason_text(code=code, params=params, fallback="FALLBACK")
    assert english != "FALLBACK" and chinese != "FALLBACK"
    assert "%(" not in english and "%(" not in chinese
    assert CJK.search(chinese), chinese
    assert not CJK.search(english), english


def test_chinese_checkout_shows_the_cbec_refusal_in_chinese():
    q = quote(
        Consignment(
            "CN",
            "CNY",
            [Line("Watch", "910211", "CH", 1, D("26000.00"), vat_rate=D("0.13"), duty_rate=D("0"))],
            on=date(2026, 11, 21),
        )
    )
    assert not q.allowed
    with translation.override("zh-hans"):
        text = reason_text(code=q.reason_code, params=q.reason_params, fallback=q.reason)
    assert text == (
        "中国跨境电商零售进口：单件商品 ¥26,000.00 未低于 ¥26,000.00 的限值，"
        "须按一般贸易进口，无法在结账时清关。"
    )
    with translation.override("en"):
        text = reason_text(code=q.reason_code, params=q.reason_params, fallback=q.reason)
    assert "CN¥26,000.00" in text and "general trade" in text


def test_amounts_dates_counts_and_countries_follow_the_locale():
    params = {
        "limit": "26000.00",
        "used": "21000.01",
        "value": "5000.00",
        "after": "26000.01",
        "currency": "CNY",
    }
    with translation.override("zh-hans"):
        text = reason_text(code="cn_annual_limit_exceeded", params=params, fallback="")
    assert "已用 ¥21,000.01 + 本单 ¥5,000.00 = ¥26,000.01" in text
    with translation.override("zh-hans"):
        text = reason_text(
            code="no_rules", params={"destination": "CA-ON", "on": "2026-11-21"}, fallback=""
        )
    assert "加拿大 (ON)" in text and "2026年11月21日" in text
    with translation.override("en"):
        text = reason_text(
            code="cn_single_item_only",
            params={"value": "12000.00", "limit": "5000.00", "items": 1200, "currency": "CNY"},
            fallback="",
        )
    assert "CN¥5,000.00" in text and "for 1,200 items" in text
    with translation.override("en"):
        text = reason_text(
            code="ships_from_needed",
            params={"destination": "JP", "value": "1234", "currency": "JPY"},
            fallback="",
        )
    assert "¥1,234" in text and "Japan" in text
    with translation.override("zh-hans"):
        text = reason_text(code="backup-withholding", params={}, fallback="")
    assert "24%" in text and "%%" not in text


@pytest.mark.parametrize(
    ("code", "params"),
    [
        pytest.param("", {}, id="no-code"),
        pytest.param("not-a-code", {}, id="unknown-code"),
        pytest.param("cn_single_item_only", {"value": "1"}, id="missing-params"),
        pytest.param(
            "cn_single_item_only",
            {"value": "x", "limit": "1", "items": 2, "currency": "CNY"},
            id="bad-amount",
        ),
    ],
)
def test_fallback_when_code_or_params_do_not_fit(code, params):
    assert reason_text(code=code, params=params, fallback="English reason") == "English reason"

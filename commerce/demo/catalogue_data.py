"""The demo catalogue's raw material: merchants, categories, items, creators, note texts."""

from decimal import Decimal

# code, name, country, currency, staff email
MERCHANTS = [
    ("shanghai-beauty", "上海美妆 Shanghai Beauty Co.", "CN", "CNY", "merchant-cn@example.com"),
    ("tokyo-goods", "東京グッズ Tokyo Goods K.K.", "JP", "JPY", "merchant-jp@example.com"),
    ("brooklyn-makers", "Brooklyn Makers Inc.", "US", "USD", "merchant-us@example.com"),
]

# category breadcrumb, HS code, consumption tax rate, CBEC positive list, weight (g),
# items as (English, Chinese, price in CNY)
CATEGORIES = [
    (
        "Beauty > Skincare",
        "330499",
        Decimal("0.15"),
        True,
        180,
        [
            ("Hydrating face cream 50 ml", "保湿面霜 50毫升", Decimal("268")),
            ("Vitamin C serum", "维C精华液", Decimal("329")),
            ("Sheet masks, box of 10", "补水面膜10片装", Decimal("99")),
            ("Sunscreen SPF 50", "防晒霜 SPF50", Decimal("158")),
            ("Cleansing oil", "卸妆油", Decimal("139")),
        ],
    ),
    (
        "Beauty > Makeup",
        "330410",
        Decimal("0.15"),
        True,
        60,
        [
            ("Matte lipstick", "哑光口红", Decimal("230")),
            ("Cushion foundation", "气垫粉底", Decimal("315")),
            ("Eyeshadow palette", "眼影盘", Decimal("265")),
        ],
    ),
    (
        "Food > Snacks",
        "190590",
        Decimal("0"),
        True,
        400,
        [
            ("Matcha biscuits", "抹茶饼干", Decimal("45")),
            ("Rice crackers", "米饼", Decimal("32")),
            ("Dark chocolate bar", "黑巧克力", Decimal("38")),
            ("Dried mango", "芒果干", Decimal("29")),
        ],
    ),
    (
        "Fashion",
        "610910",
        Decimal("0"),
        True,
        250,
        [
            ("Cotton T-shirt", "纯棉T恤", Decimal("129")),
            ("Denim jacket", "牛仔夹克", Decimal("499")),
            ("Wool scarf", "羊毛围巾", Decimal("259")),
        ],
    ),
    (
        "Electronics",
        "851830",
        Decimal("0"),
        True,
        300,
        [
            ("Wireless earbuds", "无线耳机", Decimal("699")),
            ("Portable charger", "移动电源", Decimal("199")),
            ("Mechanical keyboard", "机械键盘", Decimal("899")),
        ],
    ),
    (
        "Home > Kitchen",
        "691110",
        Decimal("0"),
        True,
        900,
        [
            ("Ceramic tea set", "陶瓷茶具", Decimal("388")),
            ("Cast iron teapot", "铸铁茶壶", Decimal("560")),
            ("Bamboo cutting board", "竹砧板", Decimal("89")),
        ],
    ),
    (
        "Toys",
        "950300",
        Decimal("0"),
        True,
        500,
        [
            ("Building blocks set", "积木套装", Decimal("459")),
            ("Plush panda", "熊猫毛绒玩具", Decimal("119")),
        ],
    ),
    (
        "Health > Supplements",
        "210690",
        Decimal("0"),
        True,
        200,
        [
            ("Fish oil capsules", "鱼油胶囊", Decimal("188")),
            ("Collagen drink", "胶原蛋白饮", Decimal("245")),
        ],
    ),
]

# Category names in Chinese (the demo's categories are named in English).
CATEGORY_NAMES_ZH = {
    "Beauty": "美妆",
    "Skincare": "护肤",
    "Makeup": "彩妆",
    "Food": "食品",
    "Snacks": "零食",
    "Fashion": "服饰",
}

BRANDS = {
    "CN": ["花间", "云朵", "东方", "悦享", "青禾"],
    "JP": ["Sakura", "Kirei", "Hinode", "Mizu", "Tsuki"],
    "US": ["Brooklyn", "Hudson", "Liberty", "Maple", "Harbor"],
}

# handle, display name, country
CREATORS = [
    ("lily-shanghai", "莉莉在上海", "CN"),
    ("xiaomei", "小美", "CN"),
    ("chengdu-foodie", "成都吃货", "CN"),
    ("beijing-style", "北京穿搭", "CN"),
    ("hangzhou-tea", "杭州茶人", "CN"),
    ("shenzhen-tech", "深圳数码控", "CN"),
    ("guangzhou-mom", "广州宝妈", "CN"),
    ("wuhan-runner", "武汉跑者", "CN"),
    ("nanjing-reader", "南京书虫", "CN"),
    ("xian-traveller", "西安旅人", "CN"),
    ("qingdao-sea", "青岛海边", "CN"),
    ("suzhou-garden", "苏州园林控", "CN"),
    ("yuki-tokyo", "Yuki in Tokyo", "JP"),
    ("kenji-osaka", "Kenji Osaka", "JP"),
    ("emma-london", "Emma London", "GB"),
    ("sophie-paris", "Sophie à Paris", "FR"),
    ("mia-nyc", "Mia NYC", "US"),
    ("jake-la", "Jake LA", "US"),
    ("minji-seoul", "Min-ji Seoul", "KR"),
    ("lucas-berlin", "Lucas Berlin", "DE"),
    ("chloe-sydney", "Chloe Sydney", "AU"),
    ("wei-singapore", "Wei Singapore", "SG"),
]

NOTE_TEMPLATES = {
    "zh-hans": [
        ("{item}真的太好用了！", "最近入手了{item}，用了两周，效果超出预期。跨境直邮，包装完好。"),
        (
            "平价好物分享：{item}",
            "宝子们，今天给大家分享一款{item}，性价比很高，真的绝绝子，强烈种草！",
        ),
        ("海外代购心得｜{item}", "关于{item}的真实测评，附上购买链接和使用感受。"),
    ],
    "en": [
        (
            "Why I love this {item}",
            "I've been using the {item} for two weeks and it is amazing. Shipped across borders.",
        ),
        (
            "Honest review: {item}",
            "Here is my honest review of the {item}, with what I liked and what I didn't.",
        ),
        (
            "My weekly favourites: {item}",
            "This week's favourite is the {item}. Lowkey obsessed, no cap. Links below!",
        ),
    ],
}


# --- The generated catalogue (pure: no database, so the stock-Oscar benchmark seeds the same) ---

import csv  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from decimal import ROUND_HALF_UP  # noqa: E402
from pathlib import Path  # noqa: E402

from tax.money import quantize_money  # noqa: E402

RATES_FILE = Path(__file__).parent / "data" / "rates.csv"
# Price spread around each item's list price, so products of one kind differ.
PRICE_FACTORS = [Decimal("0.8"), Decimal("0.9"), Decimal("1"), Decimal("1.1"), Decimal("1.25")]
ITEMS_PER_TITLE = 24  # products sharing a plain title before titles get a number


@dataclass(frozen=True)
class ProductSpec:
    upc: str
    title: str
    description: str
    category: str  # breadcrumb, e.g. "Beauty > Skincare"
    merchant: str  # partner code
    price: Decimal
    currency: str
    origin_country: str
    hs_code: str
    customs_value: Decimal
    consumption_tax_rate: Decimal
    cbec_eligible: bool
    weight_grams: int
    # The title in each language (catalog.translation.product_fields); ``title`` is the
    # merchant's own language, what a stock Oscar shop would show.
    title_en: str = ""
    title_zh: str = ""


def _display_rates_from_cny() -> dict[str, Decimal]:
    with RATES_FILE.open(newline="", encoding="utf-8") as file:
        return {
            row["quote"]: Decimal(row["rate"])
            for row in csv.DictReader(file)
            if row["kind"] == "display" and row["base"] == "CNY"
        }


def _merchant_price(price_cny: Decimal, currency: str, rates: dict[str, Decimal]) -> Decimal:
    if currency == "CNY":
        return quantize_money(price_cny, currency)
    converted = price_cny * rates[currency]
    if currency == "JPY":  # Japanese shops price in tens of yen
        return (converted / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 10
    return quantize_money(converted, currency)


def product_specs(count: int) -> Iterator[ProductSpec]:
    """The first ``count`` demo products, the same on every machine and every run."""
    rates = _display_rates_from_cny()
    for n in range(count):
        merchant, _name, country, currency, _email = MERCHANTS[n % len(MERCHANTS)]
        spec_index = (n // len(MERCHANTS)) % len(CATEGORIES)
        breadcrumb, hs_code, consumption_tax, cbec, weight, items = CATEGORIES[spec_index]
        item_en, item_zh, price_cny = items[(n // ITEMS_PER_TITLE) % len(items)]
        brand = BRANDS[country][n % len(BRANDS[country])]
        title = f"{brand}{item_zh}" if country == "CN" else f"{brand} {item_en}"
        title_en, title_zh = f"{brand} {item_en}", f"{brand} {item_zh}"
        if n >= ITEMS_PER_TITLE * len(CATEGORIES):
            title = f"{title} #{n}"
            title_en, title_zh = f"{title_en} #{n}", f"{title_zh} #{n}"
        price = _merchant_price(
            price_cny * PRICE_FACTORS[n * 7 % len(PRICE_FACTORS)], currency, rates
        )
        yield ProductSpec(
            upc=f"DEMO{n:06d}",
            title=title,
            description=f"{item_en} / {item_zh}. Ships from {country}.",
            category=breadcrumb,
            merchant=merchant,
            price=price,
            currency=currency,
            origin_country=country,
            hs_code=hs_code,
            customs_value=quantize_money(price * Decimal("0.8"), currency),
            consumption_tax_rate=consumption_tax,
            cbec_eligible=cbec,
            weight_grams=weight,
            title_en=title_en,
            title_zh=title_zh,
        )

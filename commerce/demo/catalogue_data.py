"""The demo catalogue's raw material: merchants, categories, items, creators, note texts."""

from decimal import Decimal

from django.utils.translation import pgettext_lazy

# code, name, country, currency, staff email
MERCHANTS = [
    ("shanghai-beauty", "上海美妆 Shanghai Beauty Co.", "CN", "CNY", "merchant-cn@example.com"),
    ("tokyo-goods", "東京グッズ Tokyo Goods K.K.", "JP", "JPY", "merchant-jp@example.com"),
    ("brooklyn-makers", "Brooklyn Makers Inc.", "US", "USD", "merchant-us@example.com"),
]

# category breadcrumb, consumption tax rate, CBEC positive list, items as
# (English, Chinese, price in CNY, HS code of that good, shipping weight in grams with its
# packaging). HS codes are the 6-digit international headings of the good itself.
CATEGORIES = [
    (
        "Beauty > Skincare",
        Decimal("0.15"),
        True,
        [
            ("Hydrating face cream 50 ml", "保湿面霜 50毫升", Decimal("268"), "330499", 160),
            ("Vitamin C serum 30 ml", "维C精华液 30毫升", Decimal("329"), "330499", 110),
            ("Sheet masks, box of 10", "补水面膜10片装", Decimal("99"), "330499", 320),
            ("Sunscreen SPF 50, 50 ml", "防晒霜 SPF50 50毫升", Decimal("158"), "330499", 85),
            ("Cleansing oil 200 ml", "卸妆油 200毫升", Decimal("139"), "330499", 260),
        ],
    ),
    (
        "Beauty > Makeup",
        Decimal("0.15"),
        True,
        [
            ("Matte lipstick", "哑光口红", Decimal("230"), "330410", 35),
            ("Cushion foundation", "气垫粉底", Decimal("315"), "330499", 95),
            ("Eyeshadow palette", "眼影盘", Decimal("265"), "330420", 120),
        ],
    ),
    (
        "Food > Snacks",
        Decimal("0"),
        True,
        [
            ("Matcha biscuits 200 g", "抹茶饼干 200克", Decimal("45"), "190531", 240),
            ("Rice crackers 150 g", "米饼 150克", Decimal("32"), "190590", 180),
            ("Dark chocolate bar 100 g", "黑巧克力 100克", Decimal("38"), "180632", 115),
            ("Dried mango 200 g", "芒果干 200克", Decimal("29"), "080450", 225),
        ],
    ),
    (
        "Fashion",
        Decimal("0"),
        True,
        [
            ("Cotton T-shirt", "纯棉T恤", Decimal("129"), "610910", 220),
            ("Denim jacket", "牛仔夹克", Decimal("499"), "620332", 850),
            ("Wool scarf", "羊毛围巾", Decimal("259"), "621420", 200),
        ],
    ),
    (
        "Electronics",
        Decimal("0"),
        True,
        [
            ("Wireless earbuds", "无线耳机", Decimal("699"), "851830", 150),
            ("Portable charger 10000 mAh", "移动电源 10000毫安时", Decimal("199"), "850760", 280),
            ("Mechanical keyboard", "机械键盘", Decimal("899"), "847160", 1150),
        ],
    ),
    (
        "Home > Kitchen",
        Decimal("0"),
        True,
        [
            ("Ceramic tea set", "陶瓷茶具", Decimal("388"), "691110", 1600),
            ("Cast iron teapot", "铸铁茶壶", Decimal("560"), "732391", 1400),
            ("Bamboo cutting board", "竹砧板", Decimal("89"), "441911", 750),
        ],
    ),
    (
        "Toys",
        Decimal("0"),
        True,
        [
            ("Building blocks set", "积木套装", Decimal("459"), "950300", 950),
            ("Plush panda", "熊猫毛绒玩具", Decimal("119"), "950300", 320),
        ],
    ),
    (
        "Health > Supplements",
        Decimal("0"),
        True,
        [
            ("Fish oil capsules, 90", "鱼油胶囊 90粒", Decimal("188"), "210690", 190),
            ("Collagen drink, 10 bottles", "胶原蛋白饮 10瓶装", Decimal("245"), "210690", 650),
        ],
    ),
]

# The platform's category names, for the Chinese catalogue (shown through
# commerce.storefront.i18n.category_label; never evaluated here).
CATEGORY_NAMES = (
    pgettext_lazy("product category", "Beauty"),
    pgettext_lazy("product category", "Skincare"),
    pgettext_lazy("product category", "Makeup"),
    pgettext_lazy("product category", "Food"),
    pgettext_lazy("product category", "Snacks"),
    pgettext_lazy("product category", "Fashion"),
    pgettext_lazy("product category", "Electronics"),
    pgettext_lazy("product category", "Home"),
    pgettext_lazy("product category", "Kitchen"),
    pgettext_lazy("product category", "Toys"),
    pgettext_lazy("product category", "Health"),
    pgettext_lazy("product category", "Supplements"),
    pgettext_lazy("product category", "Cross-border goods"),  # the product type
)

# Editions that tell products of one brand and kind apart once every brand sells every
# item of a category (English, Chinese); the first is the plain product.
EDITIONS = [
    ("", ""),
    ("Classic", "经典款"),
    ("Travel size", "旅行装"),
    ("Gift box", "礼盒装"),
    ("Limited edition", "限定款"),
    ("Family pack", "家庭装"),
    ("Duo", "双支装"),
    ("New formula", "新版"),
    ("Special edition", "特别版"),
    ("Value pack", "超值装"),
]

# Category names in Chinese (the demo's categories are named in English), written into
# the categories' Chinese column (django-modeltranslation); the same names are in the
# Chinese catalogue for categories without one (commerce.storefront.i18n).
CATEGORY_NAMES_ZH = {
    "Beauty": "美妆护肤",
    "Skincare": "护肤",
    "Makeup": "彩妆",
    "Food": "食品",
    "Snacks": "零食",
    "Fashion": "服饰",
    "Electronics": "数码电子",
    "Home": "家居",
    "Kitchen": "厨房用品",
    "Toys": "玩具",
    "Health": "健康",
    "Supplements": "营养保健",
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


def _titles(
    *, country: str, brand: str, item_en: str, item_zh: str, edition: int, n: int
) -> tuple[str, str, str]:
    """(the merchant's own title, the English title, the Chinese title)."""
    if edition >= len(EDITIONS):  # only the benchmark's thousands of products get here
        title_en, title_zh = f"{brand} {item_en} No. {n}", f"{brand} {item_zh} {n}号"
    else:
        edition_en, edition_zh = EDITIONS[edition]
        title_en = f"{brand} {item_en}{' (' + edition_en + ')' if edition_en else ''}"
        title_zh = f"{brand} {item_zh}{' ' + edition_zh if edition_zh else ''}"
    if country == "CN":  # a Chinese shop names its goods in Chinese, brand and all
        title_zh = title_zh.replace(f"{brand} ", brand, 1)
        return title_zh, title_en, title_zh
    return title_en, title_en, title_zh


def product_specs(count: int) -> Iterator[ProductSpec]:
    """The first ``count`` demo products, the same on every machine and every run.

    Product ``n`` belongs to merchant ``n % 3`` and category ``(n // 3) % 8``; within one
    merchant and category the k-th product takes the k-th (brand, item) pair, then the
    same pairs in the next edition, so no two products share a title.
    """
    rates = _display_rates_from_cny()
    for n in range(count):
        merchant, _name, country, currency, _email = MERCHANTS[n % len(MERCHANTS)]
        spec_index = (n // len(MERCHANTS)) % len(CATEGORIES)
        breadcrumb, consumption_tax, cbec, items = CATEGORIES[spec_index]
        k = n // (len(MERCHANTS) * len(CATEGORIES))  # k-th product of this merchant here
        brands = BRANDS[country]
        pairs = len(brands) * len(items)
        item_en, item_zh, price_cny, hs_code, weight = items[(k % pairs) % len(items)]
        brand = brands[(k % pairs) // len(items)]
        title, title_en, title_zh = _titles(
            country=country,
            brand=brand,
            item_en=item_en,
            item_zh=item_zh,
            edition=k // pairs,
            n=n,
        )
        price = _merchant_price(
            price_cny * PRICE_FACTORS[n * 7 % len(PRICE_FACTORS)], currency, rates
        )
        yield ProductSpec(
            upc=f"DEMO{n:06d}",
            title=title,
            description=f"{item_zh}\n\n{item_en}",
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

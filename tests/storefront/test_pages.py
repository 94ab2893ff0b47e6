"""What every page says and loads: no third-party hosts, Chinese throughout, error pages."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.test import Client, RequestFactory
from django.utils import translation

from .conftest import ACCOUNT_PATHS, shopper_paths

pytestmark = pytest.mark.django_db

LOCAL_HOSTS = {"", "testserver", "127.0.0.1", "localhost"}


class PageParser(HTMLParser):
    """Collects asset URLs and the text a reader sees (text nodes and labelling attributes)."""

    ASSET_ATTRS = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")}
    TEXT_ATTRS = {"placeholder", "aria-label", "title", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.assets: list[str] = []
        self.texts: list[str] = []
        self.styles: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if (tag, name) in self.ASSET_ATTRS and value:
                self.assets.append(value)
            if name in self.TEXT_ATTRS and value:
                self.texts.append(value)
            if name == "style" and value:
                self.styles.append(value)
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self.texts.append(attrs["value"])
        if tag in {"script", "style"}:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self.lasttag == "style" and self._skip:
            self.styles.append(data)
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def parse(response) -> PageParser:
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


def external_references(response) -> list[str]:
    parser = parse(response)
    urls = list(parser.assets)
    for css in parser.styles:
        urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", css)
        urls += re.findall(r"@import\s+['\"]([^'\"]+)", css)
    return [u for u in urls if (urlsplit(u).hostname or "") not in LOCAL_HOSTS]


def signed_in(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def all_pages(demo_shop, language):
    """(client, path) for the shopper, account, merchant and agency pages."""
    shopper = get_user_model().objects.create_user("ada", "ada@example.com", "pw-ada-123")
    anonymous = Client(HTTP_ACCEPT_LANGUAGE=language)
    pages = [(anonymous, path) for path in shopper_paths(demo_shop)]
    account = signed_in(shopper, language)
    pages += [(account, path) for path in ACCOUNT_PATHS]
    merchant = signed_in(demo_shop["merchant"], language)
    pages += [(merchant, "/dashboard/"), (merchant, "/dashboard/catalogue/")]
    pages += [(signed_in(demo_shop["agency_staff"], language), "/agency/")]
    return pages


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_page_loads_anything_from_another_host(demo_shop, language):
    for client, path in all_pages(demo_shop, language):
        response = client.get(path)
        assert response.status_code in {200, 404}, (path, response.status_code)
        assert external_references(response) == [], path


def test_the_page_layout_serves_jquery_itself():
    html = Client().get("/no-such-page/").content.decode()
    assert "googleapis" not in html
    assert re.search(r'<script src="/static/oscar/js/jquery/jquery\.min\.js">', html)


# Fragments that must never reach a Chinese reader: Oscar strings whose msgids carry
# whitespace (so they stay English unless overridden), and Oscar's wrong translations.
KNOWN_ENGLISH = [
    "Page 1 of",
    "Total:",
    "Image Not Available",
    "Cross-border goods",
    "Skincare",
    "Payment details to go here",
    "Sandbox",
]
KNOWN_WRONG_CHINESE = ["登陆", "返回的客户", "去这里", "支付细节"]


def english_ui_strings(texts: list[str]) -> list[str]:
    """Texts shown in English that the catalogues translate: an untranslated UI string.

    A text node that is itself a msgid with a Chinese translation is UI left in English;
    product names and creators' notes (not msgids) are left alone.
    """
    found = []
    with translation.override("zh-hans"):
        for text in texts:
            if re.search(r"[A-Za-z]{2}", text) and translation.gettext(text) != text:
                found.append(text)
    return found


def test_main_pages_in_chinese_have_no_english_ui(demo_shop):
    problems = {}
    for client, path in all_pages(demo_shop, "zh-hans"):
        response = client.get(path)
        texts = parse(response).texts
        text = " ".join(texts)
        bad = english_ui_strings(texts)
        bad += [s for s in KNOWN_ENGLISH + KNOWN_WRONG_CHINESE if s in text]
        if bad:
            problems[path] = bad
    assert problems == {}, "\n".join(f"{path}: {bad}" for path, bad in problems.items())


def test_category_and_country_names_are_chinese(demo_shop):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = client.get(demo_shop["category"].get_absolute_url()).content.decode()
    assert "<h1>护肤</h1>" in html and "美妆护肤" in html
    from oscar.core.loading import get_model

    Country = get_model("address", "Country")
    with translation.override("zh-hans"):
        assert str(Country.objects.get(iso_3166_1_a2="GB")) == "英国"
        assert str(Country.objects.get(iso_3166_1_a2="HK")) == "中国香港"
    with translation.override("en"):
        assert str(Country.objects.get(iso_3166_1_a2="GB")) == "United Kingdom"


def test_mobile_basket_button_and_pagination_read_as_chinese(demo_shop, settings):
    settings.OSCAR_PRODUCTS_PER_PAGE = 10
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.post(f"/basket/add/{demo_shop['product'].pk}/", {"quantity": 1}, HTTP_REFERER="/")
    html = client.get("/catalogue/").content.decode()
    assert re.search(r"第 1 页，共 \d+ 页", html)
    assert "合计：" in html  # the phone-width basket button
    assert "Total:" not in html


@pytest.mark.parametrize(
    ("language", "heading", "home"),
    [("en", "Page not found", "Go to homepage"), ("zh-hans", "页面未找到", "返回首页")],
)
def test_404_is_styled_with_a_way_back(language, heading, home):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert f"<h1>{heading}</h1>" in html
    assert home in html and 'href="/"' in html
    assert "/static/oscar/css/styles.css" in html  # the shop's layout, not a bare page
    assert 'action="/search/"' in html


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Permission denied"), ("zh-hans", "无权访问")]
)
def test_403_is_styled_with_a_way_back(language, heading):
    from django.core.exceptions import PermissionDenied
    from django.test import override_settings
    from django.urls import path

    def forbidden(request):
        raise PermissionDenied

    import commerce.urls

    urlconf = type(
        "Urls", (), {"urlpatterns": [path("forbidden/", forbidden), *commerce.urls.urlpatterns]}
    )
    with override_settings(ROOT_URLCONF=urlconf):
        response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/forbidden/")
    html = response.content.decode()
    assert response.status_code == 403
    assert f"<h1>{heading}</h1>" in html
    assert 'href="/"' in html and "/accounts/login/?next=/forbidden/" in html


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Something went wrong"), ("zh-hans", "页面出错了")]
)
def test_500_is_styled_in_the_readers_language(language, heading):
    from django.views.defaults import server_error

    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert f"<h1>{heading}</h1>" in html and 'href="/"' in html
    assert "/static/oscar/css/styles.css" in html


def test_dates_follow_the_readers_language():
    from datetime import date

    from django.template import Context, Template

    template = Template("{{ day|date }} {{ day|date:'SHORT_DATE_FORMAT' }}")
    day = date(2026, 12, 1)
    with translation.override("en"):
        assert template.render(Context({"day": day})) == "1 Dec 2026 2026-12-01"
    with translation.override("zh-hans"):
        assert template.render(Context({"day": day})).startswith("2026年12月1日")


def test_the_site_record_follows_the_settings(settings):
    from commerce.storefront.sites import site_sync_from_settings

    settings.SITE_DOMAIN, settings.SITE_NAME = "shop.example.org", "Example Shop"
    site_sync_from_settings()
    assert Site.objects.get_current().domain == "shop.example.org"
    assert Site.objects.get_current().name == "Example Shop"


def test_products_without_photos_show_a_picture_without_words(settings):
    from django.contrib.staticfiles import finders

    assert settings.OSCAR_MISSING_IMAGE_URL == "no-image.png"
    assert finders.find("oscar/img/no-image.png")


def test_plural_messages_are_chinese_for_every_count():
    # Without "Plural-Forms: nplurals=1" in our catalogue's header, gettext assumed the
    # English rule and looked up msgstr[1] for any count but 1: every plural fell back to
    # Oscar's catalogue or to English ("18 个结果." with an English full stop).
    singular = "\n                    <strong>%(num_results)s</strong> result.\n                "
    plural = "\n                    <strong>%(num_results)s</strong> results.\n                "
    with translation.override("zh-hans"):
        for count in (1, 2, 18):
            assert translation.ngettext(singular, plural, count).strip() == (
                "共 <strong>%(num_results)s</strong> 个结果。"
            )


def test_favicon_ico_leads_to_the_storefront_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/oscar/favicon.ico"

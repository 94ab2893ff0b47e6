"""Product titles, descriptions and category names per language: storefront with fallback,
search in both languages, the dashboard editing both, machine fill flagged until confirmed."""

import pytest
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_class, get_model

from tests.factories import ProductClassFactory, product_with_price

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductForm = get_class("dashboard.catalogue.forms", "ProductForm")
CategoryForm = get_class("dashboard.catalogue.forms", "CategoryForm")

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def cream(rates):
    product = product_with_price("120.00", "CNY", title="Hydrating face cream")
    product.title_zh_hans = "保湿面霜"
    product.description_en = "<p>Rich cream for dry skin.</p>"
    product.description_zh_hans = "<p>适合干性皮肤的滋润面霜。</p>"
    product.save()
    category = Category.add_root(name_en="Skincare", name_zh_hans="护肤")
    ProductCategory.objects.create(product=product, category=category)
    return product


def test_the_product_page_shows_the_readers_language(client, cream):
    english = client.get(cream.get_absolute_url()).content.decode()
    assert "Hydrating face cream" in english and "Rich cream for dry skin." in english
    assert "保湿面霜" not in english
    chinese = client.get(cream.get_absolute_url(), **ZH).content.decode()
    assert "保湿面霜" in chinese and "适合干性皮肤的滋润面霜。" in chinese
    assert "护肤" in chinese  # the category in the breadcrumb


def test_a_missing_language_falls_back_to_the_other(client, rates):
    only_chinese = product_with_price("80.00", "CNY", title="x")
    Product.objects.filter(pk=only_chinese.pk).update(title_en="", title_zh_hans="国货口红")
    page = client.get(only_chinese.get_absolute_url()).content.decode()
    assert "国货口红" in page


def test_the_original_column_keeps_a_value(cream):
    # English first: exports and Oscar's own reads of the column still find a title.
    assert Product.objects.filter(pk=cream.pk).values_list("title", flat=True).get() == (
        "Hydrating face cream"
    )
    with translation.override("zh-hans"):
        assert Product.objects.get(pk=cream.pk).title == "保湿面霜"


@pytest.mark.parametrize("query", ["面霜", "保湿", "cream", "Hydrating"])
@pytest.mark.parametrize("reader", ["en", "zh-hans"])
def test_search_finds_products_in_both_languages(client, cream, query, reader):
    response = client.get(reverse("search:search"), {"q": query}, HTTP_ACCEPT_LANGUAGE=reader)
    assert [p.pk for p in response.context["products"]] == [cream.pk]
    expected = "保湿面霜" if reader == "zh-hans" else "Hydrating face cream"
    assert expected in response.content.decode()


def test_search_finds_words_of_the_other_languages_description(client, cream):
    response = client.get(reverse("search:search"), {"q": "dry skin"}, **ZH)
    assert [p.pk for p in response.context["products"]] == [cream.pk]


# --- dashboard ------------------------------------------------------------------------------
BASE = {
    "structure": "standalone",
    "origin_country": "JP",
    "hs_code": "330499",
    "consumption_tax_rate": "0",
}


def test_the_dashboard_form_edits_both_languages():
    form = ProductForm(
        ProductClassFactory(),
        data={**BASE, "title_en": "Sheet mask", "title_zh_hans": "面膜"},
    )
    assert form.is_valid(), form.errors
    product = form.save()
    assert (product.title_en, product.title_zh_hans) == ("Sheet mask", "面膜")
    assert product.machine_translated == []


def test_a_product_needs_a_title_in_some_language():
    form = ProductForm(ProductClassFactory(), data={**BASE})
    assert not form.is_valid()


def test_machine_fill_fills_the_empty_language_and_flags_it():
    form = ProductForm(
        ProductClassFactory(),
        data={**BASE, "title_zh_hans": "保湿面霜", "machine_fill": "on"},
    )
    assert form.is_valid(), form.errors
    product = form.save()
    assert product.title_zh_hans == "保湿面霜"
    assert "cream" in product.title_en  # the glossary: "moisturizing facial cream"
    assert product.machine_translated == ["title_en"]

    # Shown flagged, with a confirmation box, until the merchant confirms.
    form = ProductForm(product.product_class, instance=product)
    assert "Machine-translated" in str(form.fields["title_en"].help_text)
    assert "confirm_translations" in form.fields
    data = {**BASE, "title_en": product.title_en, "title_zh_hans": "保湿面霜"}
    form = ProductForm(
        product.product_class, instance=product, data={**data, "confirm_translations": "on"}
    )
    assert form.is_valid(), form.errors
    assert form.save().machine_translated == []


def test_rewriting_a_machine_filled_field_confirms_it(rates):
    product = product_with_price(title="x")
    product.title_en, product.title_zh_hans = "moisturizing facial cream", "保湿面霜"
    product.machine_translated = ["title_en"]
    product.save()
    data = {**BASE, "title_en": "Hydrating cream", "title_zh_hans": "保湿面霜"}
    form = ProductForm(product.product_class, instance=product, data=data)
    assert form.is_valid(), form.errors
    assert form.save().machine_translated == []


def test_machine_fill_failure_is_a_form_error_and_changes_nothing(settings, libretranslate):
    settings.TRANSLATION_ENGINE = "libretranslate"
    libretranslate.mode = "error"
    form = ProductForm(
        ProductClassFactory(),
        data={**BASE, "title_zh_hans": "保湿面霜", "machine_fill": "on"},
    )
    assert not form.is_valid()
    assert "Machine translation failed" in form.errors["machine_fill"][0]


def test_the_dashboard_page_edits_both_languages(admin_client, cream):
    url = reverse("dashboard:catalogue-product", kwargs={"pk": cream.pk})
    response = admin_client.get(url)
    html = response.content.decode()
    assert 'name="title_en"' in html and 'name="title_zh_hans"' in html
    assert 'value="保湿面霜"' in html and 'name="machine_fill"' in html
    data = {}
    for name in ("category_formset", "image_formset", "recommended_formset", "stockrecord_formset"):
        formset = response.context[name]
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        data[f"{formset.prefix}-TOTAL_FORMS"] = len(formset.initial_forms)  # no extra rows
        for form in formset.initial_forms:
            for field_name, field in form.fields.items():
                value = form.initial.get(field_name, field.initial)
                if value is not None:
                    data[form.add_prefix(field_name)] = getattr(value, "pk", value)
    form = response.context["form"]
    for field_name in form.fields:
        value = form.initial.get(field_name)
        if field_name in ("consumption_tax_rate", "commission_rate"):
            # Rates are shown and typed as percentages (issue #13): submit what the page
            # shows ("15"), not the stored fraction.
            value = form[field_name].value()
        if value is not None and value is not False:
            data[field_name] = getattr(value, "code", value)
    data.update(title_en="Hydrating face cream", title_zh_hans="补水保湿面霜")
    response = admin_client.post(url, data)
    assert response.status_code == 302, [
        (name, response.context[name].errors)
        for name in ("form", "category_formset", "image_formset", "stockrecord_formset")
    ]
    cream.refresh_from_db()
    assert (cream.title_en, cream.title_zh_hans) == ("Hydrating face cream", "补水保湿面霜")


def test_the_category_form_edits_both_languages():
    form = CategoryForm(
        data={
            "name_en": "Make-up",
            "name_zh_hans": "彩妆",
            "_position": "first-child",
            "treebeard_position": "first-child",
            "is_public": "on",
        }
    )
    assert form.is_valid(), form.errors
    category = form.save()
    assert (category.name_en, category.name_zh_hans) == ("Make-up", "彩妆")
    with translation.override("zh-hans"):
        assert Category.objects.get(pk=category.pk).name == "彩妆"
    assert not CategoryForm(data={"treebeard_position": "first-child"}).is_valid()

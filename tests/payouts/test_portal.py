import csv
import io
import re
import zlib
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.utils import translation

from payouts.runs import payout_run_compute
from payouts.templatetags.payouts_format import figure, money
from payouts.views_portal import last_months
from tests.factories import UserFactory

from .factories import agency_make, at, creator_make, earning_make

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def world(db):
    harbour, river = agency_make(code="harbour"), agency_make(code="river")
    lily = creator_make(agency=harbour, kind="employment")
    lily.display_name, lily.id_document_type, lily.id_number = "=Lily", "居民身份证", ID_NUMBER
    # The run CSV's 姓名 is the legal name (issue #14), so it carries the formula too.
    lily.legal_name = "=Lily"
    lily.save()
    earning_make(lily, "20000.00", when=at(2026, 1, 10))
    earning_make(lily, "30000.00", when=at(2026, 2, 10))
    rose = creator_make(agency=river, kind="service")
    earning_make(rose, "5000.00", when=at(2026, 1, 10))
    harbour_jan = payout_run_compute(period="2026-01", agency=harbour)
    harbour_feb = payout_run_compute(period="2026-02", agency=harbour)
    river_jan = payout_run_compute(period="2026-01", agency=river)
    ann = UserFactory(username="ann")
    harbour.staff.add(ann)
    bob = UserFactory(username="bob")
    river.staff.add(bob)
    return {
        "harbour": harbour,
        "river": river,
        "lily": lily,
        "rose": rose,
        "harbour_jan": harbour_jan,
        "harbour_feb": harbour_feb,
        "river_jan": river_jan,
        "ann": ann,
        "bob": bob,
    }


def urls_of(run, creator):
    return [
        f"/agency/runs/{run.pk}/",
        f"/agency/runs/{run.pk}/payout.csv",
        f"/agency/runs/{run.pk}/statements/{creator.pk}/",
        f"/agency/runs/{run.pk}/statements/{creator.pk}/statement.pdf",
    ]


def test_staff_see_their_runs_and_chart(world, client):
    client.force_login(world["ann"])
    response = client.get("/agency/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"/agency/runs/{world['harbour_jan'].pk}/" in body
    assert f"/agency/runs/{world['river_jan'].pk}/" not in body
    assert "<svg" in body and "bar-gross" in body
    assert world["river"].legal_name not in body


@pytest.mark.parametrize("who", ["ann", "bob"])
def test_own_urls_answer(world, client, who):
    client.force_login(world[who])
    if who == "ann":
        run, creator = world["harbour_jan"], world["lily"]
    else:
        run, creator = world["river_jan"], world["rose"]
    for url in urls_of(run, creator):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_other_agencys_urls_are_404(world, client, index):
    client.force_login(world["bob"])
    url = urls_of(world["harbour_jan"], world["lily"])[index]
    assert client.get(url).status_code == 404
    # Own run with another agency's creator: no such line.
    client.force_login(world["ann"])
    mixed = f"/agency/runs/{world['harbour_jan'].pk}/statements/{world['rose'].pk}/"
    assert client.get(mixed).status_code == 404
    assert client.get(mixed + "statement.pdf").status_code == 404
    assert client.get(urls_of(world["river_jan"], world["rose"])[index]).status_code == 404


@pytest.mark.django_db
def test_non_staff_get_404_and_anonymous_are_sent_to_login(client, world):
    client.force_login(UserFactory(username="carl"))
    assert client.get("/agency/").status_code == 404
    for url in urls_of(world["harbour_jan"], world["lily"]):
        assert client.get(url).status_code == 404
    client.logout()
    for url in ["/agency/", *urls_of(world["harbour_jan"], world["lily"])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_run_page_shows_the_working(world, client):
    client.force_login(world["ann"])
    line = world["harbour_feb"].lines.get()
    body = client.get(f"/agency/runs/{world['harbour_feb'].pk}/").content.decode()
    # Figures formatted with Babel for the language (English here).
    with translation.override("en"):
        assert figure(line.working["already_withheld"]) in body
        assert figure(line.working["cumulative_income"]) in body
        assert money(line.tax, "CNY") in body


def test_statement_shows_the_lines_tax_in_both_languages(world, client):
    client.force_login(world["ann"])
    line = world["harbour_feb"].lines.get()
    url = f"/agency/runs/{line.run_id}/statements/{line.creator_id}/"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Payout statement" in english and "Tax withheld" in english
    assert line.tax == Decimal("570.00")
    assert '<td class="num" id="tax">CN¥570.00</td>' in english
    assert ID_NUMBER not in english and ID_NUMBER[-4:] in english
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    with translation.override("zh-hans"):
        assert translation.gettext("Payout statement") != "Payout statement"
        assert translation.gettext("Payout statement") in chinese
    assert '<td class="num" id="tax">¥570.00</td>' in chinese
    assert "Wages, resident (cumulative)" in english
    assert 'lang="zh-hans"' in chinese


def test_run_csv_streams_formula_safe_with_masked_ids(world, client):
    client.force_login(world["ann"])
    response = client.get(f"/agency/runs/{world['harbour_jan'].pk}/payout.csv")
    assert isinstance(response, StreamingHttpResponse)
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Period", "Creator", "Name"]
    assert rows[1][2] == "'=Lily"
    assert ID_NUMBER.encode() not in data and rows[1][4].endswith(ID_NUMBER[-4:])
    line = world["harbour_jan"].lines.get()
    assert rows[1][15] == str(line.tax)


def test_last_months():
    from datetime import date

    months = last_months(today=date(2026, 3, 5))
    assert months[0] == "2025-03" and months[-1] == "2026-02" and len(months) == 12


def test_statement_pdf_in_both_languages(world, client):
    client.force_login(world["ann"])
    line = world["harbour_feb"].lines.get()
    url = f"/agency/runs/{line.run_id}/statements/{line.creator_id}/statement.pdf"
    for language in ("en", "zh-hans"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    # The Chinese labels are drawn with a CJK font (scripts/system-deps.sh installs Noto CJK),
    # not as empty boxes from a Latin fallback.
    assert any(b"Noto-Sans-CJK-SC" in name for name in pdf_font_names(response.content))


def pdf_font_names(data: bytes) -> set[bytes]:
    """The fonts a PDF embeds (WeasyPrint compresses its font dictionaries)."""
    names = set()
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            text = zlib.decompress(stream.group(1))
        except zlib.error:
            continue
        names.update(re.findall(rb"/(?:BaseFont|FontName)\s*/([A-Za-z0-9+\-]+)", text))
    return names

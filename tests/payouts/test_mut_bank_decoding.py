"""Decoding uploaded bank return files (``payouts.xml_decoding``), byte by byte (issue #18).

Each case asserts the exact text and canonical UTF-8 bytes handed on, or the exact
sentence a refusal gives.
"""

import codecs

import pytest
from django.utils import translation

from payouts.xml_decoding import XmlUndecodable, xml_bytes_decode

BODY = "<Document>李丽</Document>"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refusal(data: bytes) -> str:
    with pytest.raises(XmlUndecodable) as info:
        xml_bytes_decode(data=data)
    return str(info.value)


@pytest.mark.parametrize(
    "data",
    [
        BODY.encode(),
        codecs.BOM_UTF8 + BODY.encode(),
        codecs.BOM_UTF16_LE + BODY.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + BODY.encode("utf-16-be"),
    ],
)
def test_a_file_without_declaration_is_read_by_its_bom(data):
    assert xml_bytes_decode(data=data) == (BODY, BODY.encode())


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_recognised_by_its_declaration(codec):
    text = '<?xml version="1.0" encoding="UTF-16"?>\n' + BODY
    assert xml_bytes_decode(data=text.encode(codec)) == (
        text,
        ('<?xml version="1.0" encoding="UTF-8"?>\n' + BODY).encode(),
    )


@pytest.mark.parametrize(
    "declared, codec, bom",
    [
        ("utf-16", "utf-16-le", codecs.BOM_UTF16_LE),
        ("UTF-16BE", "utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-16le", "utf-16-le", codecs.BOM_UTF16_LE),
        ("utf16", "utf-16-le", codecs.BOM_UTF16_LE),
        ("UTF-8", "utf-8", codecs.BOM_UTF8),
        ("utf8", "utf-8", b""),
    ],
)
def test_the_declared_encoding_is_rewritten_to_utf8_on_the_same_line(declared, codec, bom):
    text = f"<?xml version='1.0' encoding = '{declared}' standalone='yes'?>\n" + BODY
    decoded, canonical = xml_bytes_decode(data=bom + text.encode(codec))
    assert decoded == text
    assert (
        canonical == ("<?xml version='1.0' encoding=\"UTF-8\" standalone='yes'?>\n" + BODY).encode()
    )


def test_a_declaration_without_an_encoding_is_kept_as_it_is():
    text = '<?xml version="1.0"?>\n' + BODY
    assert xml_bytes_decode(data=text.encode()) == (text, text.encode())


def test_ascii_is_accepted_while_it_is_ascii():
    text = '<?xml version="1.0" encoding="US-ASCII"?><Document>Li</Document>'
    assert xml_bytes_decode(data=text.encode()) == (
        text,
        b'<?xml version="1.0" encoding="UTF-8"?><Document>Li</Document>',
    )
    text = '<?xml version="1.0" encoding="ascii"?><Document>Li</Document>'
    assert xml_bytes_decode(data=text.encode())[1].startswith(
        b'<?xml version="1.0" encoding="UTF-8"'
    )
    assert refusal(('<?xml version="1.0" encoding="us-ascii"?>' + BODY).encode()) == (
        "The file declares US-ASCII but has other characters."
    )


def test_utf32_is_refused():
    for bom in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE):
        assert refusal(bom + BODY.encode("utf-32-le")) == (
            "The file is UTF-32 encoded; send it as UTF-8 or UTF-16."
        )


def test_bytes_that_are_not_text_are_refused_at_their_offset_in_the_file():
    assert refusal(b"<Document>\xff</Document>") == "The file is not valid UTF-8 text (byte 10)."
    # The offset counts the byte-order mark.
    assert refusal(codecs.BOM_UTF8 + b"<a>\xc3</a>") == "The file is not valid UTF-8 text (byte 6)."
    odd = codecs.BOM_UTF16_LE + "<a>".encode("utf-16-le") + b"\x00\xd8" + b"a\x00"
    assert refusal(odd) == "The file is not valid UTF-16-LE text (byte 8)."


def test_a_declaration_that_contradicts_the_bytes_is_refused_with_both_names():
    assert refusal(('<?xml version="1.0" encoding="Utf-16"?>' + BODY).encode()) == (
        "The file declares Utf-16 but is encoded as UTF-8."
    )
    utf16 = codecs.BOM_UTF16_LE + ('<?xml version="1.0" encoding="utf-8"?>' + BODY).encode(
        "utf-16-le"
    )
    assert refusal(utf16) == "The file declares utf-8 but is encoded as UTF-16-LE."
    ascii16 = codecs.BOM_UTF16_BE + ('<?xml version="1.0" encoding="ASCII"?>' + BODY).encode(
        "utf-16-be"
    )
    assert refusal(ascii16) == "The file declares ASCII but is encoded as UTF-16-BE."


def test_another_declared_encoding_is_refused_by_name():
    assert refusal(b'<?xml version="1.0" encoding="ISO-8859-1"?><a/>') == (
        "The file declares the encoding ISO-8859-1; send it as UTF-8 or UTF-16."
    )
    assert refusal(b"<?xml version='1.0' encoding='GB18030'?><a/>") == (
        "The file declares the encoding GB18030; send it as UTF-8 or UTF-16."
    )


def test_nul_characters_are_refused():
    assert refusal(b"<a>\x00</a>") == "The file contains NUL characters, which XML never allows."
    declared = b'<?xml version="1.0" encoding="UTF-8"?><a>\x00</a>'
    assert refusal(declared) == "The file contains NUL characters, which XML never allows."


def test_only_a_declaration_at_the_very_start_counts():
    # Not a declaration (it does not open the file): nothing is rewritten.
    text = ' <?xml version="1.0" encoding="ISO-8859-1"?><a/>'
    assert xml_bytes_decode(data=text.encode()) == (text, text.encode())

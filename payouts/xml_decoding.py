"""Decoding uploaded XML files by their byte-order mark and XML declaration.

A bank return file may come as UTF-8 (with or without a BOM) or UTF-16 (with a BOM, or
without one, recognised by its ``<?`` in two bytes per character). ``xml_bytes_decode``
returns its text and the same document as canonical UTF-8 bytes (declaration rewritten to
``UTF-8`` on the same line, so the parser's line numbers still match the file). Anything
else is refused with one readable sentence (``XmlUndecodable``): another declared encoding,
a BOM that contradicts the declaration, bytes that are not valid in the encoding, NUL.
"""

from __future__ import annotations

import codecs
import re

from django.utils.translation import gettext as _

_DECLARATION = re.compile(r"""\A<\?xml[^>]{0,200}?\?>""")
_ENCODING = re.compile(r"""encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]{0,39})["']""")
_UTF8_NAMES = {"utf-8", "utf8"}
_UTF16_NAMES = {"utf-16", "utf16", "utf-16le", "utf-16be"}
_ASCII_NAMES = {"us-ascii", "ascii"}


class XmlUndecodable(ValueError):
    """The file's bytes cannot be read as UTF-8 or UTF-16 XML."""


def _sniff(data: bytes) -> tuple[str, int]:
    """(codec, BOM length) from the first bytes."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise XmlUndecodable(_("The file is UTF-32 encoded; send it as UTF-8 or UTF-16."))
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    if data.startswith(b"<\x00?\x00"):
        return "utf-16-le", 0
    if data.startswith(b"\x00<\x00?"):
        return "utf-16-be", 0
    return "utf-8", 0


def xml_bytes_decode(*, data: bytes) -> tuple[str, bytes]:
    """(text, canonical UTF-8 bytes) of an XML file; ``XmlUndecodable`` when it cannot be read."""
    codec, bom = _sniff(data)
    try:
        text = data[bom:].decode(codec)
    except UnicodeDecodeError as error:
        raise XmlUndecodable(
            _("The file is not valid %(codec)s text (byte %(at)d).")
            % {"codec": codec.upper(), "at": error.start + bom}
        ) from None
    declaration = _DECLARATION.match(text)
    if declaration:
        found = _ENCODING.search(declaration.group(0))
        declared = found.group(1).lower() if found else ""
        family = _UTF16_NAMES if codec.startswith("utf-16") else _UTF8_NAMES | _ASCII_NAMES
        if declared and declared not in family:
            if declared in _UTF8_NAMES | _UTF16_NAMES | _ASCII_NAMES:
                raise XmlUndecodable(
                    _("The file declares %(declared)s but is encoded as %(codec)s.")
                    % {"declared": found.group(1), "codec": codec.upper()}
                )
            raise XmlUndecodable(
                _("The file declares the encoding %(declared)s; send it as UTF-8 or UTF-16.")
                % {"declared": found.group(1)[:40]}
            )
        if declared in _ASCII_NAMES and not text.isascii():
            raise XmlUndecodable(_("The file declares US-ASCII but has other characters."))
        if found:
            start, end = found.span()
            head = declaration.group(0)
            text_head = head[:start] + 'encoding="UTF-8"' + head[end:]
            canonical = text_head + text[declaration.end() :]
        else:
            canonical = text
    else:
        canonical = text
    if "\x00" in text:
        raise XmlUndecodable(_("The file contains NUL characters, which XML never allows."))
    return text, canonical.encode("utf-8")

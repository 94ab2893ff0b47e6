"""ISO 20022 messages checked against the official schemas shipped in ``payouts/schemas``.

Every pain.001 we write and every pain.002 / camt.054 a bank sends back goes through
``xml_validate`` (or ``xml_document``, which also returns the parsed tree): a file the
bank would refuse, or a report we cannot trust, fails here with the first problem's line
and element path instead of half-way through an import or at the bank's counter.

The parser is locked down because return files are uploaded by people: no DTD loading, no
entity expansion, no network access, no huge-tree mode.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

SCHEMA_DIR = Path(__file__).resolve().with_name("schemas")
PAIN001 = "pain.001.001.03"
PAIN002 = "pain.002.001.03"
CAMT054 = "camt.054.001.02"
MESSAGES = (PAIN001, PAIN002, CAMT054)


def namespace(message: str) -> str:
    return f"urn:iso:std:iso:20022:tech:xsd:{message}"


class XmlInvalid(ValueError):
    """A document that is not well-formed or not valid against its message's schema."""

    def __init__(self, text: str, *, line: int | None = None, path: str = "") -> None:
        super().__init__(text)
        self.line = line
        self.path = path


# lxml schema objects are not documented as safe to share between threads (the web server
# and a Celery worker may both validate): one compiled schema per thread and message.
_local = threading.local()


def _schema(message: str) -> etree.XMLSchema:
    cache = _local.__dict__.setdefault("schemas", {})
    if message not in cache:
        cache[message] = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / f"{message}.xsd")))
    return cache[message]


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _readable_path(element) -> str:
    """``/Document/CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[2]/Amt`` for an element."""
    parts = []
    while element is not None:
        name = etree.QName(element).localname
        parent = element.getparent()
        if parent is not None:
            same = [c for c in parent if isinstance(c.tag, str) and c.tag == element.tag]
            if len(same) > 1:
                name += f"[{same.index(element) + 1}]"
        parts.append(name)
        element = parent
    return "/" + "/".join(reversed(parts))


def _parse(*, message: str, data: bytes):
    if not data or not data.strip():
        raise XmlInvalid(_("The %(message)s document is empty.") % {"message": message})
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        line = error.lineno
        raise XmlInvalid(
            _("The %(message)s document is not well-formed XML: line %(line)s: %(error)s")
            % {"message": message, "line": line, "error": error.msg},
            line=line,
        ) from error
    # ISO 20022 messages never declare a DTD; one here is at best noise, at worst an entity
    # trick (unresolved entity references also upset the schema validator).
    if root.getroottree().docinfo.doctype:
        raise XmlInvalid(
            _("The %(message)s document declares a DOCTYPE, which ISO 20022 messages never do.")
            % {"message": message},
            line=1,
        )
    return root


def _not_the_message(*, root, message: str) -> XmlInvalid:
    """The error for a document whose root is not ``message``'s Document element."""
    found = etree.QName(root)
    return XmlInvalid(
        _(
            "The document is not a %(message)s message: its root is %(found)s "
            "in namespace %(ns)s (line %(line)s)."
        )
        % {
            "message": message,
            "found": found.localname,
            "ns": found.namespace or "-",
            "line": root.sourceline,
        },
        line=root.sourceline,
        path="/" + found.localname,
    )


def message_of(*, data: bytes, expected: tuple[str, ...]) -> str:
    """Which of ``expected`` the document is, from its root's namespace; ``XmlInvalid``
    (naming the expected messages) when it is none of them or not XML."""
    names = " / ".join(expected)
    root = _parse(message=names, data=data)
    for message in expected:
        if root.tag == f"{{{namespace(message)}}}Document":
            return message
    raise _not_the_message(root=root, message=names)


def xml_document(*, message: str, data: bytes):
    """Parse ``data`` and validate it as ``message``; returns the root element.

    Raises ``XmlInvalid`` naming the first problem (line and element path).
    """
    if message not in MESSAGES:
        raise XmlInvalid(_("Unknown ISO 20022 message %(message)s.") % {"message": message})
    root = _parse(message=message, data=data)
    expected = f"{{{namespace(message)}}}Document"
    if root.tag != expected:
        raise _not_the_message(root=root, message=message)
    schema = _schema(message)
    try:
        if schema.validate(root):
            return root
    except etree.Error as error:
        raise XmlInvalid(
            _("The %(message)s document could not be validated: %(error)s")
            % {"message": message, "error": error},
        ) from error
    error = schema.error_log[0]
    found = root.getroottree().xpath(error.path) if error.path else []
    path = _readable_path(found[0]) if found else error.path
    text = error.message.replace(f"{{{namespace(message)}}}", "")
    raise XmlInvalid(
        _("The %(message)s document is not valid: line %(line)s, %(path)s: %(error)s")
        % {"message": message, "line": error.line, "path": path, "error": text},
        line=error.line,
        path=path,
    )


def xml_validate(*, message: str, data: bytes) -> None:
    """Raise ``XmlInvalid`` unless ``data`` is a valid ``message`` (e.g. ``pain.001.001.03``)."""
    xml_document(message=message, data=data)

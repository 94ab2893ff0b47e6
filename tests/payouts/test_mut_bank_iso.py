"""ISO 20022 parsing and validation (``payouts.iso20022``): exact refusals (issue #18)."""

import pytest
from django.utils import translation

from payouts.iso20022 import (
    CAMT054,
    PAIN001,
    PAIN002,
    XmlInvalid,
    message_of,
    namespace,
    xml_document,
    xml_validate,
)

NS002 = namespace(PAIN002)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def report(*statuses: str) -> bytes:
    """A pain.002 status report with one transaction per status (line 1: the declaration)."""
    rows = "".join(
        f"<TxInfAndSts><OrgnlEndToEndId>payout-transfer-{n}</OrgnlEndToEndId>"
        f"<TxSts>{status}</TxSts></TxInfAndSts>\n"
        for n, status in enumerate(statuses, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="{NS002}">\n<CstmrPmtStsRpt>\n'
        "<GrpHdr><MsgId>STS-1</MsgId><CreDtTm>2026-02-03T10:00:00</CreDtTm></GrpHdr>\n"
        "<OrgnlGrpInfAndSts><OrgnlMsgId>PB1-2026-01</OrgnlMsgId>"
        "<OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId></OrgnlGrpInfAndSts>\n"
        "<OrgnlPmtInfAndSts><OrgnlPmtInfId>PB1-2026-01</OrgnlPmtInfId>\n"
        f"{rows}</OrgnlPmtInfAndSts>\n</CstmrPmtStsRpt>\n</Document>\n"
    ).encode()


def refusal(**kwargs) -> XmlInvalid:
    with pytest.raises(XmlInvalid) as info:
        xml_document(**kwargs)
    return info.value


def test_a_valid_report_is_returned_as_its_root():
    root = xml_document(message=PAIN002, data=report("ACSC", "RJCT"))
    assert root.tag == f"{{{NS002}}}Document"
    assert xml_validate(message=PAIN002, data=report("ACSC")) is None
    assert message_of(data=report("ACSC"), expected=(PAIN002, CAMT054)) == PAIN002


def test_the_path_numbers_an_element_among_siblings_of_its_name():
    error = refusal(message=PAIN002, data=report("ACSC", "NOPE"))
    assert error.path == "/Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts/TxInfAndSts[2]/TxSts"
    assert error.line == 8
    assert str(error).startswith(
        "The pain.002.001.03 document is not valid: line 8, "
        "/Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts/TxInfAndSts[2]/TxSts: "
    )
    # The schema's namespace is dropped from the element names, nothing put in its place.
    assert "Element 'TxSts': [facet 'enumeration'] The value 'NOPE' is not an element" in str(error)
    # An only child is not numbered.
    error = refusal(message=PAIN002, data=report("NOPE"))
    assert error.path == "/Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts/TxInfAndSts/TxSts"


@pytest.mark.parametrize("data", [b"", b"  \n\t "])
def test_an_empty_document_is_refused(data):
    error = refusal(message=PAIN002, data=data)
    assert str(error) == "The pain.002.001.03 document is empty."
    assert (error.line, error.path) == (None, "")


def test_a_document_that_is_not_xml_is_refused_with_its_line():
    error = refusal(message=PAIN001, data=b"<Document>\n<a></b>\n</Document>")
    assert error.line == 2
    assert str(error).startswith("The pain.001.001.03 document is not well-formed XML: line 2: ")
    assert "mismatch" in str(error)


def test_a_doctype_is_refused_on_line_one():
    data = f'<!DOCTYPE Document>\n<Document xmlns="{NS002}"/>'.encode()
    error = refusal(message=PAIN002, data=data)
    assert str(error) == (
        "The pain.002.001.03 document declares a DOCTYPE, which ISO 20022 messages never do."
    )
    assert error.line == 1


def test_another_message_is_named_with_its_root_namespace_and_line():
    data = f'\n\n<Document xmlns="{namespace(CAMT054)}"/>'.encode()
    error = refusal(message=PAIN002, data=data)
    assert str(error) == (
        "The document is not a pain.002.001.03 message: its root is Document in namespace "
        "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02 (line 3)."
    )
    assert (error.line, error.path) == (3, "/Document")
    with pytest.raises(XmlInvalid) as info:
        message_of(data=b"<Report/>", expected=(PAIN002, CAMT054))
    assert str(info.value) == (
        "The document is not a pain.002.001.03 / camt.054.001.02 message: its root is Report "
        "in namespace - (line 1)."
    )
    assert info.value.path == "/Report"
    with pytest.raises(XmlInvalid) as info:
        message_of(data=b"", expected=(PAIN002, CAMT054))
    assert str(info.value) == "The pain.002.001.03 / camt.054.001.02 document is empty."


def test_an_unknown_message_is_refused_by_name():
    error = refusal(message="pain.008.001.02", data=report("ACSC"))
    assert str(error) == "Unknown ISO 20022 message pain.008.001.02."


def test_a_document_nested_deeper_than_the_parser_allows_is_refused():
    deep = f'<Document xmlns="{NS002}">'.encode() + b"<a>" * 300 + b"</a>" * 300 + b"</Document>"
    error = refusal(message=PAIN002, data=deep)
    assert str(error).startswith("The pain.002.001.03 document is not well-formed XML: line 1: ")
    assert "Excessive depth in document" in str(error)

"""Text made safe for the file it is written into: spreadsheet and CSV cells, and any XML document.

Every writer of a spreadsheet or CSV calls `spreadsheet_cell`/`csv_cell` on each value; every writer of an XML
document (DOCX, XLSX, the PDF's paragraph markup) calls `xml_legible` on each text.
"""

import re

# A cell beginning with one of these is read as a formula by Excel, LibreOffice or Google Sheets (OWASP, "CSV
# Injection"); tab and carriage return because some programs drop them and then read what follows.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# XML 1.0 allows tab, line feed and carriage return and nothing else below U+0020, nor U+FFFE, U+FFFF or lone
# surrogates. Word writes a manual line break as a vertical tab and a page break as a form feed: those become line
# breaks; anything else becomes U+FFFD, so that a reader sees something was there instead of it vanishing.
_LINE_BREAKS = re.compile("[\x0b\x0c]")
_ILLEGAL_IN_XML = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_legible(text):
    """`text` with the characters XML 1.0 cannot hold replaced, as a string."""
    return _ILLEGAL_IN_XML.sub("\ufffd", _LINE_BREAKS.sub("\n", str(text)))


def neutralise_formula(value):
    """A text that a spreadsheet would run as a formula, prefixed with a single quote; anything else unchanged.

    Numbers stay numbers (a negative progress figure is not a formula); only text is ever prefixed.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_cell(value):
    """A value as written into a CSV file."""
    return neutralise_formula(value)


def spreadsheet_cell(value):
    """A value as written into an XLSX cell: legible XML and never a formula."""
    if isinstance(value, str):
        return neutralise_formula(xml_legible(value))
    return value

"""What a text becomes in a spreadsheet or CSV cell, and in an XML document: the one place every writer goes through."""

import pytest

from reports.cells import csv_cell, neutralise_formula, spreadsheet_cell, xml_legible


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_text_a_spreadsheet_would_run_is_quoted(text):
    assert neutralise_formula(text) == csv_cell(text) == spreadsheet_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-5, -2.5, 0, 40, None, "Mapping under way.", " =1", "'=1", "a=1", ""])
def test_numbers_and_harmless_texts_are_left_alone(value):
    assert neutralise_formula(value) == csv_cell(value) == spreadsheet_cell(value)
    assert neutralise_formula(value) is value


def test_word_line_breaks_become_line_breaks_and_other_control_characters_a_visible_mark():
    assert xml_legible("one\x0btwo\x0cthree\x01four\x1ffive\ufffe") == "one\ntwo\nthree\ufffdfour\ufffdfive\ufffd"
    assert xml_legible("tab\tline\ncarriage\r") == "tab\tline\ncarriage\r"


def test_a_spreadsheet_cell_is_legible_and_then_neutral():
    assert spreadsheet_cell("=1\x0b2") == "'=1\n2"

"""The council's own words on its context, services and oversight (elements A4, A7, A8, G7
and A12): the optional ``context``, ``early_help``, ``financial_context``, ``services`` and
``governance`` keys of the local ``statement.yaml``, read and checked, and where the
whole-statement document shows them (or says none were given)."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from markupsafe import escape

from factories import write_statement_file

from sufficiency_lib.local import statement_file
from sufficiency_lib.site import document

CODE = "E06000031"
NEW_KEYS = ("context", "early_help", "financial_context", "services", "governance")
#: Each key's heading in the document and the plain line shown when it is not given.
SHOWN = {"context": ("The current context", "No account of the current context"),
         "early_help": ("Early help and support on the edge of care", "No account of the council's early help"),
         "financial_context": ("The council's finances and priorities",
                               "No account of the council's financial position and corporate priorities"),
         "services": ("Services that keep homes stable and help children return home",
                      "No account of what the council's services for placement stability"),
         "governance": ("Oversight and working with other councils",
                        "No account of who oversees this statement and its plan")}
#: The section of the document each key is shown in (by its heading's id).
SECTION = {"context": "local-context", "early_help": "local-context", "financial_context": "local-context",
           "services": "plan", "governance": "governance"}


# --- reading the file ------------------------------------------------------------------------------

def test_the_context_and_services_keys_are_read_as_paragraphs(tmp_path):
    write_statement_file(tmp_path, "context: |\n  Covid-19 closed courts\n  for months.\n\n  Referrals rose after.\n"
                     "early_help: Family Safeguarding began in 2019.\n"
                     "financial_context: |\n  We must save 57 million pounds.\n\n  Seven priorities.\n"
                     "services: |\n  The reunification team worked with 40 families.\n")
    found = statement_file.load(tmp_path, authority=CODE)
    assert found.problems == ()
    assert found.context == ("Covid-19 closed courts for months.", "Referrals rose after.")
    assert found.early_help == ("Family Safeguarding began in 2019.",)
    assert found.financial_context == ("We must save 57 million pounds.", "Seven priorities.")
    assert found.services == ("The reunification team worked with 40 families.",)


def test_the_new_keys_are_optional_and_empty_when_not_given(tmp_path):
    write_statement_file(tmp_path, "foreword: Hello.\n")
    found = statement_file.load(tmp_path)
    assert found.foreword == ("Hello.",) and found.problems == ()
    assert all(getattr(found, key) == () for key in NEW_KEYS)


@pytest.mark.parametrize("key", NEW_KEYS)
@pytest.mark.parametrize("value", ["[one, two]", "12", "''", "{a: b}"])
def test_a_new_key_that_is_not_text_is_a_problem_naming_file_key_and_fix_never_raised(tmp_path, key, value):
    path = write_statement_file(tmp_path, f"{key}: {value}\n")
    with pytest.raises(statement_file.StatementFileError) as err:
        statement_file.read(path, CODE)
    message = str(err.value)
    for words in (str(path), f"key '{key}' must be text", f"'{key}: |'", "or remove the key"):
        assert words in message
    found = statement_file.load(tmp_path, authority=CODE)
    assert found == statement_file.StatementFile(problems=(message,))


@pytest.mark.parametrize("typo, meant", [("early-help", "early_help"), ("finance_context", "financial_context"),
                                         ("service", "services"), ("contexts", "context"),
                                         ("governence", "governance")])
def test_a_misspelt_key_suggests_the_one_meant(tmp_path, typo, meant):
    path = write_statement_file(tmp_path, f"{typo}: Some words.\n")
    with pytest.raises(statement_file.StatementFileError, match=f"unknown key '{typo}'; did you mean '{meant}'"):
        statement_file.read(path)


def test_the_params_may_give_the_new_keys_and_the_local_file_wins_key_by_key(tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("new_la_code: E06000031\nstatement:\n  context: From the params.\n"
                      "  services: Params services.\n")
    write_statement_file(tmp_path / "local", "services: Local services.\n")
    found = statement_file.load(tmp_path / "local", params, CODE)
    assert (found.context, found.services) == (("From the params.",), ("Local services.",))


# --- shown in the document -----------------------------------------------------------------------

def _render(local: statement_file.StatementFile) -> str:
    """The document's template with two chapters (the plan and one more), no figures."""
    chapters = [{"slug": "summary", "title": "Executive summary", "number": "", "body": "<p>Summary.</p>",
                 "about": ""},
                {"slug": "plan", "title": "Our plan and progress", "number": "", "body": "<p>Plan body.</p>",
                 "about": ""},
                {"slug": "children_in_care", "title": "Children in care", "number": "1",
                 "body": "<p>Chapter one.</p>", "about": ""}]
    return document._environment().get_template(document.TEMPLATE).render(
        la_name="Toyshire", code=CODE, year=2025, synthetic=False, has_return=True, made_on=dt.date(2025, 10, 1),
        local=local, context=["Toyshire is in the East of England region."], chapters=chapters, methods=[],
        quality={"body": "", "about": ""}, glossary=(), tables=[], chapter_pages=[])


def _sections(text: str) -> dict[str, str]:
    """The text of each top-level section by its heading's id, tags removed."""
    found = re.findall(r'<section class="part[^"]*">\s*<h1 id="([^"]+)"(.*?)</section>', text, re.S)
    return {anchor: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split()) for anchor, body in found}


def test_the_document_shows_each_text_in_its_place_marked_illustrative(tmp_path):
    write_statement_file(tmp_path, "illustrative: true\ncontext: Covid words.\nearly_help: Edge of care words.\n"
                     "financial_context: Money words.\nservices: |\n  Reunification words.\n\n  Second.\n")
    sections = _sections(_render(statement_file.load(tmp_path)))
    local, plan = sections["local-context"], sections["plan"]
    warning = "Illustrative text for the demonstration: these are not the council's words."
    assert local.index("East of England") < local.index("The current context Illustrative text") \
        < local.index("Covid words.") < local.index("Early help and support on the edge of care") \
        < local.index("Edge of care words.") < local.index("The council's finances and priorities") \
        < local.index("Money words.")
    assert local.count(warning) == 3
    assert plan.index("Plan body.") < plan.index(SHOWN["services"][0]) < plan.index(warning) \
        < plan.index("Reunification words. Second.")
    for other in ("summary", "children_in_care", "foreword"):
        assert "Reunification words" not in sections[other] and "Covid words" not in sections[other]
    assert not any(line for _, line in SHOWN.values() if line in local + plan)


def test_the_document_says_plainly_when_a_text_was_not_given(tmp_path):
    text = _render(statement_file.StatementFile())
    sections = _sections(text)
    for key, (heading, none_given) in SHOWN.items():
        where = sections[SECTION[key]]
        assert f"{heading} {none_given}" in where, key
        assert re.search(rf'<p class="none-given">{re.escape(str(escape(none_given)))}', text), key
    assert "Illustrative" not in text
    # the headings are in the contents (second level), not new parts of the document
    assert 'id="current-context"' in text and 'id="services"' in text


def test_text_that_is_not_illustrative_carries_no_warning(tmp_path):
    write_statement_file(tmp_path, "early_help: Family group conferences for every family at risk.\n")
    local = _sections(_render(statement_file.load(tmp_path)))["local-context"]
    assert "Family group conferences for every family at risk." in local and "Illustrative" not in local


def test_hand_typed_dates_and_mistyped_words():
    import datetime as dt

    from sufficiency_lib.local.values import as_date, did_you_mean
    assert as_date(dt.datetime(2025, 9, 30, 10)) == as_date("2025-09-30 ") == as_date(dt.date(2025, 9, 30))
    assert as_date("30/09/2025") is None and as_date(None) is None
    assert did_you_mean("forword", ("foreword", "contact")) == "did you mean 'foreword'? "
    assert did_you_mean("zzz", ("foreword", "contact")) == ""

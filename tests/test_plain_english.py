"""The plain-English rules on tiny hand-made pages: each rule catches what it names and
leaves alone what is allowed (rates in a table, the page's opening line, the annex's methods)."""
from sufficiency_lib.site import plain_english

ANNEX = '<h2>About these figures</h2><p>The ETS model was backtested on a rolling origin.</p>'


def _page(folder, name, body, annex=ANNEX):
    (folder / name).write_text(f"<html><body>{body}{annex}</body></html>", encoding="utf-8")


def test_each_rule_catches_its_breach_in_the_body(tmp_path):
    _page(tmp_path, "placements.html", "<p>We had 705.0 children, see metrics.py and the ifa_share. "
                                       "The budget was £25,026,954. The naive model DISAGREES. "
                                       "An occupancy of nan%. None recorded.</p>")
    rules = {(rule, hit) for _, rule, hit in plain_english.problems(tmp_path)}
    assert rules == {("a count with a decimal point in the body", "705.0"),
                     ("code or file name in the body", "metrics.py"), ("code or file name in the body", "ifa_share"),
                     ("money to the pound in the body", "£25,026,954"), ("model jargon in the body", "naive"),
                     ("an internal check in the body", "DISAGREES"), ("a missing figure printed in the body", "nan")}


def test_a_rate_in_a_table_and_methods_in_the_annex_are_allowed(tmp_path):
    table = "<table><tr><th>Per 10,000</th></tr><tr><td>31.0</td></tr><tr><td>42.5</td></tr></table>"
    _page(tmp_path, "provision.html", f"<p>That is 42.5 places per 10,000 against 31 for England.</p>{table}")
    assert plain_english.problems(tmp_path) == []
    _page(tmp_path, "provision.html", "<p>That is 42.5 places per 10,000 against 31.0 for England.</p>")
    assert [hit for *_, hit in plain_english.problems(tmp_path)] == ["31.0"]


def test_a_sentence_in_two_chapters_is_caught_but_not_the_opening_line(tmp_path):
    opening = '<p class="page-intro"><strong>Toyshire</strong> (E1), year ending 31 March 2025. Figures from ' \
              "the council's children looked after return, made for this demonstration only.</p>"
    shared = "<p>No challenge was found in these figures, and no actions are recorded for them.</p>"
    _page(tmp_path, "placements.html", opening + shared)
    _page(tmp_path, "population.html", opening + shared)
    _page(tmp_path, "statement.html", opening + shared)      # the whole document repeats by design
    assert plain_english.problems(tmp_path) == [
        ("population", "sentence also in placements",
         "No challenge was found in these figures, and no actions are recorded for them.")]


def test_a_sentence_twice_on_one_page_is_caught_once(tmp_path):
    said = "<p>No actions have been recorded for 2025 or any year before it.</p>"
    _page(tmp_path, "summary.html", said + "<h2>Summary of findings</h2>" + said + said)
    assert plain_english.problems(tmp_path) == [
        ("summary", "sentence twice on the page", "No actions have been recorded for 2025 or any year before it.")]
    _page(tmp_path, "summary.html", said + "<p>No actions have been recorded for 2024 or any year before it.</p>")
    assert plain_english.problems(tmp_path) == []

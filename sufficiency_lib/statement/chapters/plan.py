"""Our plan and progress: how the action tables read, what the previous plan said and how its
measures have moved ("we said, we did"), the plan for the statement's year with owners and
dates, and the recommendations of every chapter brought together by area.

Actions, owners, dates, measures and statuses are the council's record
(:mod:`sufficiency_lib.local.actions`); only the movement of each measure is computed
(:mod:`sufficiency_lib.analysis.progress`). Anything the record marks as illustrative is
printed as "illustrative, not the council's decision".
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from sufficiency_lib.analysis import findings as findings_mod
from sufficiency_lib.analysis import progress
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.local.actions import ILLUSTRATIVE, MEASURES, UP, Action, Actions
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.blocks import Block, message
from sufficiency_lib.statement.chapter import Chapter
from sufficiency_lib.vocabulary import unit_axis_label
from sufficiency_lib.wording import in_sentence

NOT_RECORDED = "Not recorded"
RECORD = "The council's record of its actions"

#: What each column of the action tables holds, and where it comes from (element A9).
READING = [
    ("Area", "The part of placement sufficiency the row is about, such as fostering or care leavers.",
     "The statement's focus areas"),
    ("Challenges and gaps found", "What the figures show needs an answer.",
     "Found in the figures by the rules set out in each chapter"),
    ("Actions required", "What the council will do about it.", "The council's decision"),
    ("Intended impact", "What should change for children if the actions work.", "The council's decision"),
    ("Owner", "Who leads the action.", "The council's decision"),
    ("Due", "When the action should be done.", "The council's decision"),
    ("Measure", "The figure the action should move, and the way it should move.",
     "The council's choice, from figures this statement computes every year"),
    ("Status", "Not started, on track, delayed, done or dropped.", "The council's record"),
]


def _date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else NOT_RECORDED


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _some(n: int) -> str:
    return f"{n:,}" if n else "none"


def _marked(text: str, action: Action, said: Actions) -> str:
    """A value the record marks as illustrative, marked so on the page."""
    return f"{text} ({ILLUSTRATIVE})" if text and (action.illustrative or said.illustrative) else text


def _status(action: Action, year: int) -> str:
    status = action.status.capitalize() if action.status else NOT_RECORDED
    return f"{status} (due date passed)" if progress.due_passed(action, year) else status


def _measure_text(key: str, wanted: str) -> str:
    label = MEASURES[key].label
    return f"{label[0].upper()}{label[1:]}, wanted {'up' if wanted == UP else 'down'}"


def reading() -> Block:
    """How the action tables read: focus area, challenges, actions and impact (element A9)."""
    frame = pd.DataFrame(READING, columns=["column", "holds", "source"])
    table = t.Table("action_table_columns", "How to read the action tables", RECORD + "; the statement's rules",
                    [t.text("column", "Column"), t.text("holds", "What it holds"),
                     t.text("source", "Where it comes from")], frame)
    return Block("reading", [
        "Each chapter ends with a summary of findings set out as the council's action tables are: for each focus "
        "area, the challenges and gaps found, the actions required and the impact intended.",
        "The challenges are found in the figures; the actions, who leads them, when they are due, the figure each "
        "should move and how far each has got are the council's decisions, recorded for each statement year."],
        table)


def problems(facts: Facts) -> Block | None:
    """What could not be read in the council's record of actions, and so is left out."""
    records = [a for a in (facts.actions, facts.actions.previous) if a is not None]
    found = list(dict.fromkeys(p for a in records for p in a.plain_problems))
    if not found:
        return None
    return Block("problems", ["Part of the council's record of actions could not be read, so it is left out of "
                              "this statement:", *found])


def _recorded(action: Action, record: Actions, year: int) -> dict:
    """An action's owner, due date and status as the page shows them, marked where illustrative."""
    status = _status(action, year)
    return {"owner": _marked(action.owner, action, record) or NOT_RECORDED,
            "due": _marked(_date(action.due), action, record) if action.due else NOT_RECORDED,
            "status": _marked(status, action, record) if action.status else status}


def _we_said_frame(rows: list[progress.Progress], said: Actions, year: int) -> pd.DataFrame:
    out = []
    for row in rows:
        measure = _marked(_measure_text(row.key, row.wanted), row.action, said) if row.key else "None recorded"
        out.append({"area": row.action.area, "action": row.action.text, **_recorded(row.action, said, year),
                    "measure": measure, "then": _value(row.then, row), "now": _value(row.now, row),
                    "movement": row.words(), "then_value": _number(row.then), "now_value": _number(row.now),
                    "change": row.change if row.change is not None else "", "unit": _unit(row)})
    return pd.DataFrame(out)


def _value(value: progress.Value | None, row: progress.Progress) -> str:
    if value is None:
        return ""
    if value.number is None:
        return "c" if value.reason == progress.SUPPRESSED else "x"
    return progress.value_text(value.number, row.measure.unit)


def _number(value: progress.Value | None):
    if value is None:
        return ""
    return value.number if value.number is not None else ("c" if value.reason == progress.SUPPRESSED else "x")


def _unit(row: progress.Progress) -> str:
    return unit_axis_label(row.measure.unit) if row.key else ""


def _we_said_sentences(rows: list[progress.Progress], said: Actions, facts: Facts) -> list[str]:
    actions = list(dict.fromkeys(r.action for r in rows))
    areas = list(dict.fromkeys(a.area for a in actions))
    ran = f", to run to {said.until}," if said.until else ""
    sentences = [f"The plan recorded for {said.year}{ran} set {_plural(len(actions), 'action')} in "
                 f"{_plural(len(areas), 'area')}. The table shows each with its owner, due date and status as "
                 f"recorded, and how the figure it should move has changed from {said.year} to {facts.year}."]
    measured = [r for r in rows if r.key]
    if measured:
        counts = progress.tally(rows)
        parts = [f"{n:,} {words}" for words, n in (("moved the way wanted", counts[progress.WANTED]),
                                                     ("moved the other way", counts[progress.NOT_WANTED]),
                                                     ("did not change", counts[progress.NO_CHANGE]),
                                                     ("cannot be told, as a figure is suppressed or not available",
                                                      counts[progress.NOT_KNOWN])) if n]
        with_measure = len({r.action for r in measured})
        listed = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]
        sentences.append(f"Of these, {_plural(with_measure, 'action')} {'names' if with_measure == 1 else 'name'} "
                         f"a figure this statement computes ({_plural(len(measured), 'measure')} in all): "
                         f"{listed}.")
    unmeasured = len(actions) - len({r.action for r in measured})
    if unmeasured:
        others = "The other action names" if unmeasured == 1 else f"The other {unmeasured:,} actions name"
        sentences.append(f"{others} no measure, so how far {'it has' if unmeasured == 1 else 'they have'} got is for "
                         "the council to report."
                         if measured else "None of them names a measure, so how far they have got is for the "
                                          "council to report.")
    if not any(a.status for a in actions):
        sentences.append("No status has been recorded for any of them.")
    return sentences


def we_said(facts: Facts, rows: list[progress.Progress]) -> Block:
    """The previous plan's actions with their status and how each measure has moved (A6)."""
    said = facts.actions.previous
    if said is not None and not rows:
        return message("we_said", f"The plan recorded for {said.year} could not be read, so its progress cannot be "
                                  "reported here: see what was wrong above.")
    if said is None:
        return message("we_said", f"No earlier plan of actions has been recorded for {facts.name}, so there is no "
                                  "progress to report against one. Recording each statement's actions, with an "
                                  "owner, a due date, a measure and a status, lets the next statement say what was "
                                  "done.")
    frame = _we_said_frame(rows, said, facts.year)
    source = f"{RECORD} ({said.year}); figures: {facts.source}"
    caption = f"We said, we did: the actions of the {said.year} plan and their measures, {facts.name}"
    page = t.Table("", caption, source, [
        t.text("area", "Area"), t.text("action", "Action"), t.text("owner", "Owner"), t.text("due", "Due"),
        t.text("status", "Status"), t.text("measure", "Measure"), t.text("then", str(said.year)),
        t.text("now", str(facts.year)), t.text("movement", "Movement")], frame)
    saved = t.Table("we_said_we_did", caption, source, [
        t.text("area", "Area"), t.text("action", "Action"), t.text("owner", "Owner"), t.text("due", "Due"),
        t.text("status", "Status"), t.text("measure", "Measure"), t.text("unit", "Unit of the measure"),
        t.text("movement", "Movement"), t.number("then_value", f"Value in {said.year}"),
        t.number("now_value", f"Value in {facts.year}"), t.number("change", "Change")], frame)
    notes = ["A measure moving the way wanted does not by itself show that the action caused it: other things "
             "move these figures too. Figures are as this statement shows them (c: suppressed to protect "
             "children's privacy; x: not available)."]
    if said.illustrative:
        notes.insert(0, f"Everything in this table is {ILLUSTRATIVE}.")
    elif any(a.illustrative for a in {r.action for r in rows}):
        notes.insert(0, f"Values marked '{ILLUSTRATIVE}' were added to show how progress is reported; the "
                        "actions' words are the council's.")
    return Block("we_said", _we_said_sentences(rows, said, facts), page, None, notes, [saved])


def _plan_frame(plan: Actions, year: int) -> pd.DataFrame:
    rows = []
    for action in plan.entries:
        measures = "; ".join(_measure_text(k, w) for k, w in action.measures) or "None recorded"
        rows.append({"area": action.area, "action": action.text, **_recorded(action, plan, year),
                     "measure": _marked(measures, action, plan) if action.measures else measures,
                     "impact": action.impact})
    return pd.DataFrame(rows, columns=["area", "action", "owner", "due", "measure", "status", "impact"])


def plan(facts: Facts) -> Block:
    """The plan for the statement's year, with owners and dates (A11); says so when there is none."""
    current, year = facts.actions, facts.year
    if current.path is None or not current.entries:
        return message("plan", f"No action plan has been recorded for {year}. The actions are the council's to "
                               "decide: for each area, what will be done, who leads it, by when, the figure it "
                               "should move and the impact intended. Until they are recorded, each chapter's "
                               "summary of findings lists its challenges with no action against them.")
    frame = _plan_frame(current, year)
    own = current.is_for(year)
    caption = f"Action plan {'for' if own else 'recorded for'} {current.year if not own else year}, {facts.name}"
    table = t.Table("action_plan", caption, f"{RECORD} ({current.year})", [
        t.text("area", "Area"), t.text("action", "Action"), t.text("owner", "Owner"), t.text("due", "Due"),
        t.text("measure", "Measure"), t.text("status", "Status"), t.text("impact", "Intended impact")], frame)
    actions = current.entries
    owners, dated, measured = (sum(bool(a.owner) for a in actions), sum(a.due is not None for a in actions),
                               sum(bool(a.measures) for a in actions))
    sentences = [f"The plan sets {_plural(len(actions), 'action')} in "
                 f"{_plural(len({a.area for a in actions}), 'area')}: {_some(owners)} "
                 f"{'have' if owners > 1 else 'has'} an owner, {_some(dated)} a due date and {_some(measured)} a "
                 "measure the next statement will follow."]
    if not own:
        runs = f"runs to {current.until}" if current.until else "stands until a new one is recorded"
        sentences.insert(0, f"No new plan has been recorded for {year}: the plan recorded for {current.year} "
                            f"{runs}.")
    notes = [f"Everything in this plan is {ILLUSTRATIVE}."] if current.illustrative else []
    return Block("plan", sentences, table, None, notes)


_OUTCOME_WORDS = {progress.WANTED: "moved the way wanted", progress.NOT_WANTED: "moved the other way",
                  progress.NO_CHANGE: "unchanged", progress.NOT_KNOWN: "not known (figure suppressed or not available)"}


def _progress_by_area(rows: list[progress.Progress]) -> dict[str, str]:
    by_area: dict[str, list[progress.Progress]] = {}
    for row in rows:
        by_area.setdefault(row.action.area, []).append(row)
    words = {}
    for area, found in by_area.items():
        counts = [(k, n) for k, n in progress.tally(found).items() if n]
        words[area] = (", ".join(f"{n:,} {_OUTCOME_WORDS[k]}" for k, n in counts) if counts
                       else "No measure recorded")
    return words


def recommendations(facts: Facts, found: list, rows: list[progress.Progress]) -> Block:
    """Every chapter's challenges by area beside the actions recorded for the year (A10)."""
    frame = findings_mod.summary_table(found, facts.actions.table, None)
    if frame.empty:
        return message("recommendations", "No challenge was found in the figures and no actions are recorded, so "
                                          "there is no recommendation to bring together.")
    frame = frame.set_axis(["area", "challenges", "actions", "impact"], axis=1)
    columns = [t.text("area", "Area"), t.text("challenges", "Challenges and gaps found"),
               t.text("actions", "Actions required"), t.text("impact", "Intended impact")]
    said = facts.actions.previous
    if said is not None and rows:
        by_area = _progress_by_area(rows)
        frame = frame.assign(progress=[by_area.get(a, "") for a in frame["area"]])
        columns.append(t.text("progress", f"Measures of the {said.year} plan"))
    caption = f"Recommendations by area, {facts.name}, {facts.year}"
    table = t.Table("recommendations", caption, "Challenges: the statement's rules; actions and impact: "
                    f"{in_sentence(RECORD)}", columns, frame)
    sentence = ("The challenges found in every chapter, by area, beside the actions and impact recorded for the "
                f"year{' and how the measures of the previous plan have moved' if 'progress' in frame else ''}.")
    return Block("recommendations", [sentence, _whose_actions(facts)], table)


def _whose_actions(facts: Facts) -> str:
    current, year = facts.actions, facts.year
    if current.is_for(year):
        return f"The actions and impact are those the council recorded for {year}."
    if current.path is not None:
        return f"No actions have been recorded for {year} yet: those shown were recorded for {current.year}."
    return f"No actions have been recorded for {year}, so none is shown against the challenges."


def story(facts: Facts, rows: list[progress.Progress]) -> Block:
    """The chapter's opening: what it covers, and the plain state of the record."""
    said, year = facts.actions.previous, facts.year
    sentences = ["This chapter sets out how the council's action tables read, what its last plan said and how the "
                 "figures that plan aimed to move have changed, and the actions for this statement."]
    if said is None and facts.actions.path is None:
        sentences.append(f"No action plan has been recorded for {facts.name}, for {year} or any year before it.")
    elif said is not None and any(r.key for r in rows):
        moved = progress.tally(rows)
        sentences.append(f"Of the {_plural(sum(moved.values()), 'measure')} of the {said.year} plan, "
                         f"{moved[progress.WANTED]:,} moved the way wanted and {moved[progress.NOT_WANTED]:,} the "
                         f"other way by {year}.")
    elif said is not None:
        sentences.append(f"The {said.year} plan named no figure for its actions to move.")
    return Block("story", sentences)


def build(facts: Facts, found_by_chapter: dict[str, list]) -> Chapter:
    """The chapter, with every chapter's findings for the recommendations; its own summary of
    findings holds the measures that moved against the way the previous plan wanted."""
    found = [f for chapter in found_by_chapter.values() for f in chapter]
    rows = progress.we_said(facts, facts.actions.previous)
    against = progress.challenges(rows)
    blocks = {"story": story(facts, rows), "reading": reading(), "problems": problems(facts),
              "we_said": we_said(facts, rows), "plan": plan(facts),
              "recommendations": recommendations(facts, found, rows)}
    return Chapter(facts, "plan", blocks, against, areas=list(dict.fromkeys(f.area for f in against)))

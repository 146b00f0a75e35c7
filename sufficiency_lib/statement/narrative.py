"""Sentences that read the numbers, generated from tables rather than typed in notebooks."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sufficiency_lib.analysis.trends import percent_change
from sufficiency_lib.wording import decimal_text, half_up, in_sentence, money_text, year_span


def count_text(value, sign: bool = False) -> str:
    """A count as a sentence shows it: thousands commas, ``c`` when suppressed (missing)."""
    if value is None or pd.isna(value):
        return "c"
    return f"{half_up(value):+,.0f}" if sign else f"{half_up(value):,.0f}"


def direction(change: float, steady_within: float = 0.5) -> str:
    """'rose', 'fell' or 'was unchanged' for a percentage change."""
    if abs(change) < steady_within:
        return "was unchanged"
    return "rose" if change > 0 else "fell"


def describe_trend(series: pd.Series, subject: str, unit: str = "") -> str:
    """One sentence on the latest value, the change on last year and over the whole series.

    ``series`` is indexed by year, oldest first. Percentages are whole numbers, as DfE
    publishes them; a change from 0 is said as such, having no percentage.
    """
    series = series.dropna()
    if series.empty:
        return f"No figures are available for {subject}."
    years, values = list(series.index), list(series.to_numpy())
    latest = f"{half_up(values[-1]):,.0f}{unit}"
    if len(values) == 1:
        return f"At 31 March {years[-1]}, {subject} was {latest}."
    sentence = (f"At 31 March {years[-1]}, {subject} was {latest}; "
                f"it {_moved(values[-1], values[-2], years[-2], unit)}")
    if len(values) > 2:
        sentence += f" and {_moved(values[-1], values[0], years[0], unit, since=True)}"
    return sentence + "."


def _moved(now: float, before: float, year: int, unit: str, since: bool = False) -> str:
    """'rose 10% on 2020', 'fell 4% since 2019 (500)'; from 0, 'rose from 0 in 2020'."""
    if before == 0:
        return f"was also 0{unit} in {year}" if now == 0 else f"rose from 0{unit} in {year}"
    change = percent_change(now, before)
    size = f" {half_up(abs(change)):.0f}%" if abs(change) >= 0.5 else ""
    return direction(change) + size + (f" since {year} ({half_up(before):,.0f}{unit})" if since else f" on {year}")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def compare_word(value: float, reference: float, significance: str = "") -> str:
    """'higher than', 'lower than' or 'similar to': by the interval when one is given
    (``significance`` from benchmark.compare), else by the rounded values. A difference the
    interval puts within chance is 'not clearly lower than' where the two read apart (47%
    against 54% is not 'similar'), 'similar to' where they read alike."""
    if significance in ("higher", "lower"):
        return f"{significance} than"
    if half_up(value) == half_up(reference):
        return "similar to"
    if significance == "similar":
        return f"not clearly {'higher' if value > reference else 'lower'} than"
    return "higher than" if value > reference else "lower than"


def describe_benchmark(row: pd.Series, subject: str, unit: str = "", polarity: str = "neutral") -> str:
    """One or two sentences placing the authority's latest figure against England, its
    statistical neighbours and its rank, from a row of :func:`benchmark.benchmark_table`."""
    if pd.isna(row["value"]):
        return f"The figure for {subject} in {row['time_period']} is not available or is suppressed."
    value = float(row["value"])
    text = f"In {row['time_period']}, {subject} was {half_up(value):,.0f}{unit}"
    comparisons = []
    if not pd.isna(row["england"]):
        tested = row.get("england_tested", np.nan)     # England's share, where its rounding would mislead
        published = f"{half_up(float(row['england'])):,.0f}{unit}"
        england = published if pd.isna(tested) else (f"{half_up(float(tested), 1):,.1f}{unit} from DfE's counts, "
                                                     f"which DfE publishes, rounded, as {published}")
        comparisons.append(f"{compare_word(value, float(row['england']), row.get('vs_england', ''))} "
                           f"England ({england})")
    if not pd.isna(row["sn_mean"]):
        comparisons.append(f"{compare_word(value, float(row['sn_mean']), row.get('vs_neighbours', ''))} "
                           f"the average of its statistical neighbours ({decimal_text(float(row['sn_mean']))}{unit})")
    text += (", " + " and ".join(comparisons) if comparisons else "") + "."
    if not pd.isna(row["rank"]):
        rank, of = int(row["rank"]), int(row["ranked_of"])
        place = "the lowest" if rank == 1 else "the highest" if rank == of else f"the {_ordinal(rank)} lowest"
        text += (f" Of {of} authorities, it had {place} {_without_article(subject)} "
                 f"(quartile band {row['quartile_band']}, where A is the lowest quarter).")
    return text + " " + polarity_sentence(polarity, subject)


#: DfE's polarity of a figure, in words (see analysis.benchmark.POLARITY).
POLARITY_WORDS = {"high": "DfE counts a higher {subject} as better.", "low": "DfE counts a lower {subject} as better.",
                  "neutral": "A higher or lower {subject} is neither better nor worse in itself."}


def _without_article(subject: str) -> str:
    return subject[4:] if subject.startswith("the ") else subject


def polarity_sentence(polarity: str, subject: str) -> str:
    """DfE's polarity said of the figure itself ("A higher or lower rate of ... is neither
    better nor worse in itself"), so each chapter's sentence is about its own figure."""
    return POLARITY_WORDS[polarity].format(subject=_without_article(subject))


#: First words of a breakdown label that describe the children themselves ("Placed outside
#: the local authority boundary", "With 3 or more placements"): the children "were" so.
DESCRIBING = ("placed", "living", "with", "aged", "looked", "in", "under", "over", "not", "male", "female",
              "unaccompanied", "ceased", "started", "cared", "on", "at", "from")


#: How a share of children in a breakdown's group is said, for the breakdowns whose labels
#: are not places or descriptions ("were recorded as White", "had a legal status of full
#: care order"); the others read "were in IFA foster care" or "were placed outside ...".
BEING_IN = {"Ethnicity": "were recorded as {label}", "Legal status": "had a legal status of {lower}",
            "Category of need": "had {lower} as their main need",
            "Unaccompanied asylum-seeking children": "were in the {label} group"}


def _being(label: str, group: str = "") -> str:
    """'were in IFA foster care', 'were placed outside ...', 'were recorded as White',
    'had their locality not recorded': what the children in ``label`` were."""
    if group in BEING_IN:
        plain = re.sub(r"^[A-Z]\d+\. ", "", label)      # "N2. Child's disability": the need, not its code
        return BEING_IN[group].format(label=plain, lower=in_sentence(plain))
    label = label.removeprefix("Total ") if label != "Total" else label   # DfE's "Total in education, ..."
    words = label.split()
    first = words[0].lower() if words else ""
    if label.lower() == "information not known":
        return "had no information recorded on this"
    if label.lower().endswith(" not recorded") or label.lower().endswith(" not known or not recorded"):
        return f"had their {in_sentence(label)}"
    if first[:1].isdigit():                      # "16 years and over", "1 to under 2 years"
        return f"were in the {label} group"
    return f"{'were' if first in DESCRIBING or first.endswith('ed') else 'were in'} {in_sentence(label)}"


def _share_of(label: str, subject: str, share: float, group: str = "") -> str:
    """'38% of children looked after were in IFA foster care' (see :func:`_being`)."""
    return f"{half_up(share):.0f}% of {subject} {_being(label, group)}"


#: Why a figure is not on a page, in words: a small count, or a count hidden so that a small
#: one cannot be worked out from it.
HIDDEN = "hidden to protect small numbers"


def describe_share(series: pd.Series, label: str, subject: str, group: str = "") -> str:
    """The latest share of ``subject`` in ``label`` and its change, in percentage points,
    since the first year: "In 2025, 38% of children looked after were in IFA foster care,
    up 5 percentage points from 33% in 2020." ``series`` is indexed by year; missing
    (suppressed) years are skipped, and a latest year suppressed is said so, so that an
    older year is never read as the latest."""
    every_year = list(series.index)
    series = series.dropna()
    if series.empty:
        return (f"The share of {subject} who {_being(label, group)} cannot be shown: its counts are {HIDDEN}, or "
                "not available.")
    years, values = list(series.index), [float(v) for v in series.to_numpy()]
    text = f"In {years[-1]}, {_share_of(label, subject, values[-1], group)}"
    if len(values) > 1:
        points = int(half_up(values[-1]) - half_up(values[0]))
        if points == 0:
            text += f", the same share as in {years[0]}"
        else:
            text += (f", {'up' if points > 0 else 'down'} {abs(points)} percentage "
                     f"point{'s' if abs(points) != 1 else ''} from {half_up(values[0]):.0f}% in {years[0]}")
    later = every_year[every_year.index(years[-1]) + 1:]         # the latest years, hidden
    span = f"{later[0]} and {later[-1]}" if len(later) == 2 else year_span(later[0], later[-1]) if later else ""
    hidden_latest = (f"The figure{'s' if len(later) > 1 else ''} for {span} "
                     f"{'are' if len(later) > 1 else 'is'} not shown ({HIDDEN}, or not available). " if later else "")
    return hidden_latest + text + "."


def describe_crosstab(shares: pd.Series, column: str, subject: str, overall: float = float("nan"),
                      left_out: tuple[str, ...] = ()) -> str:
    """Where the share in ``column`` is highest and lowest across the rows of a cross-tab
    (``shares`` indexed by row label, missing where suppressed); ``left_out``: rows not
    compared, their share being so by definition (the overall share counts them)."""
    known = shares.dropna()
    if known.empty:
        return (f"Some counts of {subject} in the {in_sentence(column)} column are {HIDDEN}, so its shares are "
                "not shown.")
    high, low = known.idxmax(), known.idxmin()
    if f"{half_up(known[high]):.0f}" == f"{half_up(known[low]):.0f}":
        rows = [in_sentence(r) for r in known.index]
        where = f"both {rows[0]} and {rows[1]}" if len(rows) == 2 else f"each of {_listed(rows)}" if len(rows) > 2 \
            else rows[0]
        text = f"Of {subject}, the share {in_sentence(column)} was {half_up(known[high]):.0f}% in {where}"
    else:
        text = (f"Of {subject}, the share {in_sentence(column)} was highest in {in_sentence(high)} "
                f"({half_up(known[high]):.0f}%) and lowest in {in_sentence(low)} ({half_up(known[low]):.0f}%)")
    if not pd.isna(overall):
        text += f", against {half_up(overall):.0f}% overall"
    if left_out:
        text += (f" ({' and '.join(in_sentence(r) for r in left_out)}, where every child is "
                 f"{in_sentence(column)} by definition, is counted overall but not compared)")
    hidden = [in_sentence(r) for r in shares.index if pd.isna(shares[r])]
    if hidden:
        many = len(hidden) > 1
        text += (f"; the share{'s' if many else ''} in {_listed(hidden)} {'are' if many else 'is'} not shown, as "
                 f"{'their' if many else 'its'} counts are {HIDDEN}")
    return text + "."


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def describe_against(value: float, reference: float, subject: str, reference_name: str, unit: str = "") -> str:
    """'{subject} (95) was below {reference_name} (120).'"""
    if pd.isna(value) or pd.isna(reference):
        return ""
    word = "below" if value < reference else ("above" if value > reference else "equal to")
    return (f"{subject[0].upper() + subject[1:]} ({half_up(value):,.0f}{unit}) was {word} {reference_name} "
            f"({half_up(reference):,.0f}{unit}).")


# --- provision and costs -------------------------------------------------------------------

def money(value) -> str:
    """Money in a sentence: £850, £25.0m (see :func:`wording.money_text`); empty when missing."""
    return money_text(value)


def describe_cost_change(row) -> str:
    """'The weekly cost of Foster care (IFA) rose 7% from £792 in 2015/16 to £850 in
    2020/21 (3% in real terms).' from a row of provision.cost_changes."""
    change = row.nominal_change_percent
    text = (f"The weekly cost of {row.placement_type} ({row.provider}) {direction(change)}"
            + (f" {half_up(abs(change)):.0f}%" if abs(change) >= 0.5 else "")
            + f" from {money(row.first)} in {row.first_year} to {money(row.last)} in {row.last_year}")
    if not pd.isna(row.real_change_percent):
        text += f" ({half_up(row.real_change_percent):+.0f}% in real terms)"
    return text + "."


def describe_mix_cost(total: float, external: float, budget, year: int, unpriced: list[str]) -> str:
    """The yearly cost of the placement mix, the externally provided part against the
    external placements budget, and the groups with no cost."""
    text = f"At the costs recorded, the placement mix at 31 March {year} costs about {money(total)} a year"
    if budget is not None:
        gap = external - budget["amount_gbp"]
        text += (f"; the externally provided placements cost about {money(external)}, "
                 f"{money(abs(gap))} {'above' if gap > 0 else 'below'} the {budget['financial_year']} "
                 f"{budget['budget'].lower()} budget of {money(budget['amount_gbp'])}")
        ended = int(str(budget["financial_year"])[:4]) + 1           # 2020/21 ends in March 2021
        if year - ended > 2:
            text += (f" (the newest budget recorded, {year - ended} years before; budgets and costs have both "
                     "moved since, so the two are not like for like)")
    text += "."
    if unpriced:
        text += f" No weekly cost is recorded for: {', '.join(unpriced)}."
    return text


def describe_price_checks(matrix: pd.DataFrame, checks: pd.DataFrame) -> str:
    """The recomputed average framework price, and how many printed averages disagree."""
    overall = matrix.loc["Average", "Average"]
    text = f"Across lots and localities the average weekly framework price is {money_text(overall)}."
    if len(checks):
        wrong = checks.loc[~checks["agrees"]]
        text += (f" Of {len(checks)} averages printed in the statements, {len(wrong)} "
                 f"{'does' if len(wrong) == 1 else 'do'} not agree with the prices they average.")
    return text


def describe_net_gain(summary: pd.DataFrame, target: float) -> str:
    """The latest net gain of fostering households against the yearly target."""
    if "net_gain_households" not in summary or summary["net_gain_households"].dropna().empty:
        return ""
    latest = summary.dropna(subset=["net_gain_households"]).iloc[-1]
    gain = latest["net_gain_households"]
    text = f"In {latest['period']} the in-house fostering service had a net gain of {half_up(gain):,.0f} households"
    if not pd.isna(target):
        text += f", {'meeting' if gain >= target else 'short of'} its target of {half_up(target):,.0f} a year"
    return text + "."


def describe_funnel(steps: pd.DataFrame) -> str:
    """The conversion of the recruitment funnel's first stage to its last in one period."""
    known = steps.dropna(subset=["conversion_percent"])
    if known.empty:
        return ""
    row = known.iloc[0]
    return (f"In {row['period']}, {half_up(row['conversion_percent']):.0f}% of {row['stage'].replace('_', ' ')} "
            "followed from the stage before.")


def describe_saving(saving: dict | None) -> str:
    """What each placement moved from IFA to in-house foster care saves in a year."""
    if not saving:
        return ""
    return (f"In {saving['financial_year']} an in-house foster placement cost {money(saving['in_house'])} a week "
            f"against {money(saving['ifa'])} with an IFA: each placement moved from IFA to in-house saves about "
            f"{money(saving['annual_saving'])} a year.")


# --- forecast -------------------------------------------------------------------------------

def describe_methods(table: pd.DataFrame) -> str:
    """The method used for the number in care a year ahead, against no change, in the
    national backtest (:func:`chosen.methods_table`): its median error and how often its
    80% interval held the outcome."""
    one = table.loc[table["kind"].eq("number") & table["horizon"].astype(int).eq(1)].set_index("method")
    used = one.loc[one["chosen"].astype(bool)]
    if used.empty or "naive" not in one.index:
        return "Every method was tried on every authority's published figures; the table lists how each did."
    row, naive = used.iloc[0], one.loc["naive"]
    return (f"Tried on every English authority's published number in care ({int(row['authorities'])} authorities, "
            f"{int(row['forecasts'])} forecasts a year ahead), the method used here a year ahead ({row['label']}) was "
            f"off by {half_up(row['median_ape'], 1):.1f}% (median), against {half_up(naive['median_ape'], 1):.1f}% for "
            f"assuming no change; its 80% intervals held the outcome {half_up(row['coverage_80'] * 100):.0f}% of the "
            "time." + _further_ahead(table, row.name))


def _further_ahead(table: pd.DataFrame, one_year: str) -> str:
    """The methods used further ahead where they are not the one-year method, so the page never
    implies one method for every year of the forecast."""
    numbers = table.loc[table["kind"].eq("number")].assign(horizon=lambda f: f["horizon"].astype(int))
    naive = numbers.loc[numbers["method"].eq("naive")].set_index("horizon")["median_ape"]
    other = numbers.loc[numbers["chosen"].astype(bool) & numbers["horizon"].gt(1) & numbers["method"].ne(one_year)]
    said = []
    for label, rows in other.sort_values("horizon").groupby("label", sort=False):
        horizons = rows["horizon"].tolist()
        errors = " and ".join(f"{half_up(e, 1):.1f}%" for e in rows["median_ape"])
        against = " and ".join(f"{half_up(naive.get(h, float('nan')), 1):.1f}%" for h in horizons)
        said.append(f"{' and '.join(map(str, horizons))} years ahead the forecast uses {label}, chosen the same way "
                    f"(off by {errors}, against {against} for no change)")
    return " For " + "; for ".join(said) + "." if said else ""


def describe_scenario(row: dict, base, year: int) -> str:
    """A scenario's children (and cost, where priced) against the baseline in ``year``."""
    change = half_up(row["children"]) - half_up(base["children"])      # of the figures as stated
    text = (f"{row['scenario']}: {half_up(row['children']):,.0f} children at 31 March {year}, "
            + (f"{half_up(abs(change)):,.0f} {'more' if change > 0 else 'fewer'} than the baseline" if half_up(change)
               else "as many as the baseline"))
    shift = row.get("in_house", 0) - base.get("in_house", 0)
    if half_up(shift) and abs(shift) > abs(change):     # a change of carer more than of numbers
        text += f", {half_up(abs(shift)):,.0f} {'more' if shift > 0 else 'fewer'} of them in in-house foster care"
    if not pd.isna(row["priced_cost"]) and not pd.isna(base["priced_cost"]):
        saving = base["priced_cost"] - row["priced_cost"]
        text += f", {money(abs(saving))} a year {'less' if saving >= 0 else 'more'} in priced placement costs"
    return text + "."

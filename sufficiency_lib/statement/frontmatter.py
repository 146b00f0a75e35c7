"""The parts of the one-document statement that are not a chapter: the local context, read
from an authority-year's artifact and the published statistics, and the glossary.

The local context is a few sentences a councillor reads before the chapters: how many
children live in the area, how many are looked after, and that rate beside England's.
Counts come from what the chapters state (the artifact's figures, made from the return),
else from DfE's published figures. It states the figures and leaves judging the
difference to the chapter on children in care, so the two never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sufficiency_lib.vocabulary import TOTAL, Indicator, Unit
from sufficiency_lib.wording import half_up

NATIONAL = "National"
LOCAL = "Local authority"

#: Plain-English definitions for the statement's glossary (put in alphabetical order below).
GLOSSARY = (
    ("CAMHS (Tier 4)", "Child and adolescent mental health services. Tier 4 is the most specialised: care in a "
                       "hospital or a specialist unit, often far from home."),
    ("Care leaver", "A young person aged 16 to 25 who was looked after for at least 13 weeks after the age "
                    "of 14, including time when they were 16 or 17. The council keeps in touch with them and "
                    "helps with housing, education and work."),
    ("Care order", "A court order that places a child in the council's care. An interim care order lasts "
                   "while the court decides; a full care order lasts until the child is 18 unless ended."),
    ("Cash terms and real terms", "Money in cash terms is as it was spent each year. In real terms it is "
                                  "adjusted for rising prices to the prices of one year, so that years can be "
                                  "compared fairly."),
    ("Children's home", "A home run by the council or another organisation, registered with Ofsted, where "
                        "children live with staff who care for them."),
    ("Connected persons foster care", "Foster care by a relative, friend or other person already known to "
                                      "the child, approved as their foster carer. Also called family and "
                                      "friends care or kinship care."),
    ("Dynamic purchasing system (DPS)", "A list of approved providers that the council buys placements "
                                        "from, which new providers can join while it runs."),
    ("In-house foster care", "Foster care by carers whom the council itself recruits, trains, approves and "
                             "supports."),
    ("Independent fostering agency (IFA)", "An organisation, private or charitable, that recruits and "
                                           "supports foster carers; the council pays the agency for each "
                                           "child it places with one of its carers."),
    ("Interval (80% or 95%)", "A range around a figure. A forecast's 80% interval is where the number is "
                              "expected to fall 8 times in 10. A 95% interval around a rate or a share shows how "
                              "far it could move by chance alone: when England's figure is inside it, the two are "
                              "called similar, or, where they read apart, not clearly higher or lower."),
    ("Looked after child (child in care)", "A child the council cares for, either under a court order or by "
                                           "agreement with their parents (section 20 of the Children Act "
                                           "1989). Children whose only care is a planned series of short "
                                           "breaks are not counted."),
    ("Median", "The middle value when figures are put in order: half are below it and half above."),
    ("Occupancy (foster care)", "The share of the places approved with the council's own foster carers that have "
                                "a child living in them."),
    ("Ofsted", "The Office for Standards in Education, Children's Services and Skills, which registers and "
               "inspects children's homes, fostering agencies and supported accommodation."),
    ("Out of area", "Placed outside the council's own boundary. DfE also counts the children placed more than "
                    "20 miles from the home they came from."),
    ("Percentage point", "The difference between two percentages: a share that rises from 30% to 33% has risen "
                         "3 percentage points (a rise of 10% in itself). This statement takes the difference of "
                         "the whole percentages it states, so a change may differ by 1 from the change in the "
                         "exact shares (a share of 18.4% that rises to 24.7% is stated as rising from 18% to 25%, "
                         "up 7)."),
    ("Placement", "Where a looked after child lives: with foster carers, in a children's home, in supported "
                  "accommodation, with their parents under supervision, or elsewhere."),
    ("Placement stability", "How settled children are. DfE counts the children who had three or more "
                            "placements in the year, and, of the children under 16 looked after for two and a "
                            "half years or more, those who have lived in the same placement for at least two "
                            "years."),
    ("Quartile band", "Where the authority sits among all authorities in England when they are put in order "
                      "of a figure: band A is the quarter with the lowest values and band D the quarter with "
                      "the highest."),
    ("Rate per 10,000 children", "The number of children in a group for every 10,000 children aged 0 to 17 "
                                 "living in the area. It lets areas of different sizes be compared."),
    ("S251 outturn", "What each council reports to DfE that it spent in a financial year, including the "
                     "average weekly cost of a child in foster care and in a children's home."),
    ("Section 20 (voluntary accommodation)", "Care the council provides by agreement with the child's "
                                             "parents, without a court order."),
    ("Secure children's home", "A children's home that may restrict a child's liberty, only with a court's "
                               "authority, to keep the child or others safe."),
    ("Special guardianship order", "A court order that makes someone, often a relative, the child's special "
                                   "guardian until they are 18; the child then leaves care."),
    ("SSDA903 return", "The record about each looked after child that every council sends to the Department "
                       "for Education (DfE) each year. DfE's national statistics are made from it."),
    ("Statistical neighbours", "The ten councils whose areas DfE judges most similar to this one (by "
                               "population, deprivation and other measures), used for fair comparison."),
    ("Suppressed figure (c)", "A count from 1 to 5, or a figure from which such a count could be worked "
                              "out, shown as c so that no child can be identified."),
    ("Sufficiency", "Having enough suitable homes, near enough to children's families, schools and "
                    "friends, to meet the needs of the children the council looks after."),
    ("Supported accommodation", "Accommodation for young people aged 16 and 17 (and care leavers) with staff "
                                "support but not full-time care, to help them learn to live independently. "
                                "Since October 2023 it must be registered with Ofsted."),
    ("Unaccompanied asylum-seeking child (UASC)", "A child under 18 who has applied for asylum in their own "
                                                  "right and has no parent or carer in the UK to look after "
                                                  "them. The National Transfer Scheme shares their care "
                                                  "fairly between councils."),
)
GLOSSARY = tuple(sorted(GLOSSARY, key=lambda entry: entry[0].lower()))


@dataclass(frozen=True)
class LocalFigures:
    """The figures the local context speaks of; missing ones are None."""

    year: int
    looked_after: float | None = None
    population: float | None = None
    population_year: int | None = None
    rate: float | None = None
    england_rate: float | None = None


def _first(frame: pd.DataFrame) -> float | None:
    values = pd.to_numeric(frame["value"], errors="coerce").dropna()
    return float(values.iloc[0]) if len(values) else None


def _count_from_artifact(artifact_dir: Path, year: int) -> float | None:
    path = Path(artifact_dir) / "figures.parquet"
    if not path.is_file():
        return None
    figures = pd.read_parquet(path, columns=["time_period", "indicator", "breakdown", "unit", "value"])
    rows = figures.loc[figures["indicator"].eq(Indicator.CLA) & figures["unit"].eq(Unit.NUMBER)
                       & figures["breakdown"].eq(TOTAL) & figures["time_period"].eq(int(year))]
    return _first(rows)


def _published(figures: pd.DataFrame, codes: tuple[str, ...], level: str, unit: str, year: int) -> float | None:
    rows = figures.loc[figures["indicator"].eq(Indicator.CLA) & figures["unit"].eq(unit)
                       & figures["breakdown"].eq(TOTAL) & figures["time_period"].eq(int(year))
                       & figures["geographic_level"].eq(level)]
    if level == NATIONAL:
        return _first(rows)
    values = [_first(rows.loc[rows["new_la_code"].eq(code)]) for code in codes]
    return float(sum(values)) if values and None not in values else None


def _population(population: pd.DataFrame, codes: tuple[str, ...], mid_year: int) -> float | None:
    if population is None or population.empty:
        return None
    rows = population.loc[population["time_period"].eq(int(mid_year)) & population["geographic_level"].eq(LOCAL)]
    values = [_first(rows.loc[rows["new_la_code"].eq(code)]) for code in codes]
    return float(sum(values)) if values and None not in values else None


def local_figures(authority, year: int, artifact_dir: str | Path, published) -> LocalFigures:
    """The local context's figures for ``authority`` (an Authority; a group sums its
    members) at 31 March ``year``: children looked after, the ONS estimate of children aged
    0 to 17 of the year before (as DfE's rates use), the rate per 10,000 and England's."""
    codes = tuple(authority.members) or (authority.new_la_code,)
    figures = published.figures if published is not None else pd.DataFrame(
        columns=["time_period", "indicator", "unit", "breakdown", "geographic_level", "new_la_code", "value"])
    published_count = _published(figures, codes, LOCAL, Unit.NUMBER, year)
    count = _count_from_artifact(Path(artifact_dir), year)
    if count is None:
        count = published_count
    population = _population(getattr(published, "population", None), codes, year - 1)
    # DfE's rate only beside DfE's count: a return's own count gets its rate worked out here
    same = len(codes) == 1 and count is not None and published_count is not None and count == published_count
    rate = _published(figures, codes, LOCAL, Unit.RATE, year) if same else None
    if rate is None and count is not None and population:
        rate = count / population * 10_000
    england = _published(figures, codes, NATIONAL, Unit.RATE, year)
    return LocalFigures(int(year), count, population, year - 1 if population else None, rate, england)


def _whole(value: float) -> str:
    return f"{int(half_up(value)):,}"


def _population_text(value: float) -> str:
    """A population as a reader says it: 'about 57,600' (to the nearest hundred)."""
    return f"about {half_up(value / 100) * 100:,.0f}" if value >= 1_000 else _whole(value)


def local_context(name: str, region: str, figures: LocalFigures, councils: int = 1) -> list[str]:
    """The local context as sentences, from ``figures``, for one council or a group of
    ``councils``; a figure not known is left out, and a line says so when none is known."""
    year = figures.year
    group = councils > 1
    sentences = [f"{name} {'are' if group else 'is'} in the {region} region." if region else ""]
    if group:
        sentences.append(f"This statement is shared by {councils} councils that commission placements together; "
                         "its figures are theirs added together.")
    if figures.population is not None:
        sentences.append(f"In mid-{figures.population_year}, {_population_text(figures.population)} children "
                         f"aged 0 to 17 lived in {name} (ONS estimate).")
    if figures.looked_after is not None:
        sentences.append(f"On 31 March {year}, {_whole(figures.looked_after)} children were looked after by the "
                         f"{'councils' if group else 'council'}.")
    if figures.rate is not None:
        said = f"That is {half_up(figures.rate):.0f} children in every 10,000 aged 0 to 17"
        if figures.england_rate is not None:
            said += f"; across England it is {half_up(figures.england_rate):.0f} in every 10,000"
        sentences.append(said + ".")
    if figures.looked_after is None and figures.population is None:
        sentences.append(f"No figures for {name} at 31 March {year} were available for this section.")
    sentences.append(f"All figures are at 31 March {year} unless said otherwise; figures for a year (such as "
                     f"children starting care, or money) are for April {year - 1} to March {year}.")
    return [s for s in sentences if s]

"""The sufficiency gap of the forecast chapter: projected demand (with its interval) against
the places in the area, each placement group and year of the horizon."""
from __future__ import annotations

import pandas as pd

from sufficiency_lib.analysis import disclosure, market
from sufficiency_lib.analysis.demand import Outlook
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.statement import charts
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.blocks import Block, message
from sufficiency_lib.vocabulary import PlacementGroup
from sufficiency_lib.wording import half_up

SUPPRESSED = disclosure.SUPPRESSED


GAP_TABLE_COLUMNS = [
    t.year(), t.text("placement_group", "Placement group"), t.number("demand", "Projected children"),
    t.number("demand_lower_80", "80% lower"), t.number("demand_upper_80", "80% upper"),
    t.count("capacity", "Places (capacity)"), t.number("capacity_year", "Year of the places figure", show=False),
    t.count("capacity_lower", "Places filled (in-house foster care; a lower bound)"),
    t.count("local_authority_places", "Places: local authority homes"),
    t.count("private_places", "Places: private homes"), t.count("voluntary_places", "Places: voluntary homes"),
    t.count("health_authority_places", "Places: health authority homes"),
    t.percent("share_met", "Share of demand the places could meet"),
    t.number("beyond_capacity", "Children beyond the places (placed out of area or with other providers)"),
    t.number("gap", "Places less projected children"),
    t.Column("basis", "What the places count", t.FILTER, show=False)]
GAP_HIDDEN_ON_PAGE = ("local_authority_places", "private_places", "voluntary_places", "health_authority_places")


def _gap_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The gap as the table holds it: a projection the page suppresses is ``c`` with what would
    state it; a group with no capacity figure has its places and gap empty."""
    out = frame.rename(columns={f"{s}|places": f"{s.lower().replace(' ', '_')}_places"
                                for s in ("Local authority", "Private", "Voluntary", "Health authority")})
    out = out.astype(object).where(out.notna(), "")
    hidden = frame["suppressed"].astype(bool).to_numpy()
    for column in ("demand", "demand_lower_80", "demand_upper_80"):
        out.loc[hidden, column] = SUPPRESSED
    for column in ("share_met", "beyond_capacity", "gap"):     # suppressed where a number would be
        out.loc[hidden & frame["capacity"].notna().to_numpy(), column] = SUPPRESSED
    return out


def _gap_chart(facts: Facts, frame: pd.DataFrame, sentence: str):
    """Projected children (mean) and places, each placement group with a capacity figure."""
    shown = frame.loc[frame["capacity"].notna() & ~frame["suppressed"].astype(bool)]
    if shown.empty:
        return None
    long = pd.concat([shown.assign(series=shown["placement_group"] + ": projected children", value=shown["demand"]),
                      shown.assign(series=shown["placement_group"] + ": places", value=shown["capacity"])])
    cited = "; ".join(sorted({s for s in shown["capacity_source"] if s}))
    return charts.line_chart(long[["time_period", "series", "value"]].astype({"value": float}), x="time_period",
                             y="value", hue="series", title=f"Projected children against places, {facts.name}",
                             y_label="Children or places", source=f"Projected children: {facts.source}; places: {cited}",
                             alt=f"Line chart of the projected children and the places known, each year of the "
                                 f"forecast, for the placement groups with a capacity figure in {facts.name}. "
                                 f"{sentence}")


def _against_places(row) -> str:
    """One placement group's projection against its places, in words.

    - Places in the area are every authority's to use, and the children projected live
      wherever they are placed: said as the share of the places they would fill if all were
      placed in the area (as the provision chapter's finding says it), never "enough".
    - In-house foster places approved are an upper bound of the places a child could use and
      the places filled a lower bound (:func:`market.public_capacity`): a projection between the
      two is said to be so, with what is not known.
    """
    said = (f"{row.placement_group}, {half_up(row.demand):,.0f} children projected (80% interval "
            f"{half_up(row.demand_lower_80):,.0f} to {half_up(row.demand_upper_80):,.0f})")
    year, places = int(row.capacity_year), row.capacity
    if row.demand == 0:
        if not places:
            return f"{said}, and no places"
        return f"{said}, against {half_up(places):,.0f} {row.places_named} ({year})"
    if row.gap < -0.5:
        return f"{said} against {half_up(places):,.0f} {row.places_named} ({year}): short by {half_up(-row.gap):,.0f}"
    if row.places_named == market.IN_THE_AREA:
        return (f"{said}: placed all in the area, they would fill {half_up(row.demand / places * 100):.0f}% of its "
                f"{half_up(places):,.0f} places ({year})")
    filled = row.capacity_lower
    if pd.notna(filled) and row.demand > filled + 0.5:
        return (f"{said}: {half_up(row.demand - filled):,.0f} more than the {half_up(filled):,.0f} children its own "
                f"carers looked after at 31 March {year}, within the {half_up(places):,.0f} places approved; whether "
                f"the {half_up(places - filled):,.0f} approved places then empty could take them is not published")
    if pd.notna(filled):
        return (f"{said}: within the {half_up(filled):,.0f} children its own carers looked after at 31 March {year} "
                f"({half_up(places):,.0f} places approved)")
    return f"{said} against {half_up(places):,.0f} {row.places_named} ({year}): within them"


def _now(outlook: Outlook, end: pd.DataFrame) -> str:
    """The page year's children in each group with places, as the placements chapter shows them,
    so the projection is read from where it starts (and beside the provision chapter's finding)."""
    said = []
    for row in end.itertuples():
        count = outlook.latest.get(row.placement_group)
        if count is None or pd.isna(count) or str(count) == SUPPRESSED:
            continue
        said.append(f"{row.placement_group}, {half_up(float(count)):,.0f} children against "
                    f"{half_up(row.capacity):,.0f} {row.places_named} ({int(row.capacity_year)})")
    return f"At 31 March {outlook.year}, where the projection starts: " + "; ".join(said) + "." if said else ""


def gap_block(facts: Facts, outlook: Outlook) -> Block:
    """Projected demand (with its interval) against the places in the area, each placement
    group and year of the horizon: the share the places could meet, the children beyond
    them and the gap (places less demand); "no public capacity figure" where none exists."""
    frame = outlook.gap
    if frame.empty:
        return message("sufficiency_gap", "No placement group is projected, so demand cannot be set against supply.")
    known = frame.loc[frame["capacity"].notna() & ~frame["suppressed"].astype(bool)]
    end = known.loc[known["time_period"].eq(outlook.end)]
    sentences = []
    now = _now(outlook, end)
    if now:
        sentences.append(now)
    if len(end):
        sentences.append(f"By 31 March {outlook.end}: " + "; ".join(_against_places(r) for r in end.itertuples())
                         + ".")
    short = known.loc[known["gap"] < -0.5]
    sentences.append("No placement group is projected to exceed the places known." if short.empty else
                     "Projected demand exceeds the places known, by the children who would be "
                     "placed out of area or with other providers, in: " + "; ".join(
                         f"{group}, by " + ", ".join(f"{half_up(-r.gap):,.0f} in {r.time_period}"
                                                     for r in rows.itertuples())
                         for group, rows in short.groupby("placement_group", sort=False)) + ".")
    tight = end.loc[(end["gap"] >= -0.5) & (end["demand_upper_80"] > end["capacity"])]
    if len(tight):
        sentences.append("The upper end of the 80% interval is above the places for: " + "; ".join(
            f"{r.placement_group} ({half_up(r.demand_upper_80):,.0f} against "
            f"{half_up(r.capacity):,.0f})" for r in tight.itertuples())
            + ", so a shortfall is within what the model thinks likely.")
    sentences.append(f"Places in the area are open to every authority's children: a private or voluntary home in "
                     f"{facts.name} is not reserved for {facts.name}'s, and other authorities place children there, "
                     "so the share of demand the places could meet is an upper bound.")
    none = [g for g in frame.loc[frame["capacity"].isna(), "placement_group"].drop_duplicates()]
    if none:
        why = [text for group, text in ((PlacementGroup.SUPPORTED, "Ofsted's register of supported accommodation "
                                         "began in 2024 and is not in the published figures read"),
                                        (PlacementGroup.IFA, "independent fostering agencies' places are not "
                                         "published by area")) if group in none]
        sentences.append("No public capacity figure for: " + "; ".join(none) + (f" ({'; '.join(why)})" if why else "")
                         + ". Nothing is put in its place.")
    notes = [f"{g}: {b}." for g, b in frame.loc[frame["capacity"].notna(), ["placement_group", "basis"]]
             .drop_duplicates("placement_group").itertuples(index=False)]
    notes.append("Gap = places less projected children (negative: short). Children beyond the places = projected "
                 "children less places, where more. Projections a page must not state (1 to "
                 f"{facts.threshold - 1} children) are shown as {SUPPRESSED}.")
    cited = sorted({s for s in frame["capacity_source"] if s})
    source = f"Projected children: {facts.source}" + (f"; places: {'; '.join(cited)}" if cited else "")
    columns = [c if c.name not in GAP_HIDDEN_ON_PAGE else t.Column(c.name, c.label, c.kind, c.unit, c.decimals,
                                                                      c.trim, show=False) for c in GAP_TABLE_COLUMNS]
    table = t.Table("sufficiency_gap", f"Projected demand against places, {facts.name}", source, columns,
                    _gap_frame(frame))
    return Block("sufficiency_gap", sentences, table, _gap_chart(facts, frame, sentences[0]), notes)

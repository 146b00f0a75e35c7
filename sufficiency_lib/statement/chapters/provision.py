"""Chapter 3, provision, market and costs: for every authority, the public market, capacity
and money (Ofsted's register of children's homes and fostering agencies in the area, the
authority's own foster carers' places, S251 unit costs and spending, each against the
statistical neighbours, region and England), the cost of the placement mix for every
placement group, and the authority's local tables (weekly costs, budgets, framework prices,
fostering recruitment, the commissioned market, specialist cohorts), which add to the public
figures and win where both give the same one.

The numbers are computed in :mod:`sufficiency_lib.analysis.market` and
:mod:`sufficiency_lib.analysis.costs`; the public blocks are declared in
:mod:`provision_market`, the local ones and the cost of the mix here, each figure with its date."""
from __future__ import annotations

import pandas as pd

from sufficiency_lib.analysis import costs as provision
from sufficiency_lib.analysis import disclosure, market, placement_moves
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.local import local_data
from sufficiency_lib.statement import narrative
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.blocks import Block, message
from sufficiency_lib.statement.chapter import Chapter
from sufficiency_lib.statement.chapters import provision_market
from sufficiency_lib.statement.chapters.common import (benchmark_block, composition, composition_shown,
                                                       nothing_for, row_of)
from sufficiency_lib.statement.chapters.placements import SUPPRESSED_NOTE, by_year, shown_numbers, shown_row
from sufficiency_lib.statement.chapters.provision_local import (LOCAL_SOURCE, NAMES, budget_block, cohorts_block,
                                                                costs_block, fostering_block, funnel_block,
                                                                listing_block, prices_block, source)
from sufficiency_lib.statement.chapters.provision_market import public_source
from sufficiency_lib.vocabulary import TOTAL, Area, Group, Indicator, PlacementGroup, Unit
from sufficiency_lib.wording import half_up

I = Indicator
DISABILITY = "N2. Child's disability"          # DfE's category of need label (903 CIN N2)
AT_31_MARCH = "children looked after at 31 March"


def children_by_group(facts: Facts) -> pd.Series:
    """Children at 31 March of the page's year by placement group (computed figures), every
    placement group listed (0 where none)."""
    f = facts.figures
    rows = f.loc[f["indicator"].eq(I.CLA) & f["breakdown_group"].eq(Group.PLACEMENT_GROUP)
                 & f["unit"].eq(Unit.NUMBER) & f["time_period"].eq(facts.year) & f["breakdown"].ne(TOTAL)]
    counts = rows.set_index("breakdown")["value"].astype(float)
    order = [*PlacementGroup.ORDER, *[g for g in counts.index if g not in PlacementGroup.ORDER]]
    return counts.reindex(order).fillna(0.0) if len(counts) else counts


MIX_COLUMNS = [t.text("placement_group", "Placement group"), t.count("children", "Children at 31 March"),
               t.text("cost_source", "Weekly cost from"), t.text("cost_year", "Year of the weekly cost"),
               t.pounds("weekly_cost", "Weekly cost"), t.pounds("annual_cost", "Cost a year")]


def mix_block(facts: Facts, local: local_data.LocalData, figures: pd.DataFrame | None,
              mix: Block | None = None) -> Block:
    """The cost of the placement mix, every placement group: its local weekly cost, else the
    S251 unit cost that fits it, else a line saying it has none. A group's children (and so
    its cost) are hidden wherever the placement mix table (``mix``) hides them, so the cost
    table never gives back a count that table hides; and so are small counts."""
    children = children_by_group(facts)
    if children.empty:
        return message("placement_mix_cost", "The return gives no children by placement group to price.")
    local_costs = local.get("weekly_costs")
    public = market.public_unit_costs(figures, facts.code, facts.year) if figures is not None else None
    table = provision.mix_cost(children, provision.unit_costs(local_costs) if local_costs is not None else None,
                               facts.year, public)
    hidden_in_mix = table["placement_group"].map(
        lambda g: str(shown_row(mix, g).get(str(facts.year), "")).strip() == disclosure.SUPPRESSED).to_numpy(bool)
    small = disclosure.small_mask(table["children"].to_numpy(), facts.threshold).to_numpy() | hidden_in_mix
    # a total with a suppressed group's cost in it would give that cost (and count) away by difference
    priced = table.loc[table["annual_cost"].notna() & ~small]
    external = priced.loc[priced["placement_group"].isin(provision.EXTERNAL_GROUPS), "annual_cost"].sum()
    budget = provision.budget_for(local.get("placement_budget"), facts.year) \
        if local.get("placement_budget") is not None else None
    unpriced = table.loc[table["weekly_cost"].isna() & table["children"].gt(0), "placement_group"].tolist()
    sentences = [narrative.describe_mix_cost(priced["annual_cost"].sum(), external, budget, facts.year, [])
                 if len(priced) else "No placement group of the mix can be priced at the costs recorded."]
    if (table["annual_cost"].notna() & small).any():
        sentences.append("Groups whose number of children is hidden to protect small numbers are left out of these "
                         "totals, so that their number cannot be worked out from them.")
    if unpriced:
        # a group has no S251 unit cost of its own: its members' differ, and their mean is no group's cost
        why = ("S251's unit costs are each council's own, not a group's, so each council's statement prices its "
               "own children" if facts.is_group and (public is None or public.empty) else
               "S251 has no unit cost of supported accommodation, placements with parents or for adoption, and its "
               "average over all looked-after children is not theirs")
        sentences.append(f"No local or public weekly cost fits {'; '.join(unpriced)}, so they are not priced: {why}.")
    old = table.loc[table["cost_year"].ne("") & table["weekly_cost"].notna()]
    old = old.loc[old["cost_year"].str[:4].astype(int) + 1 < facts.year - 2]
    if len(old):
        sentences.append("Some weekly costs are more than two years older than the statement's year: " + "; ".join(
            f"{r.placement_group} ({r.cost_year})" for r in old.itertuples()) + ".")
    shown = table.assign(children=table["children"].astype(object).where(~small, disclosure.SUPPRESSED),
                         annual_cost=table["annual_cost"].astype(object).where(~small, disclosure.SUPPRESSED))
    shown["cost_source"] = shown["cost_source"].replace("", "none fits")
    notes = [f"Cost a year = children x weekly cost x {half_up(provision.WEEKS_PER_YEAR, 2):.2f} weeks, using each "
             "group's newest local weekly cost up to the year, else the newest S251 outturn unit cost that fits it "
             "(fostering for foster care; residential care for children's homes, secure units and residential "
             "schools). S251's fostering cost averages in-house and purchased foster care. In-house costs are not in "
             "an external placements budget."]
    sources = [facts.source, *([source(local, "weekly_costs")] if local_costs is not None else []),
               *([public_source(figures, I.UNIT_COST_FOSTERING, Unit.GBP_PER_WEEK,
                                 {int(y[:4]) + 1 for y in public["financial_year"]})]
                 if public is not None and len(public) else [])]
    declared = t.Table("placement_mix_cost", f"Cost of the placement mix at 31 March {facts.year}, {facts.name}",
                       "; ".join(sources), [*MIX_COLUMNS[:1], t.Column("children", f"Children, 31 March {facts.year}"),
                                            *MIX_COLUMNS[2:]], shown)
    return Block("placement_mix_cost", sentences, declared, None, notes)


# --- children with disabilities, and the needs of children in children's homes (D22, D23) -------

def disability_block(facts: Facts) -> Block:
    """Children looked after at 31 March by category of need over the years, with the share
    whose main need is their own disability against England, and those in residential schools."""
    block = composition(facts, "category_of_need", I.CLA, Group.NEED, AT_31_MARCH,
                        "Children looked after at 31 March by category of need", focus=DISABILITY)
    compared = benchmark_block(facts, "disability_benchmark", I.CLA, "the share of children looked after whose "
                               "main need is their own disability", breakdown_group=Group.NEED, breakdown=DISABILITY)
    if compared is not None and compared.sentences:
        block.sentences += [s for s in compared.sentences if s]
        block.extra_tables += compared.tables()
    schools = facts.shown(I.CLA, Group.PLACEMENT_GROUP, PlacementGroup.SCHOOLS)
    if not pd.isna(schools):
        block.sentences.append(f"{f'{half_up(schools):,.0f}' if schools else 'No'} "
                               f"child{'' if schools == 1 else 'ren'} {'was' if schools == 1 else 'were'} in "
                               f"residential schools at 31 March {facts.year}.")
    block.notes.append("The category of need is the main reason the child came into care, recorded on entry; it is "
                       "not a record of every disability. Special educational needs are not in the return: they come "
                       "from the school census and the virtual school's records, which the authority would add.")
    return block


def home_needs_block(facts: Facts, mix: Block | None) -> Block:
    """The category of need of the children in residential children's homes at 31 March, every
    year; what the return cannot say about the needs they present."""
    group = PlacementGroup.CHILDRENS_HOMES
    if facts.data is None:
        return nothing_for(facts, "childrens_homes_needs", "the needs of children in children's homes")
    def needs(of: Facts) -> pd.DataFrame:
        return pd.DataFrame({str(y): placement_moves.needs_in(of.data.tables, y, group) for y in facts.years})
    counts = needs(facts)
    theirs = [by_year(needs(m), facts.threshold, row_of(composition_shown(m, I.CLA, Group.PLACEMENT_GROUP), group))
              for m in facts.members if m.data is not None]
    shown = by_year(counts, facts.threshold, shown_row(mix, group), members=theirs)
    years = list(counts.columns)
    numbers = shown_numbers(shown, years)
    sentences = ["The return records why each child came into care, not the needs they present in their placement "
                 "(such as mental health, behaviour that challenges, or a disability met by the home): the "
                 "authority would record those itself to plan residential places."]
    top = numbers.drop(index=TOTAL)[years[-1]].dropna()
    if len(top) and not pd.isna(numbers.loc[TOTAL, years[-1]]):
        need = top.idxmax()
        sentences.insert(0, f"Of the {half_up(numbers.loc[TOTAL, years[-1]]):,.0f} children in {group.lower()} at 31 "
                            f"March {years[-1]}, {half_up(top.max()):,.0f} came into care mainly for "
                            f"{need.split('. ', 1)[-1].lower()}.")
    table = t.Table("", f"Children in residential children's homes at 31 March by category of need (number), "
                        f"{facts.name}", facts.source, [t.text("breakdown", "Category of need"),
                                                        *[t.count(y, y) for y in years]], shown)
    tidy = shown.melt(id_vars="breakdown", var_name="time_period", value_name="number").astype({"time_period": int})
    saved = t.Table("childrens_homes_needs", table.caption, facts.source,
                    [t.year(), t.text("category_of_need", "Category of need"), t.count("number", "Number")],
                    tidy.rename(columns={"breakdown": "category_of_need"}))
    notes = [SUPPRESSED_NOTE] if shown[years].eq(disclosure.SUPPRESSED).any().any() else []
    return Block("childrens_homes_needs", sentences, table, None, notes, [saved])


def found_block(facts: Facts, local: local_data.LocalData) -> Block:
    """What the page is made of: the public figures for every authority, and which local tables
    were found to add to them; saved so a reviewer sees what was used."""
    sentences = ["The market, capacity and money below come from public figures for every authority (Ofsted's "
                 "register of providers, DfE's Local Authority Interactive Tool), each with its date. Local tables add "
                 "to them and win where both give the same figure: local weekly costs price the placement mix before "
                 "S251's, and a local capacity table's places replace the public ones."]
    missing = [NAMES[name] for name in local.missing]
    found = [NAMES[name] for name in local.tables]
    if local.folder:
        sentences.append(f"Local tables used: {', '.join(found) if found else 'none'}"
                         + (f"; not given: {', '.join(missing)}." if missing else "."))
    else:
        sentences.append("No local data folder was given, so only the public figures are shown.")
    frame = pd.DataFrame({"table": list(local_data.TABLES),
                          "found": ["yes" if n in local.tables else "no" for n in local_data.TABLES],
                          "rows": [len(local.tables[n]) if n in local.tables else 0 for n in local_data.TABLES]})
    saved = t.Table("local_data_found", "Local tables found", LOCAL_SOURCE,
                    [t.text("table", "Local table"), t.text("found", "Found"), t.count("rows", "Rows")], frame)
    return Block("local_data_found", sentences, None, None, [], [saved])


def build(facts: Facts, found: list, outlook=None) -> Chapter:
    local = facts.local
    public, figures = provision_market.blocks(facts)
    mix = mix_of(facts)
    return Chapter(facts, "provision", {
        "found": found_block(facts, local),
        **public,
        "costs": costs_block(facts, local),
        "mix_cost": mix_block(facts, local, figures, mix),
        "budget": budget_block(facts, local),
        "prices": prices_block(facts, local),
        "fostering": fostering_block(facts, local),
        "funnel": funnel_block(facts, local),
        "market": listing_block(facts, local, "provider_market", "The commissioned market (local data)",
                                ["framework", "as_at", "measure", "value", "note"]),
        "cohorts": cohorts_block(facts, local),
        "disability": disability_block(facts),
        "home_needs": home_needs_block(facts, mix),
    }, found, areas=[Area.FOSTERING, Area.RESIDENTIAL, Area.COSTS, Area.MARKET, Area.SUPPORTED, Area.TIER_4])


def mix_of(facts: Facts) -> Block | None:
    """The placement mix table as the placement chapter shows it, whose suppression the
    children's homes tables here follow."""
    if facts.data is None:
        return None
    return composition(facts, "placement_mix", I.CLA, Group.PLACEMENT_GROUP, AT_31_MARCH, "placement mix")

"""Cleaning rules on hand-made returns: merging years, mending overlaps, flags."""
from datetime import date, timedelta

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sufficiency_lib.analysis import metrics
from sufficiency_lib.ssda903 import clean
from tests import return_builder as rb


def episode_rules(result) -> list[str]:
    findings = result.ledger.findings()
    return findings.loc[findings["table"] == "episodes", "rule_id"].tolist()


def test_open_episode_closed_by_newer_return_takes_the_newer_copy(tmp_path):
    older = rb.episodes(1)
    newer = rb.episodes(1).assign(DEC="01/09/2021", REC="E13")
    rb.write(tmp_path, 2021, header=rb.header(1), episodes=older)
    rb.write(tmp_path, 2022, header=rb.header(1), episodes=newer)
    result = clean.load_clean_return(tmp_path)
    eps = result.tables["episodes"]
    assert len(eps) == 1 and eps["return_year"].item() == 2022
    assert eps["DEC"].item() == pd.Timestamp("2021-09-01")
    recon = result.ledger.reconciliation().set_index("table").loc["episodes"]
    assert (recon["rows_in"], recon["kept"], recon["superseded"]) == (2, 1, 1)
    assert episode_rules(result) == ["M02"]


def test_older_episode_absent_from_newer_return_is_superseded(tmp_path):
    older = rb.episodes(1)  # open from 01/05/2020
    newer = rb.episodes(1).assign(DECOM="03/05/2020")  # restated start
    rb.write(tmp_path, 2021, header=rb.header(1), episodes=older)
    rb.write(tmp_path, 2022, header=rb.header(1), episodes=newer)
    result = clean.load_clean_return(tmp_path)
    assert result.tables["episodes"]["DECOM"].tolist() == [pd.Timestamp("2020-05-03")]
    assert episode_rules(result) == ["M03"]


def test_child_in_care_on_31_march_is_kept_when_the_newer_return_does_not_restate_the_episode(tmp_path):
    """Issue 20: the older return's last episode ends on 1 April; the newer return has the
    child only from a later period of care. The child was in care on 31 March."""
    older = rb.episodes(1).assign(DECOM="01/05/2020", DEC="01/04/2021", REC="E13")
    newer = rb.episodes(1).assign(DECOM="01/09/2021")
    rb.write(tmp_path, 2021, header=rb.header(1), episodes=older)
    rb.write(tmp_path, 2022, header=rb.header(1), episodes=newer)
    result = clean.load_clean_return(tmp_path)
    eps = result.tables["episodes"]
    assert eps["DECOM"].tolist() == [pd.Timestamp("2020-05-01"), pd.Timestamp("2021-09-01")]
    assert metrics.children_looked_after_at_31_march(eps, 2021) == 1
    assert episode_rules(result) == ["S09", "M05"]  # ends after its year: said, and kept


def test_open_episode_of_an_older_return_runs_until_the_newer_return_picks_the_child_up(tmp_path):
    older = rb.episodes(1).assign(DECOM="01/03/2021")  # open at 31 March 2021
    newer = rb.episodes(1).assign(DECOM="01/04/2021", RNE="P")  # the newer year starts a new episode
    rb.write(tmp_path, 2021, header=rb.header(1), episodes=older)
    rb.write(tmp_path, 2022, header=rb.header(1), episodes=newer)
    eps = clean.load_clean_return(tmp_path).tables["episodes"]
    assert eps["DEC"].tolist()[0] == pd.Timestamp("2021-04-01")
    assert [metrics.children_looked_after_at_31_march(eps, y) for y in (2021, 2022)] == [1, 1]


def test_episode_ended_before_newer_year_is_kept_from_older_return(tmp_path):
    older = pd.concat([rb.episodes(1).assign(DECOM="01/05/2020", DEC="01/06/2020", REC="X1"),
                       rb.episodes(1).assign(DECOM="01/06/2020", RNE="P")])
    newer = rb.episodes(1).assign(DECOM="01/06/2020", RNE="P")
    rb.write(tmp_path, 2021, header=rb.header(1), episodes=older)
    rb.write(tmp_path, 2022, header=rb.header(1), episodes=newer)
    eps = clean.load_clean_return(tmp_path).tables["episodes"]
    assert eps["DECOM"].tolist() == [pd.Timestamp("2020-05-01"), pd.Timestamp("2020-06-01")]
    assert eps["return_year"].tolist() == [2021, 2022]


def test_overlap_is_mended_and_blank_reason_becomes_x1(tmp_path):
    eps = pd.concat([rb.episodes(1), rb.episodes(1).assign(DECOM="01/07/2020", RNE="P", PLACE="U5")])
    result = clean.load_clean_return(rb.write(tmp_path, header=rb.header(1), episodes=eps))
    clean_eps = result.tables["episodes"]
    assert clean_eps["DEC"].tolist()[0] == pd.Timestamp("2020-07-01")
    assert clean_eps["REC"].tolist() == ["X1", ""]
    assert result.ledger.reconciliation().set_index("table").loc["episodes", "corrected"] == 1


def test_short_break_only_care_is_flagged_not_dropped(tmp_path):
    eps = rb.episodes(2).assign(LS=["V3", "C2"])
    result = clean.load_clean_return(rb.write(tmp_path, header=rb.header(2), episodes=eps))
    clean_eps = result.tables["episodes"]
    assert clean_eps["short_break_only"].tolist() == [True, False]
    assert len(clean_eps) == 2


def test_gap_in_continuing_period_is_flagged(tmp_path):
    eps = pd.concat([rb.episodes(1).assign(DEC="01/06/2020", REC="X1"),
                     rb.episodes(1).assign(DECOM="10/06/2020", RNE="P")])
    result = clean.load_clean_return(rb.write(tmp_path, header=rb.header(1), episodes=eps))
    assert episode_rules(result) == ["E05"]


def test_episode_before_birth_is_quarantined(tmp_path):
    eps = rb.episodes(2).assign(DECOM=["01/05/2009", "01/05/2020"])
    result = clean.load_clean_return(rb.write(tmp_path, header=rb.header(2), episodes=eps))
    assert result.quarantine("episodes")["rule_id"].tolist() == ["E02"]


# Episode chains: a child's episodes as (days after the previous start, length or open).
chains = st.lists(st.tuples(st.integers(-30, 400), st.one_of(st.none(), st.integers(-5, 500))),
                  min_size=1, max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(chains, min_size=1, max_size=4))
def test_any_episode_chain_is_accounted_for_and_comes_out_consistent(tmp_path_factory, children):
    rows, start = [], date(2019, 4, 1)
    for child, chain in enumerate(children):
        when = start
        for offset, length in chain:
            when = when + timedelta(days=offset)
            end = "" if length is None else (when + timedelta(days=length)).strftime("%d/%m/%Y")
            rows.append(rb.episodes(1).assign(CHILD=str(1000 + child), DECOM=when.strftime("%d/%m/%Y"),
                                              DEC=end, REC="" if length is None else "X1"))
    folder = tmp_path_factory.mktemp("chain")
    result = clean.load_clean_return(rb.write(folder, 2021, header=rb.header(len(children)),
                                              episodes=pd.concat(rows)))
    recon = result.ledger.reconciliation()
    assert recon["balanced"].all()
    assert recon.set_index("table").loc["episodes", "rows_in"] == len(pd.concat(rows))
    eps = result.tables["episodes"]
    assert (eps["DEC"].isna() | (eps["DEC"] >= eps["DECOM"])).all()
    next_start = eps.groupby("CHILD")["DECOM"].shift(-1)
    assert not (next_start.notna() & (eps["DEC"].isna() | (eps["DEC"] > next_start))).any(), "no overlaps left"
    quarantined = result.quarantine("episodes")
    assert quarantined["rule_id"].ne("").all(), "every quarantined row carries its reason"

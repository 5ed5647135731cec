"""Published reference figures: real values with their source, loaded as their own undoable
imports and kept apart from the illustrative demo."""

from __future__ import annotations

import pandas as pd
import pytest

from cjmetrics.config import DATA_DIR, DEMO_SOURCE, each_source, is_illustrative, joined_sources
from cjmetrics.reference import KIND

SCOTLAND = "S92000003"
REFERENCE = DATA_DIR / "reference"


def reference_file(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / name, dtype=str, keep_default_na=False)


@pytest.mark.parametrize("name", ["scotland.csv", "population.csv"])
def test_every_value_names_its_publication_edition_address_and_provisional_flag(name):
    frame = reference_file(name)
    assert len(frame)
    for column in ("publisher", "publication", "edition", "source_url"):
        assert (frame[column].str.strip() != "").all(), column
    assert frame["source_url"].str.startswith("http").all()
    assert set(frame["provisional"]) <= {"true", "false"}
    assert not frame.duplicated(["indicator_id", "area_code", "period"]).any()


def test_the_published_scotland_series_are_shipped():
    series = set(reference_file("scotland.csv")["indicator_id"])
    assert {"cpo_commenced", "ndo4_community_sentences_completed", "ndo1_diversion_commenced",
            "ndo3_bail_supervision_commenced", "ndo8_voluntary_throughcare",
            "cjpf_reconviction_rate"} <= series


def test_reference_figures_are_their_own_import_separate_from_the_demo(demo_store):
    imports = demo_store.imports()
    reference = imports[imports["kind"] == KIND]
    assert set(reference["summary"]) == {
        "Published reference figures (Scottish Government)",
        "Population estimates (National Records of Scotland)"}
    cpo = demo_store.series(["ndo4_community_sentences_completed"], [SCOTLAND])
    latest = cpo.iloc[-1]
    assert latest["period_label"] == "2024/25" and latest["value"] == 71
    assert latest["source"] == ("Scottish Government: Justice Social Work Statistics in "
                                "Scotland: 2024-25 - Part 2 (13 January 2026)")
    assert "illustrative" not in " ".join(cpo["source"]).lower()  # the demo invents none


def test_undoing_the_reference_import_removes_the_figures_and_they_stay_removed(demo_db):
    from cjmetrics.bootstrap import initialise
    from cjmetrics.store import open_store

    store = open_store(demo_db)
    imports = store.imports()
    import_id = int(imports.loc[imports["summary"] == "Published reference figures "
                                "(Scottish Government)", "import_id"].iloc[0])
    store.undo_import(import_id)
    assert store.series(["cpo_commenced"], [SCOTLAND]).empty
    # reloading the demo (init --demo) does not bring back what the lead undid
    store = initialise(demo_db, demo=True)
    assert store.series(["cpo_commenced"], [SCOTLAND]).empty


def test_an_empty_store_on_purpose_holds_no_reference_figures(empty_store):
    assert (empty_store.imports()["kind"] != KIND).all()


def test_demo_figures_are_told_apart_from_published_ones_by_their_source():
    """Every page's 'illustrative, not official' notice rests on this one test of a source."""
    published = reference_file("scotland.csv")
    assert is_illustrative(DEMO_SOURCE)
    assert is_illustrative("North Ayrshire survey; ILLUSTRATIVE figures for training")
    assert not any(map(is_illustrative, published["publisher"] + ": " + published["publication"]))
    assert not is_illustrative(None) and not is_illustrative("")


def test_the_sources_of_many_figures_are_one_line_each_named_once():
    """What every chart's subtitle and every report's sources list are built from: a figure's
    cell may already name several sources; missing cells name none."""
    nrs = "National Records of Scotland: Mid-2019 Population Estimates Scotland"
    sg = "Scottish Government: Justice Social Work Statistics in Scotland: 2022-23"
    cells = pd.Series([sg, f"{nrs}; {sg}", None, float("nan"), "", sg])
    assert joined_sources(cells) == f"{nrs}; {sg}"
    assert each_source(joined_sources(cells)) == [nrs, sg]
    assert joined_sources([None]) == "" and each_source("") == [] and each_source(None) == []

"""What the upload preview shows a lead before Import: figures in their indicator's unit,
readable breakdowns, the template's example row left out, the tables of a workbook to choose
from, and revisions that move a figure a long way flagged and refused until confirmed (on the
service and on the command line)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli import run

from cjmetrics.errors import ImportRefused
from cjmetrics.ingest import commit, template_bytes
from cjmetrics.ingest.pipeline import prepare
from cjmetrics.ingest.preview import readable_breakdown
from cjmetrics.ingest.service import TABLE, open_upload

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "formats"
X_APRIL = FIXTURES / "twitter_daily_apr2021.csv"  # Apr 2021 impressions 30,000 + 34,313
AYRSHIRE = "CJP-AYR"  # demo: X/Twitter reach 17,750 in Apr 2021


def x_april(store):
    upload = open_upload(store, X_APRIL.read_bytes(), X_APRIL.name)
    return upload, upload.prepare({"area": AYRSHIRE})


def test_a_revision_of_more_than_twice_the_figure_is_flagged_with_its_row(demo_store):
    upload, prepared = x_april(demo_store)
    assert prepared.preview.rows_revised == 2
    large = upload.large_revisions(prepared)
    assert large.factor == 2
    # Reach 17,750 -> 64,313 (3.6x) is flagged; engagements 280 -> 310 are not.
    assert large.table[["Indicator", "Area", "Period", "Breakdown", "Old", "New",
                        "Change"]].values.tolist() == [
        ["Social media reach", "Community Justice Ayrshire Partnership", "Apr 2021",
         "Channel: X/Twitter", "17,750", "64,313", "3.6 times higher"]]
    assert "1 revised figure moves by more than 2 times: Social media reach, Community " \
           "Justice Ayrshire Partnership, Apr 2021 (Channel: X/Twitter): 17,750 to 64,313." \
           in large.sentence


def test_a_large_revision_is_not_imported_until_confirmed(demo_store):
    upload, prepared = x_april(demo_store)
    before = demo_store.checksum()
    with pytest.raises(ImportRefused) as refused:
        upload.commit(prepared, {"area": AYRSHIRE})
    assert "17,750 to 64,313" in refused.value.user_message
    assert demo_store.checksum() == before
    result = upload.commit(prepared, {"area": AYRSHIRE}, confirm_large_revisions=True)
    assert (result.rows_new, result.rows_revised) == (0, 2)


def test_the_revision_factor_is_a_setting(demo_store):
    settings = b"key,value\nrevision_factor,4\n"
    commit(demo_store, prepare(demo_store, settings, "settings.csv"))
    upload, prepared = x_april(demo_store)
    assert not upload.large_revisions(prepared)  # 3.6x is within 4x
    upload.commit(prepared, {"area": AYRSHIRE})  # nothing to confirm
    bad = prepare(demo_store, b"key,value\nrevision_factor,0.5\n", "settings.csv")
    assert not bad.ok
    assert "'0.5' is not a factor above 1." in bad.problems["problem"].tolist()


def test_the_cli_refuses_a_large_revision_naming_the_row_until_confirmed(demo_db):
    refused = run("import", str(X_APRIL), "--area", AYRSHIRE, db=demo_db)
    assert refused.returncode == 1, refused.stdout
    assert "Nothing was imported: 1 revised figure moves by more than 2 times: Social media " \
           "reach, Community Justice Ayrshire Partnership, Apr 2021 (Channel: X/Twitter): " \
           "17,750 to 64,313." in " ".join(refused.stderr.split())
    assert "--confirm-large-revisions" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "Import #" not in refused.stdout
    done = run("import", str(X_APRIL), "--area", AYRSHIRE, "--confirm-large-revisions",
               db=demo_db)
    assert done.returncode == 0, done.stderr
    assert "0 new, 2 revised, 0 unchanged." in done.stdout


def test_preview_values_are_in_their_unit_with_readable_breakdowns(demo_store):
    upload, prepared = x_april(demo_store)
    revised = upload.change_table(prepared, "revised")
    reach = revised[revised["Indicator"] == "Social media reach"].iloc[0]
    assert (reach["Breakdown"], reach["Old"], reach["New"]) == (
        "Channel: X/Twitter", "17,750", "64,313")
    rates = (b"indicator,area,period,value,numerator,denominator\n"
             b"eng_newsletter_open_rate,Glasgow City,Mar 2031,32.88,,\n")
    upload = open_upload(demo_store, rates, "rates.csv")
    new = upload.change_table(upload.prepare(), "new")
    assert new["Value"].tolist() == ["32.9%"]


def test_readable_breakdown():
    assert readable_breakdown("channel:X/Twitter") == "Channel: X/Twitter"
    assert readable_breakdown("event:Open day: Ayr") == "Event: Open day: Ayr"
    assert readable_breakdown("") == ""


def test_the_downloaded_template_holds_an_example_row_that_is_never_imported(demo_store):
    data = template_bytes("indicator_values")
    header, example = data.decode().splitlines()
    assert example.startswith("ndo1_diversion_completed,Glasgow City,2023/24,245,")
    filled = data + b"ndo1_diversion_completed,Glasgow City,2031/32,12,,,,,,,\n"
    prepared = prepare(demo_store, filled, "filled.csv")
    assert prepared.ok
    assert prepared.rows[["period_label", "value"]].values.tolist() == [["2031/32", 12]]
    warning = prepared.problems.iloc[0]
    assert (warning["severity"], warning["row"]) == ("warning", 2)
    assert warning["problem"] == "This is the template's example row: it is left out."


def test_which_table_of_a_workbook_is_a_question_with_the_tables_listed(demo_store):
    data = (FIXTURES / "scotgov_older_layout.xlsx").read_bytes()
    upload = open_upload(demo_store, data, "payback.xlsx")
    question = upload.table_question()
    assert question.key == TABLE and question.default == "Table 3"
    assert list(question.series) == ["Table 3", "Table 4"]
    assert question.series["Table 4"].startswith("Table 4:")
    other = open_upload(demo_store, data, "payback.xlsx", sheet="Table 4")
    assert other.description.startswith("Scottish Government table 'Table 4:")
    # A one-table file asks nothing.
    assert open_upload(demo_store, X_APRIL.read_bytes(), X_APRIL.name).table_question() is None


def test_the_cli_lists_the_tables_of_a_workbook(demo_db):
    result = run("import", str(FIXTURES / "scotgov_older_layout.xlsx"), "--dry-run", db=demo_db)
    out = " ".join(result.stdout.split())
    assert "This workbook holds 2 tables; reading 'Table 3'" in out
    assert "--sheet 'Table 4' Table 4: " in out  # each table by its title
    assert "choose another with --sheet NAME" in out


def test_a_template_workbook_with_inline_strings_and_a1_dimension_is_read_in_full(demo_store):
    name = "template_inline_strings.xlsx"  # written by make_exports.template_inline()
    upload = open_upload(demo_store, (FIXTURES / name).read_bytes(), name)
    prepared = upload.prepare()
    assert prepared.ok, prepared.problems
    assert prepared.rows[["period_label", "value"]].values.tolist() == [
        ["2031/32", 41], ["2032/33", 43]]

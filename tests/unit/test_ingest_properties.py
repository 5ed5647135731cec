"""Property tests for uploads: whatever bytes or CSV-ish text arrive, only the project's own
errors (CjmetricsError and its subclasses) come out, and the store is unchanged unless a commit
succeeded.

One store is shared by all the examples of a test; its checksum is taken after every example and
compared with the one before, so each example is checked on its own.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjmetrics.errors import CjmetricsError
from cjmetrics.ingest import TEMPLATES, commit, prepare
from cjmetrics.store import Store

SETTINGS = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

HEADERS = sorted({c.name for t in TEMPLATES.values() for c in t.columns}
                 | {a for t in TEMPLATES.values() for c in t.columns for a in c.aliases}
                 | {"indicator_id", "area_code", "2021/22", "2022/23", "Mar 2024", "2023"})
GOOD_FILES = sorted((Path(__file__).resolve().parent.parent / "data" / "good").iterdir())
MAGIC = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"PK\x03\x04", b"\x89PNG", b"%PDF",
         b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"SQLite format 3\x00"]


def _attempt(store: Store, state: dict, data: bytes, name: str) -> None:
    """prepare (and commit when it is clean); only CjmetricsError may escape, and the store
    may change only through a commit that reports an import."""
    committed = False
    try:
        prepared = prepare(store, data, name)
        if prepared.ok and len(prepared.rows):
            result = commit(store, prepared)
            committed = result.import_id is not None
    except CjmetricsError as exc:
        assert exc.user_message and exc.title
    after = store.checksum()
    if not committed:
        assert after == state["checksum"], f"the store changed without an import: {data[:200]!r}"
    state["checksum"] = after


random_bytes = st.builds(bytes.__add__, st.sampled_from(MAGIC), st.binary(max_size=3000))


@st.composite
def mangled_good_file(draw) -> bytes:
    """A file from tests/data/good/ with random bytes overwritten, inserted or cut."""
    data = bytearray(draw(st.sampled_from(GOOD_FILES)).read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["replace", "insert", "cut"]))
        chunk = draw(st.binary(min_size=1, max_size=8))
        if action == "replace":
            data[at:at + len(chunk)] = chunk
        elif action == "insert":
            data[at:at] = chunk
        else:
            del data[at:at + len(chunk)]
    return bytes(data)


def test_random_bytes(empty_store):
    state = {"checksum": empty_store.checksum()}

    @given(data=st.one_of(random_bytes, mangled_good_file(), mangled_good_file()),
           name=st.sampled_from(["upload.csv", "upload.xlsx", "upload.txt", "upload"]))
    @SETTINGS
    def run(data, name):
        _attempt(empty_store, state, data, name)

    run()


junk = st.text(max_size=12)
POOLS = {
    "indicator": ["ndo1_diversion_completed", "eng_website_visits", "eng_social_reach",
                  "ndo4_community_sentences_completed", "Diversion cases completed",
                  "Website visits", "ndo1_diversion_complete"],
    "area": ["Glasgow", "glasgow city", "S12000049", "S92000003", "CJP-AYR", "East Ayrshire",
             "West Dunbartonshire", "Glasgw"],
    "period": ["2023/24", "2023-24", "2023/2024", "Q1 2024/25", "2024-Q1", "Mar 2024", "2024-03",
               "01/04/2024", "2023", "2023/25", "13/2024", "Q5 2024", "Feb 2024", "2019/20"],
    "number": ["64%", "0.64", "64", "12", "99.5", "1,234", "12,5", "n/a", "140%", "-5", "1e308",
               "NaN", "inf", "999999999999999999999", "-", "", "abc", "#DIV/0!"],
    "text": ["channel:Facebook", "channel:X", "Partnership records", "Includes late, returns",
             'She said "yes"', "caf\u00e9 \u2013", "",
             "Illustrative demo data - not official statistics"],
}
INVALID = {"ndo1_diversion_complete", "Glasgw", "2023/25", "13/2024", "Q5 2024", "140%", "-5",
           "1e308", "NaN", "inf", "999999999999999999999", "-", "", "abc", "#DIV/0!"}
ODD = ['"', "\x00", "\t", ";", ",", "\u00e9", " ", "\r"]


def _cell(kind: str, clean: bool):
    valid = st.sampled_from([v for v in POOLS[kind] if v not in INVALID])
    if clean:
        return valid
    return st.one_of(valid, st.sampled_from(POOLS[kind]), st.sampled_from(ODD), junk,
                     st.integers(-10**6, 10**6).map(str),
                     st.floats(allow_nan=True, allow_infinity=True).map(str))


@st.composite
def csv_text(draw, clean: bool | None = None) -> bytes:
    """Mostly a template's columns (shuffled, some dropped, a junk one added), cells mostly
    plausible for their column; sometimes junk headers, ragged rows and odd characters."""
    template = draw(st.sampled_from(list(TEMPLATES.values())))
    if clean is None:  # half the files are plausible uploads, half are mangled
        clean = draw(st.booleans())
    columns = [c for c in template.columns if c.required or draw(st.booleans())]
    columns = draw(st.permutations(columns))
    headers = [draw(st.sampled_from((c.name, *c.aliases))) for c in columns]
    kinds = [c.kind for c in columns]
    if not clean and draw(st.booleans()):  # a junk or unrelated header
        headers.append(draw(st.one_of(st.sampled_from(HEADERS), junk)))
        kinds.append("text")
    if not clean and draw(st.integers(0, 3)) == 0:  # a required column missing
        headers, kinds = headers[1:], kinds[1:]
    delimiter = draw(st.sampled_from([",", ",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    lines = [delimiter.join(headers)]
    for _ in range(draw(st.integers(0, 8))):
        row = [draw(_cell(kind if kind in POOLS else "text", clean)) for kind in kinds]
        if clean:  # quoted as Excel quotes them
            row = ['"' + v.replace('"', '""') + '"' if delimiter in v or '"' in v else v
                   for v in row]
        elif draw(st.integers(0, 4)) == 0:  # a ragged line
            row = row[:-1] if draw(st.booleans()) else row + [draw(junk)]
        lines.append(delimiter.join(row))
    text = newline.join(lines) + draw(st.sampled_from(["", newline, newline * 3]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le",
                                     "cp1252"]))
    return codecs.encode(text, encoding, errors="replace")


def test_random_csv_text(demo_store):
    state = {"checksum": demo_store.checksum()}

    @given(data=csv_text())
    @SETTINGS
    def run(data):
        _attempt(demo_store, state, data, "upload.csv")

    run()

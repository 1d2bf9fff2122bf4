"""Every page under AppTest, opened from a shared link (preset query parameters) against a fixed
database: the content must follow the link, and empty or wrong links must say so plainly."""
from __future__ import annotations

import json
import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests import dashboard_data as data
from ui import nav

ROOT = data.ROOT
PAGES = [p.file for p in nav.PAGES if p.counts]  # every page that says "Showing N positions"
SHOWING = re.compile(r"Showing ([\d,]+) positions?")
TIMEOUT = 60  # the machine is shared; a slow run is not a failure here (bench/ measures speed)


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory):
    return data.build_db(tmp_path_factory.mktemp("pages") / "parley.duckdb")


@pytest.fixture(autouse=True)
def db(fixture_db, monkeypatch):
    monkeypatch.setenv("PARLEY_DB", str(fixture_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield fixture_db
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(page: str, **params) -> AppTest:
    """Open `page` as a shared link would: the app with these query parameters, then that page."""
    return data.open_page(page, TIMEOUT, **params)


def sentence(at: AppTest) -> str:
    found = [m.value for m in at.markdown if "parley-showing" in m.value]
    assert found, "the page does not say what it shows"
    return re.sub(r"<[^>]+>", "", found[0])


def count(at: AppTest) -> int:
    return int(SHOWING.search(sentence(at)).group(1).replace(",", ""))


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


# (all positions, demands) each page shows: the actors page profiles the most frequent actor (Russia),
# the articles page the newest matching article (hw-talks; with stance=demand, the sample).
EXPECTED = {page: (data.N_POSITIONS, data.N_DEMANDS) for page in PAGES}
EXPECTED["app_pages/actors.py"] = (7, 4)
EXPECTED["app_pages/articles.py"] = (4, 2)


@pytest.mark.parametrize("page", PAGES)
def test_each_page_counts_what_the_link_asks_for(page):
    everything, demands = EXPECTED[page]
    assert count(open_page(page)) == everything
    at = open_page(page, stance="demand")
    assert "stance is demand" in sentence(at)
    assert count(at) == demands


def test_overview_figures_and_latest_follow_the_filters():
    at = open_page("app_pages/overview.py", actor="Ukraine")
    assert count(at) == 4
    assert {m.label: m.value for m in at.metric}["Positions"] == "4"
    assert "Ukraine might give up" in texts(at)  # the latest concession
    assert "_article=hw-talks" in texts(at)       # each leads to its article, filters kept
    assert "actor=Ukraine" in texts(at)
    assert charts(at), "the stance mix chart is drawn"


def test_timeline_draws_only_the_filtered_actors():
    at = open_page("app_pages/timeline.py", actor=["Russia", "NATO"])
    ys = {y for trace in charts(at)[0]["data"] for y in trace["y"]}
    assert ys == {"Russia", "NATO"}
    assert count(at) == 8


def test_actors_profile_and_comparison_come_from_the_link():
    at = open_page("app_pages/actors.py", _actor="Ukraine")
    assert count(at) == 4 and "profile of Ukraine" in sentence(at)
    assert at.selectbox(key="view_actor").value == "Ukraine"
    at = open_page("app_pages/actors.py", _actor="Ukraine", _compare="Russia")
    assert "profile of Ukraine and Russia" in sentence(at)
    assert [h.value for h in at.subheader][:2] == ["Ukraine", "Russia"]
    assert "_compare=Russia" in data.share_link(at, "actors")  # the share link reopens the comparison


def test_actors_unknown_actor_in_the_link_is_said_plainly():
    at = open_page("app_pages/actors.py", _actor="Atlantis")
    assert any("Atlantis" in w.value for w in at.warning)
    assert at.selectbox(key="view_actor").value == "Russia"  # falls back to the most frequent actor


def test_actor_picker_writes_the_url():
    at = open_page("app_pages/actors.py")
    at.selectbox(key="view_actor").set_value("NATO").run()
    assert at.query_params["_actor"] == "NATO"
    assert "profile of NATO" in sentence(at)


def test_issues_ledger_and_negotiation_space():
    # the old one-actor-a-side link (_a, _b) still opens the board
    at = open_page("app_pages/issues.py", _issue="nato_enlargement", _a="Russia", _b="NATO")
    cells = [t for t in charts(at)[0]["data"]]
    assert sum(int(x) for t in cells for x in t["text"]) == data.N_POSITIONS
    md = texts(at)
    assert "**Russia demands**" in md and "**NATO answers:**" in md
    assert "NATO rejected the demand as a non\\-starter\\." in md
    assert not at.dataframe   # the ledger as a table: drawn once its expander opens
    at.session_state["issues_ledger"] = True
    assert at.run().dataframe[0].value["count"].sum() == data.N_POSITIONS


def test_negotiation_board_sides_are_sets_and_every_move_links_to_its_evidence():
    at = open_page("app_pages/issues.py", _issue="nato_enlargement", _side_a="Russia",
                   _side_b="NATO,United States,West")
    assert at.multiselect(key="view_side_b").value == ["NATO", "United States", "West"]
    assert at.get("pills")[1].value == "NATO + United States + West"
    md = texts(at)
    assert "#### Side B: NATO \\+ United States \\+ West" in md
    # Russia's demand of 2022-01-10 is answered by NATO's rejection that day
    values = [m.value for m in at.markdown]
    demand = next(i for i, v in enumerate(values) if v.startswith("`2022-01-10` **Russia demands**"))
    answer = values[demand + 1]
    assert answer.startswith("**NATO \\+ United States \\+ West answers:**")
    assert "same day: `2022-01-10` **NATO rejects** → Russia — NATO rejected the demand" in answer
    assert "Ukraine" not in answer   # Ukraine's concession is on neither side
    # every move of both sides on the issue (Ukraine is on neither), each one click from its sentence
    moves = [m.value for m in at.markdown if 'target="_self"' in m.value and "answers:" not in m.value]
    assert len(moves) == 3   # Russia's two demands (with their answers) and NATO's rejection
    assert all("/articles?_article=" in m and "&amp;_pos=" in m for m in moves)
    assert not any("_blank" in m for m in moves)
    assert ("Showing 3 positions: 3 statements on NATO enlargement of Russia (side A) and NATO + United States + "
            "West (side B).") in texts(at)
    assert "_side_b=NATO%2CUnited+States%2CWest" in data.share_link(at, "negotiation")   # the share link reopens the board


def test_negotiation_board_pages_through_every_move(monkeypatch):
    from core.analysis import negotiation

    monkeypatch.setattr(negotiation, "PAGE_SIZE", 2)
    at = open_page("app_pages/issues.py", _issue="nato_enlargement", _side_a="Russia", _side_b="Ukraine,NATO",
                   _page="2")
    assert at.number_input(key="view_page").value == 2
    assert "Statements 3–4 of 6, oldest first." in [c.value for c in at.caption]
    at = open_page("app_pages/issues.py", _issue="nato_enlargement", _side_a="Russia", _side_b="Ukraine,NATO",
                   _page="2", _count="reports")
    assert "Moves 3–4 of 6, oldest first." in [c.value for c in at.caption]
    assert "6 reports on NATO enlargement" in texts(at)
    at.number_input(key="view_page").set_value(3).run()
    assert at.query_params["_page"] == "3"


def test_a_dense_board_counts_moves_per_week_and_says_how_to_see_each(monkeypatch):
    from core.analysis import negotiation

    monkeypatch.setattr(negotiation, "DENSE_MOVES", 2)
    at = open_page("app_pages/issues.py", _issue="nato_enlargement", _side_a="Russia", _side_b="NATO")
    board = charts(at)[1]
    assert board["layout"]["barmode"] == "relative"
    assert sum(abs(y) for t in board["data"] for y in t["y"]) == 3   # the board's 3 statements, counted
    note = next(c.value for c in at.caption if "per week" in c.value)
    assert note.startswith("3 statements: too many to draw one by one") and "at most 2" in note
    # every move is still listed below the chart, each with its evidence link
    assert len([m.value for m in at.markdown if 'target="_self"' in m.value and "answers:" not in m.value]) == 3
    monkeypatch.setattr(negotiation, "DENSE_MOVES", 3)
    st.cache_resource.clear()
    at = open_page("app_pages/issues.py", _issue="nato_enlargement", _side_a="Russia", _side_b="NATO")
    assert charts(at)[1]["data"][0]["mode"] == "markers"   # few enough: a dot per move again
    assert not any("per week" in c.value for c in at.caption)


def test_negotiation_board_says_unknown_actors_plainly():
    at = open_page("app_pages/issues.py", _issue="nato_enlargement", _side_a="Russia,Atlantis", _side_b="NATO")
    assert any("Atlantis" in w.value for w in at.warning)
    assert at.multiselect(key="view_side_a").value == ["Russia"]


def test_issues_with_one_side_only_says_so():
    at = open_page("app_pages/issues.py", _issue="sanctions")
    assert any("Only one actor" in i.value for i in at.info)


def test_network_edges_follow_the_stance_filter():
    at = open_page("app_pages/network.py", stance="demand")
    names = {t["name"] for t in charts(at)[0]["data"] if t["name"] != "actors"}
    assert names == {"demand"}
    assert not at.dataframe   # the table of links is drawn once its expander opens
    at.session_state["network_links"] = True
    assert at.run().dataframe[0].value["count"].sum() == data.N_DEMANDS


def test_positions_table_is_sorted_newest_first_and_links_to_articles():
    at = open_page("app_pages/positions.py", stance="demand", actor="Russia")
    table = at.dataframe[0].value
    assert len(table) == 4 == count(at)
    assert table["date"].tolist() == sorted(table["date"].tolist(), reverse=True)
    assert all(link.startswith("/articles?actor=Russia&stance=demand&_article=") for link in table["article"])
    assert table["confidence"].tolist() == [0.9] * 4  # the extractor's score, beside the evidence


def test_article_text_is_escaped_and_highlighted():
    at = open_page("app_pages/articles.py", _article="hw-script")
    html = "".join(h.proto.body for h in at.get("html"))
    assert "<script>" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert html.count('<mark class="parley-pos"') == 1
    assert count(at) == 1
    assert_no_live_markup(at)


MARKDOWN_ELEMENTS = ("markdown", "caption", "title", "header", "subheader", "warning", "info", "error", "success")


def assert_no_live_markup(at: AppTest) -> None:
    """A title or outlet (or a link's value) holding Markdown is drawn as its characters: no live link,
    no bold, no colour in any element Streamlit renders as Markdown."""
    for kind in MARKDOWN_ELEMENTS:
        for element in at.get(kind):
            value = getattr(element, "value", "") or ""
            assert not [m for m in data.MARKUP if m in value], (kind, value)


@pytest.mark.parametrize("page, params", [
    ("app_pages/overview.py", {}),
    ("app_pages/articles.py", {"_article": "hw-script"}),
    ("app_pages/positions.py", {"outlet": data.OUTLET_PAYLOAD}),
    ("app_pages/timeline.py", {"actor": "[Read the statement](https://phish.example) **loud** :red[red]"}),
    ("app_pages/articles.py", {"_article": "[Subscribe](https://phish.example) **now**"}),
])
def test_markdown_in_titles_outlets_and_links_stays_text(page, params):
    at = open_page(page, **params)
    assert_no_live_markup(at)


def test_article_highlights_follow_the_filters():
    at = open_page("app_pages/articles.py", _article=data.SAMPLE_ID, stance="demand")
    html = "".join(h.proto.body for h in at.get("html"))
    assert html.count('<mark class="parley-pos"') == 1  # two demand rows share one sentence
    assert count(at) == 2


def _position_id(article_id: str, start: str) -> str:
    from core.filters import Filters
    from ui import cache

    rows = cache.positions(Filters(), reviewed_only=False)
    return rows[(rows["article_id"] == article_id) & rows["sentence"].str.startswith(start)]["position_id"].iloc[0]


def test_evidence_link_marks_scrolls_to_and_cites_the_sentence():
    pid = _position_id("hw-guarantees", "NATO rejected")
    at = open_page("app_pages/articles.py", _article="hw-guarantees", _pos=pid)
    bodies = [h.proto.body for h in at.get("html")]
    article = next(b for b in bodies if "parley-article" in b)
    assert article.count(f'id="pos-{pid}"') == 1 and article.count("outline:3px solid") == 1
    script = next(b for b in bodies if "<script>" in b)
    assert f'getElementById("pos-{pid}")' in script and "scrollIntoView" in script
    assert at.selectbox(key="view_pos").value == pid
    cite = next(c.value for c in at.code if c.value.startswith("“"))
    assert cite == ("“NATO rejected the demand as a non-starter.” NATO. Test Wire, 2022-01-10. "
                    "https://example.org/guarantees")
    assert "why: cue &quot;test&quot; · rule test · confidence 0.90" in article   # the hover says why
    assert "not reviewed" in article
    assert at.subheader[0].value == "Guarantees row"
    assert f"_pos={pid}" in data.share_link(at, "article")  # the share link keeps it


def test_overview_links_open_the_evidence_in_the_same_tab():
    at = open_page("app_pages/overview.py", stance="demand")
    links = [m.value for m in at.markdown if "/articles?" in m.value]
    assert links and all('target="_self"' in v and "_pos=" in v for v in links)


def test_unknown_article_falls_back_with_a_notice():
    at = open_page("app_pages/articles.py", _article="no-such-article")
    assert any("no-such-article" in w.value for w in at.warning)


def test_ingest_reports_duplicates_and_refusals():
    import datetime as dt

    at = open_page("app_pages/ingest.py")
    at.text_area[0].set_value(data.SAMPLE["text"])
    at.date_input[0].set_value(dt.date(2022, 2, 14))  # "Published" has no default: the article's own date is asked for
    at.button[0].click().run()  # the paste form's submit button
    assert not at.exception
    assert any("0 new, 1 duplicate, 0 failed" in s.value for s in at.warning)
    assert "same text as stored article" in texts(at)
    assert {m.label: m.value for m in at.metric}["Duplicates"] == "1"


def test_unknown_actor_in_the_url_is_ignored_with_a_notice():
    at = open_page("app_pages/positions.py", actor="Atlantis", stance="demand")
    assert any("Ignored actor='Atlantis'" in w.value for w in at.warning)
    assert count(at) == data.N_DEMANDS
    assert "actor" not in at.query_params  # the link is cleaned so sharing it is honest


def test_bad_date_is_ignored_with_a_notice():
    at = open_page("app_pages/timeline.py", **{"from": "2022-13-01"})
    assert any("YYYY-MM-DD" in w.value for w in at.warning)
    assert count(at) == data.N_POSITIONS


def test_date_range_narrows_the_view():
    at = open_page("app_pages/positions.py", **{"from": "2022-02-01", "to": "2022-02-28"})
    assert "from 2022-02-01, to 2022-02-28" in sentence(at)
    assert count(at) == 7


def test_no_match_says_so():
    at = open_page("app_pages/network.py", q="zzzz-nothing")
    assert count(at) == 0
    assert any("No positions match these filters" in i.value for i in at.info)


def test_widgets_follow_the_link_and_write_it_back():
    at = open_page("app_pages/positions.py", stance="demand", issue="nato_enlargement")
    assert at.multiselect(key="flt_stance").value == ["demand"]
    assert at.multiselect(key="flt_issue").value == ["nato_enlargement"]
    at.multiselect(key="flt_actor").set_value(["Ukraine"]).run()
    assert at.query_params["actor"] == "Ukraine" and at.query_params["stance"] == "demand"
    assert count(at) == 1
    at.text_input(key="flt_q").set_value("door").run()
    assert at.query_params["q"] == "door"
    at.multiselect(key="flt_stance").set_value([]).run()
    assert "stance" not in at.query_params


def test_filters_survive_a_page_change():
    at = open_page("app_pages/positions.py", stance="demand")
    at.query_params.clear()  # what Streamlit's navigation does to the URL
    at.switch_page("app_pages/timeline.py").run()
    assert at.query_params.get("stance") == "demand"
    assert count(at) == data.N_DEMANDS


def test_sidebar_links_carry_the_filters():
    # On the entry page: after switch_page, AppTest's tree no longer holds what app.py drew first.
    at = open_page("app_pages/overview.py", stance="demand", actor="Russia", _actor="NATO")
    links = at.get("page_link")
    assert len(links) >= 8
    assert all(link.proto.query_string == "actor=Russia&stance=demand" for link in links)  # view params stay behind


def test_reviewed_only_switch_travels_with_the_filters():
    at = open_page("app_pages/overview.py", stance="demand", _reviewed="1", _count="reports")
    links = at.get("page_link")
    assert links and all(link.proto.query_string == "stance=demand&_reviewed=1" for link in links)
    assert "reviewed only" in sentence(at)                      # every page says so, not only Review/Shifts
    assert data.share_link(at).endswith("/?stance=demand&_reviewed=1")   # and its share link keeps it

    at.query_params.clear()  # a page change through Streamlit's navigation empties the URL
    at.switch_page("app_pages/timeline.py").run()
    assert at.query_params.get("_reviewed") == "1" and at.toggle(key="rv_reviewed_toggle").value is True
    assert "reviewed only" in sentence(at)


def test_switch_turned_off_stays_off_after_a_page_change():
    at = open_page("app_pages/overview.py", _reviewed="1")
    at.toggle(key="rv_reviewed_toggle").set_value(False).run()
    assert "_reviewed" not in at.query_params
    at.query_params.clear()
    at.switch_page("app_pages/timeline.py").run()
    assert "_reviewed" not in at.query_params and at.toggle(key="rv_reviewed_toggle").value is False


def test_share_link_reproduces_the_view():
    at = open_page("app_pages/positions.py", stance="demand", actor=["Russia", "NATO"])
    assert data.share_link(at).endswith("/positions?actor=Russia&actor=NATO&stance=demand")


def test_empty_database_offers_the_sample(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLEY_DB", str(tmp_path / "empty.duckdb"))
    for page in [p for p in PAGES if p != "app_pages/ingest.py"]:
        at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert any("holds no articles yet" in i.value for i in at.info), page
        assert any(b.label == "Load the sample article" for b in at.button), page


def test_fresh_clone_shows_the_sample_positions(tmp_path, monkeypatch):
    pytest.importorskip("core.ingest.sample", reason="core.ingest.sample (the store engineer's) has not landed yet")
    monkeypatch.setenv("PARLEY_DB", str(tmp_path / "fresh.duckdb"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    assert count(at) > 0


def test_ingest_upload_refuses_a_broken_file_and_says_why():
    at = open_page("app_pages/ingest.py")
    at.file_uploader[0].set_value(("broken.jsonl", b"{not json\n", "application/json"))
    submit = next(b for b in at.button if b.label == "Extract and store" and b.proto.form_id == "upload")
    submit.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("0 new, 0 duplicate, 1 failed" in w.value for w in at.warning)
    shown = texts(at).replace("\\", "")
    assert "broken JSON" in shown and "- failed broken.jsonl:1" in shown  # the server's upload folder stays hidden
    assert {m.label: m.value for m in at.metric}["Refused"] == "1"


def test_ingest_refuses_addresses_that_are_not_urls():
    at = open_page("app_pages/ingest.py")
    area = next(t for t in at.text_area if t.label == "One URL per line")
    area.set_value("ftp://example.org/x\nnot a url")
    next(b for b in at.button if b.proto.form_id == "urls").click().run()
    assert any("Not a web address" in e.value for e in at.error)


def test_date_widgets_write_the_url():
    import datetime as dt

    at = open_page("app_pages/positions.py")
    at.date_input(key="flt_from").set_value(dt.date(2022, 2, 1)).run()
    assert at.query_params["from"] == "2022-02-01"
    assert count(at) == 7
    clear = next(b for b in at.button if b.label == "Clear filters")
    clear.click().run()
    assert not any(k in at.query_params for k in ("from", "to"))
    assert count(at) == data.N_POSITIONS


def test_positions_page_queries_each_filter_set_once(monkeypatch):
    # The table, the statement count and the downloads share one cached read: the store is asked once.
    import core.storage.review

    calls = []
    real = core.storage.review.query_positions

    def counting(store, filters=None, **kw):
        calls.append((filters, kw))
        return real(store, filters, **kw)

    monkeypatch.setattr(core.storage.review, "query_positions", counting)
    at = open_page("app_pages/positions.py", stance="demand")
    assert count(at) == data.N_DEMANDS
    demand_calls = [c for c in calls if c[0] is not None and c[0].stance == ("demand",)]
    assert len(demand_calls) == 1, demand_calls


def test_actor_shifts_are_detected_on_that_actors_rows_only(monkeypatch):
    # Shifts are found per actor-and-issue line: the actor page need not detect every actor's.
    import core.analysis.shifts

    seen = []
    real = core.analysis.shifts.detect_shifts

    def recording(df, **kw):
        seen.append(set(df["actor"].dropna()))
        return real(df, **kw)

    monkeypatch.setattr(core.analysis.shifts, "detect_shifts", recording)
    at = open_page("app_pages/actors.py", _actor="Ukraine")
    assert "profile of Ukraine" in sentence(at)
    # unfiltered, the page reads the shifts stored at write time (core.storage.derived): nothing is detected
    assert all(actors <= {"Ukraine"} for actors in seen), seen
    at = open_page("app_pages/actors.py", _actor="Ukraine", **{"from": "1900-01-01"})  # a filter: found per view
    assert "profile of Ukraine" in sentence(at)
    assert seen and all(actors <= {"Ukraine"} for actors in seen), seen


def test_positions_caption_counts_what_the_table_lists(monkeypatch):
    # In the default statements mode the table lists statements: the caption must not call them positions.
    import ui.share

    monkeypatch.setattr(ui.share, "TABLE_ROWS", 3)
    at = open_page("app_pages/positions.py")
    n_statements = int(re.search(r"([\d,]+) statements", sentence(at)).group(1))
    assert len(at.dataframe[0].value) == 3
    captions = " ".join(c.value for c in at.caption)
    assert f"Statements 1–3 of {n_statements}, newest first." in captions
    assert f"The downloads hold all {data.N_POSITIONS} positions, not only this page." in captions


def _all_pages(monkeypatch, size: int, **params) -> tuple[list, list]:
    """Every page of the Positions table (`_page=1…`), with their captions: (rows of each page, captions)."""
    import ui.share

    monkeypatch.setattr(ui.share, "TABLE_ROWS", size)
    at = open_page("app_pages/positions.py", **params)
    pages = int(re.search(r"of (\d+)\)", at.number_input(key="view_page").label).group(1))
    seen = [open_page("app_pages/positions.py", **params, _page=str(n)) for n in range(1, pages + 1)]
    return [a.dataframe[0].value for a in seen], [" ".join(c.value for c in a.caption) for a in seen]


def test_positions_table_pages_through_every_row_newest_first(monkeypatch):
    # 1,000 rows were 541 kB sent to the browser at 100,000 positions: the table lists a page of rows, and the
    # pages together hold every row the table would have listed, newest first, each once.
    tables, captions = _all_pages(monkeypatch, 4, _count="reports")
    assert [len(t) for t in tables] == [4, 4, 4, 2]
    ids = [a for t in tables for a in t["article"]]
    assert len(ids) == len(set(ids)) == data.N_POSITIONS
    dates = [d for t in tables for d in t["date"]]
    assert dates == sorted(dates, key=lambda d: d.ljust(10, "~"), reverse=True)   # 2021-12 after 2021-12-05
    assert "Reports 13–14 of 14, newest first." in captions[3]
    at = open_page("app_pages/positions.py", _count="reports", _page="4")
    assert count(at) == data.N_POSITIONS   # the sentence covers every row, whatever the page
    assert "_page=4" in data.share_link(at)   # the share link keeps it


def test_positions_download_holds_every_row_on_any_page(monkeypatch):
    import ui.share

    offered = []
    real = ui.share.downloads
    monkeypatch.setattr(ui.share, "downloads", lambda df, name="positions": offered.append(len(df)) or real(df, name))
    monkeypatch.setattr(ui.share, "TABLE_ROWS", 2)
    at = open_page("app_pages/positions.py", stance="demand", _page="2", _count="reports")
    assert len(at.dataframe[0].value) == 2 and count(at) == data.N_DEMANDS
    assert offered and set(offered) == {data.N_DEMANDS}   # the CSV and JSON: every row "Showing" counts


def test_positions_pager_buttons_and_number_write_the_link(monkeypatch):
    import ui.share

    monkeypatch.setattr(ui.share, "TABLE_ROWS", 4)
    at = open_page("app_pages/positions.py", _count="reports")
    previous, following = at.button(key="view_page_previous"), at.button(key="view_page_next")
    assert previous.disabled and not following.disabled
    following.click().run()
    assert at.query_params["_page"] == "2" and at.number_input(key="view_page").value == 2
    at.button(key="view_page_next").click().run()
    assert at.query_params["_page"] == "3"
    at.button(key="view_page_previous").click().run()
    at.button(key="view_page_previous").click().run()
    assert "_page" not in at.query_params   # page 1 is the default: left out of the link
    at.number_input(key="view_page").set_value(4).run()
    assert at.query_params["_page"] == "4" and at.button(key="view_page_next").disabled
    assert len(at.dataframe[0].value) == 2
    at = open_page("app_pages/positions.py", _count="reports", _page="99")   # past the end: the last page
    assert at.number_input(key="view_page").value == 4


def test_no_pages_folder_beside_the_app():
    # With a `pages/` folder beside app.py, Streamlit runs pages/<name>.py directly (its old multipage mode),
    # skipping app.py, until st.navigation has run once in the server process: a shared link opened first
    # after a restart (/timeline) lost the page menu, the wide layout and the sample load.
    assert not (ROOT / "pages").exists()
    assert all((ROOT / f).is_file() for f in PAGES)


def test_a_page_changing_its_rows_leaves_the_cached_rows_alone():
    # The query result is kept once for every page and session: what one page does to its frame must not
    # reach the next reader.
    from core.filters import Filters
    from ui import cache

    first = cache.positions(Filters(), reviewed_only=False)
    stances, actors = first["stance"].tolist(), first["actor"].tolist()
    first["stance"] = "edited"
    first.loc[first.index[:2], "actor"] = "edited"
    again = cache.positions(Filters(), reviewed_only=False)
    assert len(again) == data.N_POSITIONS
    assert again["stance"].tolist() == stances and again["actor"].tolist() == actors


def test_minimum_confidence_follows_the_link_and_the_widget():
    # every fixture position is scored 0.9: a cut at 0.9 keeps them all, one above it none
    at = open_page("app_pages/positions.py", conf="0.9")
    assert count(at) == data.N_POSITIONS and "confidence at least 0.9" in sentence(at)
    assert at.number_input(key="flt_conf").value == 0.9
    at.number_input(key="flt_conf").set_value(0.95).run()
    assert at.query_params["conf"] == "0.95"
    assert count(at) == 0
    at = open_page("app_pages/positions.py", conf="lots")
    assert count(at) == data.N_POSITIONS and "conf" not in at.query_params


def test_an_unknown_page_says_it_does_not_exist(monkeypatch):
    from ui import nav

    assert nav.missing_page("nonexistent", nav.PAGES) == "nonexistent"
    assert nav.missing_page("", nav.PAGES) is None and nav.missing_page("timeline", nav.PAGES) is None
    monkeypatch.setattr(nav, "requested_page", lambda: "nonexistent")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert any("There is no page /nonexistent" in e.value for e in at.error)
    assert not any("parley-showing" in m.value for m in at.markdown)   # the Overview is not passed off as it


def test_stance_in_capitals_is_read_and_the_link_cleaned():
    at = open_page("app_pages/positions.py", stance="DEMAND")
    assert count(at) == data.N_DEMANDS and "stance is demand" in sentence(at)
    assert at.query_params["stance"] == "demand" and not at.warning


def test_positions_table_is_as_tall_as_its_rows(monkeypatch):
    import ui.share
    from ui.share import table_height

    asked = []
    monkeypatch.setattr(ui.share, "table_height", lambda n: asked.append(n) or table_height(n))
    at = open_page("app_pages/positions.py", actor="NATO")
    assert len(at.dataframe[0].value) == 1 and asked == [1]
    assert table_height(1) < 100 < table_height(10) < table_height(500) == table_height(20) < 800


def test_a_long_search_is_shortened_in_the_sentence():
    at = open_page("app_pages/positions.py", q="door " * 960)
    said = sentence(at)
    assert "(4,799 characters)" in said and len(said) < 300


def test_ingest_without_a_date_points_at_the_date_field():
    at = open_page("app_pages/ingest.py")
    assert at.date_input[0].label == "Published" and at.date_input[0].value is None   # not today by default
    at.text_area[0].set_value("Russia demanded that NATO stop. A new text for this test.")
    at.button[0].click().run()
    assert any('"Published" field' in e.value for e in at.error)
    at = open_page("app_pages/ingest.py")
    at.file_uploader[0].set_value(("undated.txt", b"Russia demanded that NATO stop its expansion.\n", "text/plain"))
    next(b for b in at.button if b.label == "Extract and store" and b.proto.form_id == "upload").click().run()
    shown = texts(at).replace("\\", "")
    assert 'fill in "Publication date for files that do not give one"' in shown, shown
    assert "--published" not in shown


def test_trust_words_why_and_reviewed_badge_where_rows_are_read(tmp_path, monkeypatch):
    # a hand-written precision table: only rows scored 0.95 or more were right 7 times in 10, so the
    # fixture's rows (all scored 0.9) read "uncertain"
    report = {"per_stance_L1": {"demand": {"precision": 0.5}},
              "model": {"cv": {"by_confidence": [{"min_confidence": 0.5, "precision": 0.6, "recall": 0.3},
                                                 {"min_confidence": 0.95, "precision": 0.8, "recall": 0.1}]}}}
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    monkeypatch.setenv("PARLEY_EVAL_REPORT", str(path))
    at = open_page("app_pages/positions.py", stance="demand")
    table = at.dataframe[0].value
    assert set(table["trust"]) == {"uncertain"} and not table["reviewed"].any()
    assert set(table["why"]) == {'cue "test" · rule test'}
    assert any("“likely”: scored at least 0.95" in c.value and "80%" in c.value for c in at.caption)
    at = open_page("app_pages/timeline.py")
    hovers = [t for trace in charts(at)[0]["data"] for t in trace["text"]]
    assert all('<i>uncertain · cue "test" · rule test</i>' in h for h in hovers)
    at = open_page("app_pages/issues.py", _issue="nato_enlargement", _side_a="Russia", _side_b="NATO")
    assert '[uncertain?]</small>' in texts(at) and 'title="cue &quot;test&quot; · rule test · confidence 0.90"' in texts(at)


def _add_second_report(db_path):
    """A second outlet's report of the hw-guarantees demand (same actor, stance, issue, target, date, words)."""
    from core.ingest.ingest import ingest_articles
    from core.storage.store import open_store

    text = "Russia demanded legally binding guarantees that NATO would not expand east, officials said."
    art = {"article_id": "hw-echo", "title": "Echo", "outlet": "Echo News", "published": "2022-01-11", "text": text}

    def extract(text, *, article_id, published, title=None):
        from core.schema import positions_frame

        return positions_frame([dict(article_id=article_id, sentence=text, char_start=0, char_end=len(text),
                                     actor="Russia", speaker="Sergei Lavrov", target="NATO", stance="demand",
                                     issue="nato_enlargement", date="2022-01-10", date_precision="day", hedged=False,
                                     quote=None, confidence=0.9, rule_id="test", cue="test")])
    ingest_articles(open_store(db_path), [art], extract=extract)


def test_lists_count_statements_with_the_outlets_that_carried_them(tmp_path, monkeypatch):
    path = data.build_db(tmp_path / "echo.duckdb")
    _add_second_report(path)
    monkeypatch.setenv("PARLEY_DB", str(path))
    at = open_page("app_pages/overview.py", stance="demand", actor="Russia")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Positions"] == "5" and metrics["Articles"] == "4"
    demands = [m.value for m in at.markdown if "Latest demands" not in m.value and "_pos=" in m.value]
    assert len(demands) == 4 and sum("carried by 2 outlets" in d for d in demands) == 1
    at = open_page("app_pages/overview.py", stance="demand", actor="Russia", _count="reports")
    assert len([m.value for m in at.markdown if "_pos=" in m.value]) == 5
    board = open_page("app_pages/issues.py", _issue="nato_enlargement", _side_a="Russia", _side_b="NATO")
    assert "carried by 2 outlets" in texts(board)
    assert "Showing 4 positions: 3 statements on NATO enlargement" in texts(board)


def test_overview_and_articles_count_articles_alike():
    for params in ({}, {"stance": "demand"}, {"actor": "European Union"}):
        overview = {m.label: m.value for m in open_page("app_pages/overview.py", **params).metric}
        at = open_page("app_pages/articles.py", **params)
        listed = next(e.label for e in at.expander if e.label.startswith("All "))
        assert f"All {overview['Articles']} articles" in listed, (params, overview, listed)
    # nothing is reviewed yet: with "reviewed only" no article holds a shown position, so none is listed
    # (the store's own list would still have named all four)
    at = open_page("app_pages/articles.py", _reviewed="1")
    assert not [e for e in at.expander if e.label.startswith("All ")] and not at.get("html")


def test_one_statement_compared_across_the_outlets_that_carried_it(tmp_path, monkeypatch):
    path = data.build_db(tmp_path / "echo.duckdb")
    _add_second_report(path)
    monkeypatch.setenv("PARLEY_DB", str(path))
    at = open_page("app_pages/positions.py", actor="Russia", stance="demand")
    box = at.selectbox(key="view_statement")
    assert len(box.options) == 2 and "Echo News, Test Wire" in box.options[1]   # none, then the statement
    box.select_index(1).run()
    pid = at.query_params["_statement"]
    at = open_page("app_pages/positions.py", actor="Russia", stance="demand", _statement=pid)
    assert "Showing 2 positions: stance is demand, actor is Russia, 2 reports of one statement." in texts(at)
    md = texts(at)
    assert "**Test Wire** · published 2022\\-01\\-10" in md and "**Echo News** · published 2022\\-01\\-11" in md
    assert md.index("**Test Wire**") < md.index("**Echo News**")   # earliest published first
    assert "wording 100% like the first report" in md
    assert "_statement=" in data.share_link(at, "statement")


def test_actor_concessions_link_to_their_evidence():
    at = open_page("app_pages/actors.py", _actor="Ukraine")
    lines = [m.value for m in at.markdown if "*concession" in m.value]
    assert len(lines) == 2 and all('target="_self"' in v and "_pos=" in v and "NATO enlargement" in v for v in lines)


def test_choosing_another_article_leaves_the_old_position_behind():
    pid = _position_id("hw-guarantees", "NATO rejected")
    at = open_page("app_pages/articles.py", _article="hw-guarantees", _pos=pid)
    at.selectbox(key="view_article").set_value("hw-talks").run()
    assert at.query_params["_article"] == "hw-talks" and "_pos" not in at.query_params
    assert not at.warning


def captions(at: AppTest) -> str:
    return " ".join(c.value.replace("\\", "") for c in at.caption)   # md_line's escapes removed


def test_article_picker_lists_a_bounded_number_and_says_how_to_find_the_rest(monkeypatch):
    # Thousands of titles in the select box were 500 kB sent to the browser at 100,000 positions: it lists the
    # first few, the table under the article the same, and says how many match.
    import ui.share

    monkeypatch.setattr(ui.share, "PICKER_ROWS", 2)
    at = open_page("app_pages/articles.py")
    assert at.selectbox(key="view_article").options[0].endswith("(hw-talks)")   # the newest, shown by default
    assert len(at.selectbox(key="view_article").options) == 2
    assert "4 articles: the picker lists the first 2; narrow the search to find the others." in captions(at)
    assert len(at.dataframe[0].value) == 2
    assert next(e.label for e in at.expander if e.label.startswith("All ")).startswith("All 4 articles")


def test_article_deep_link_opens_an_article_the_picker_does_not_list(monkeypatch):
    import ui.share

    monkeypatch.setattr(ui.share, "PICKER_ROWS", 1)
    at = open_page("app_pages/articles.py", _article="hw-guarantees")   # third in the list
    box = at.selectbox(key="view_article")
    assert box.value == "hw-guarantees" and box.options[0] == "Guarantees row (hw-guarantees)"
    assert len(box.options) == 2 and not at.warning
    assert at.subheader[0].value == "Guarantees row" and count(at) == 4
    # searched for something else, the linked article still shows
    at = open_page("app_pages/articles.py", _article="hw-guarantees", _title="talks")
    assert at.selectbox(key="view_article").value == "hw-guarantees" and at.subheader[0].value == "Guarantees row"


def test_article_search_narrows_the_picker_and_lives_in_the_link():
    at = open_page("app_pages/articles.py", _title="GUARANTEES")
    assert at.selectbox(key="view_article").options == ["Guarantees row (hw-guarantees)"]
    assert at.subheader[0].value == "Guarantees row"
    assert "1 of 4 articles whose title holds “GUARANTEES”." in captions(at)
    assert "_title=GUARANTEES" in data.share_link(at, "article")   # the share link
    at.text_input(key="view_title").input("talks go").run()
    assert at.query_params["_title"] == "talks go"
    assert at.selectbox(key="view_article").options == ["Talks go on (hw-talks)"]
    at.text_input(key="view_title").input("  ").run()
    assert "_title" not in at.query_params and len(at.selectbox(key="view_article").options) == 4


def test_article_search_without_a_match_says_so():
    at = open_page("app_pages/articles.py", _title="[no](such) title")
    assert any("No article's title holds" in i.value and "change or clear the search" in i.value for i in at.info)
    assert not at.get("html")
    assert_no_live_markup(at)


def test_article_page_leaves_out_page_furniture_unless_asked():
    at = open_page("app_pages/articles.py", _article=data.SAMPLE_ID)
    article = next(h.proto.body for h in at.get("html") if "parley-article" in h.proto.body)
    assert "SHARE THIS ARTICLE" not in article and "Press TV News Roku" not in article
    assert article.count('<mark class="parley-pos"') >= 3   # the positions are all still marked
    at.toggle(key="view_furniture").set_value(True).run()
    assert at.query_params["_furniture"] == "1"
    article = next(h.proto.body for h in at.get("html") if "parley-article" in h.proto.body)
    assert "SHARE THIS ARTICLE" in article


def _choose_table_row(at: AppTest, row: int) -> None:
    """Tick the box of the Positions table's row `row` (its widget key names the rows it shows)."""
    key = at.dataframe[0].proto.id.split("-", 2)[-1]
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()


def _chosen_sentence(at: AppTest) -> str | None:
    return next((m.value for m in at.markdown if m.value.startswith("**Chosen row:**")), None)


def test_choosing_a_positions_row_offers_its_evidence_here_and_its_citation():
    at = open_page("app_pages/positions.py", actor="NATO")
    assert not [c for c in at.code if c.value.startswith("“")]
    _choose_table_row(at, 0)
    chosen = _chosen_sentence(at)
    assert chosen and 'target="_self"' in chosen and "_pos=" in chosen
    assert any(c.value.startswith("“NATO rejected the demand") and "Test Wire" in c.value for c in at.code)


def test_a_chosen_positions_row_does_not_carry_over_to_another_page(monkeypatch):
    # the table remembers a chosen row by its place: on the next page that place holds another statement,
    # which must not be offered as the one chosen
    monkeypatch.setattr("ui.share.TABLE_ROWS", 2)
    at = open_page("app_pages/positions.py", _count="reports")
    _choose_table_row(at, 1)
    first = _chosen_sentence(at)
    assert first and at.dataframe[0].value.iloc[1]["sentence"][:40] in first
    at.button(key="view_page_next").click().run()
    assert at.query_params["_page"] == "2" and _chosen_sentence(at) is None
    at.button(key="view_page_previous").click().run()
    assert "_page" not in at.query_params and at.dataframe[0].value.iloc[1]["sentence"][:40] in first


def test_board_sides_from_repeated_values_or_a_preset_name():
    at = open_page("app_pages/issues.py", _issue="nato_enlargement", _side_a="Russia",
                   _side_b=["NATO", "United States"])
    assert at.multiselect(key="view_side_b").value == ["NATO", "United States"]
    at = open_page("app_pages/issues.py", _issue="nato_enlargement", _side_a="Ukraine",
                   _side_b="NATO + United States + West")
    assert at.multiselect(key="view_side_b").value == ["NATO", "United States", "West"]
    at.multiselect(key="view_side_a").set_value(["Russia"]).run()   # the widget writes a comma list
    assert at.query_params["_side_a"] == "Russia" and "#### Side A: Russia" in texts(at)


def test_another_issue_starts_the_board_at_its_first_page(monkeypatch):
    from core.analysis import negotiation

    monkeypatch.setattr(negotiation, "PAGE_SIZE", 2)
    at = open_page("app_pages/issues.py", _issue="nato_enlargement", _side_a="Russia", _side_b="Ukraine,NATO",
                   _page="2")
    assert at.number_input(key="view_page").value == 2
    at.selectbox(key="view_issue").set_value("military_posture").run()
    assert "_page" not in at.query_params


def test_timeline_draws_the_whole_range_with_month_dates_hollow():
    at = open_page("app_pages/timeline.py")
    traces = charts(at)[0]["data"]
    assert sum(len(t["x"]) for t in traces) == data.N_POSITIONS      # every position, December 2021 included
    demand = next(t for t in traces if t["name"] == "demand")
    assert any(x.startswith("2021-12-16T00:00") for x in demand["x"]) and "circle-open" in demand["marker"]["symbol"]
    assert any("month 2021-12" in h for h in demand["text"])
    shown = "\n".join(c.value for c in at.caption)
    month_dated = sum(len(p[6]) == 7 for p in data.POSITIONS)
    assert "most recent" not in shown and f"Hollow marks: {month_dated} positions dated only to a month" in shown


def test_timeline_counts_per_actor_and_week_most_active_first():
    at = open_page("app_pages/timeline.py", _draw="counts")
    heat = charts(at)[0]["data"][0]
    assert heat["type"] == "heatmap"
    assert heat["y"] == ["Russia", "Ukraine", "European Union", "NATO", "United States"]  # by activity
    day_dated = sum(len(p[6]) == 10 for p in data.POSITIONS)
    assert sum(v for row in heat["z"] for v in row if v) == day_dated
    assert any("3 positions dated only to a month or a year have no week" in c.value for c in at.caption)
    assert at.radio(key="view_draw").value == "counts"
    assert "_draw=counts" in data.share_link(at)                           # the share link keeps the choice


def test_timeline_top_actors_come_from_the_link_and_write_it_back():
    at = open_page("app_pages/timeline.py", _top="2")
    assert {y for t in charts(at)[0]["data"] for y in t["y"]} == {"Russia", "Ukraine"}
    assert any("The 2 most active of 5 actors (11 of 14 positions)" in c.value for c in at.caption)
    at.number_input(key="view_top").set_value(3).run()
    assert at.query_params["_top"] == "3"
    at.number_input(key="view_top").set_value(5).run()    # every actor of the fixture
    assert at.query_params["_top"] == "5"
    at.radio(key="view_draw").set_value("points").run()
    assert at.query_params["_draw"] == "points"
    at.radio(key="view_draw").set_value("auto").run()
    assert "_draw" not in at.query_params                              # the default is left out of the link


def test_timeline_bad_view_values_are_said_plainly():
    at = open_page("app_pages/timeline.py", _draw="sideways", _top="many")
    warned = " ".join(w.value for w in at.warning)
    assert "sideways" in warned and "many" in warned
    assert charts(at)[0]["data"][0]["type"] == "scatter"


def test_network_arrows_point_at_targets_and_the_matrix_counts_one_stance():
    at = open_page("app_pages/network.py", _stance="demand")
    at.session_state["network_links"] = True   # the table of links: drawn once its expander opens
    graph, matrix = charts(at.run())
    edges = at.dataframe[0].value
    assert len(graph["layout"]["annotations"]) == len(edges)           # an arrowhead per link
    assert all(a["showarrow"] for a in graph["layout"]["annotations"])
    heat = matrix["data"][0]
    assert heat["y"] == ["Russia", "Ukraine"] and heat["x"] == ["NATO"] and heat["z"] == [[4], [1]]
    assert "demand" in matrix["layout"]["title"]["text"]
    assert at.radio(key="view_stance").value == "demand"
    at.radio(key="view_stance").set_value("any").run()
    assert "_stance" not in at.query_params
    assert sum(v for row in charts(at)[1]["data"][0]["z"] for v in row if v) == edges["count"].sum()


def test_network_shows_the_top_actors_and_says_how_many_are_left_out():
    at = open_page("app_pages/network.py", _top="3")
    nodes = next(t for t in charts(at)[0]["data"] if t["name"] == "actors")
    assert nodes["text"] == ["Russia", "NATO", "Ukraine"]
    assert any("The 3 most active of 6 actors and targets" in c.value for c in at.caption)
    assert "_top=3" in data.share_link(at)


@pytest.mark.parametrize("page, params, stem", [
    ("app_pages/overview.py", {"stance": "demand"}, "parley_overview_stance-demand"),
    ("app_pages/timeline.py", {"stance": "demand"}, "parley_timeline_stance-demand"),
    ("app_pages/network.py", {"stance": "demand"}, "parley_network_stance-demand"),
    ("app_pages/actors.py", {"stance": "demand", "_actor": "Russia"}, "parley_actors_Russia_stance-demand"),
    ("app_pages/issues.py", {"stance": "demand"}, "parley_issues_stance-demand"),
])
def test_every_chart_exports_with_the_view_sentence_and_its_name(page, params, stem):
    import html

    at = open_page(page, **params)
    said = sentence(at)
    drawn = [c for c in at.get("plotly_chart")]
    assert drawn
    for c in drawn[:1] if "issues" in page else drawn:   # the board has its own sentence (below)
        spec, config = json.loads(c.proto.spec), json.loads(c.proto.config)
        assert html.unescape(spec["layout"]["title"]["subtitle"]["text"].replace("<br>", " ")) == said
        assert config["toImageButtonOptions"]["filename"] == stem


def _image_formats(at: AppTest) -> set[str]:
    return {json.loads(c.proto.config)["toImageButtonOptions"]["format"] for c in at.get("plotly_chart")}


def test_charts_export_svg_when_the_link_or_the_sidebar_asks():
    # plotly.js draws SVG as well as PNG in the browser, one format per chart: the view chooses it (?_image=svg)
    at = open_page("app_pages/timeline.py", stance="demand")
    assert _image_formats(at) == {"png"} and at.radio(key="view_image").value == "png"
    at.radio(key="view_image").set_value("svg").run()
    assert at.query_params["_image"] == "svg" and _image_formats(at) == {"svg"}
    at = open_page("app_pages/overview.py", stance="demand", _image="svg")
    assert _image_formats(at) == {"svg"}
    assert data.share_link(at).endswith("/?stance=demand&_image=svg")   # the share link keeps it
    links = at.get("page_link")
    assert links and all(link.proto.query_string == "stance=demand&_image=svg" for link in links)   # it travels
    assert {json.loads(c.proto.config)["toImageButtonOptions"]["filename"] for c in at.get("plotly_chart")} == \
        {"parley_overview_stance-demand"}   # a switch, not a focus: the file name stays the view's


def test_an_unknown_image_format_in_the_link_is_said_plainly():
    at = open_page("app_pages/timeline.py", _image="gif")
    assert any("gif" in w.value and "png" in w.value for w in at.warning)
    assert _image_formats(at) == {"png"}


def test_the_board_chart_carries_the_board_sentence():
    import html

    at = open_page("app_pages/issues.py", _issue="nato_enlargement", _side_a="Russia", _side_b="NATO")
    board = json.loads(at.get("plotly_chart")[-1].proto.spec)
    sub = html.unescape(board["layout"]["title"]["subtitle"]["text"].replace("<br>", " "))
    assert "of Russia (side A) and NATO (side B)" in sub
    assert json.loads(at.get("plotly_chart")[-1].proto.config)["toImageButtonOptions"]["filename"].startswith(
        "parley_negotiation")

"""Article text -> highlighted HTML: every piece of untrusted text is escaped first."""
from __future__ import annotations

import pandas as pd

from core.present.colors import STANCE_COLORS
from core.present.highlight import highlight, legend, position_label

TEXT = "Intro <script>alert('x')</script>. Russia demanded guarantees. NATO rejected it & said no."


def pos(sentence, stance, actor="Russia", target="NATO", start=None, **extra):
    s = TEXT.find(sentence) if start is None else start
    return dict(sentence=sentence, char_start=s, char_end=s + len(sentence), actor=actor, target=target,
                stance=stance, issue="nato_enlargement", speaker=None, date="2022-01-10", **extra)


def test_script_in_the_text_is_escaped():
    html = highlight(TEXT, pd.DataFrame([pos("Russia demanded guarantees.", "demand")]))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&amp; said no." in html


def test_each_position_is_marked_in_its_stance_colour_with_a_hover_title():
    df = pd.DataFrame([pos("Russia demanded guarantees.", "demand"),
                       pos("NATO rejected it & said no.", "rejection", actor="NATO", target="Russia")])
    html = highlight(TEXT, df)
    assert html.count("<mark") == 2
    assert STANCE_COLORS["demand"] in html and STANCE_COLORS["rejection"] in html
    assert 'title="Russia demand → NATO · NATO enlargement · 2022-01-10"' in html
    assert ">NATO rejected it &amp; said no.</mark>" in html


def test_hover_titles_escape_the_row_values():
    df = pd.DataFrame([pos("Russia demanded guarantees.", "demand", actor='"><img src=x onerror=alert(1)>')])
    html = highlight(TEXT, df)
    assert "<img" not in html and "&lt;img src=x" in html
    assert '"><' not in html.split("title=")[1].split(">")[0]  # the title attribute cannot be closed early


def test_two_positions_on_one_sentence_share_one_mark_listing_both():
    df = pd.DataFrame([pos("Russia demanded guarantees.", "demand"),
                       pos("Russia demanded guarantees.", "demand", confidence=0.5)])
    html = highlight(TEXT, df)
    assert html.count("<mark") == 1
    assert html.count("Russia demand → NATO") == 2


def test_wrong_offsets_fall_back_to_finding_the_sentence():
    df = pd.DataFrame([pos("Russia demanded guarantees.", "demand", start=0)])
    assert ">Russia demanded guarantees.</mark>" in highlight(TEXT, df)


def test_a_sentence_not_in_the_text_is_left_out():
    df = pd.DataFrame([pos("Never said.", "demand", start=-1)])
    html = highlight(TEXT, df)
    assert "<mark" not in html and "Russia demanded guarantees." in html


def test_no_positions_and_no_text():
    assert "<mark" not in highlight(TEXT, pd.DataFrame())
    assert highlight("", pd.DataFrame()).startswith("<div")


def test_text_is_kept_whole_and_in_order():
    df = pd.DataFrame([pos("Russia demanded guarantees.", "demand")])
    import html as h
    import re
    plain = h.unescape(re.sub(r"<[^>]+>", "", highlight(TEXT, df)))
    assert plain == TEXT


def test_legend_and_label():
    assert all(s in legend() for s in STANCE_COLORS)
    assert position_label({"actor": "Ukraine", "stance": "concession", "target": None, "issue": "nato_enlargement",
                           "speaker": "Vadym Prystaiko", "date": "2022-02-13", "hedged": True}) == \
        "Ukraine concession · NATO enlargement · speaker Vadym Prystaiko · 2022-02-13 · hedged"


def test_legend_lists_stances_in_the_order_of_every_chart_legend():
    # The article legend used the palette's order (demand, warning, accusation...), the charts the contract's.
    from core.schema import STANCES

    shown = legend()
    assert [shown.index(f">{s}</span>") for s in STANCES] == sorted(shown.index(f">{s}</span>") for s in STANCES)


def test_the_linked_position_is_outlined_and_anchored_once():
    df = pd.DataFrame([pos("Russia demanded guarantees.", "demand", position_id="p1"),
                       pos("NATO rejected it & said no.", "rejection", actor="NATO", position_id="p2")])
    html = highlight(TEXT, df, focus="p2")
    assert html.count('id="pos-p2"') == 1 and 'id="pos-p1"' not in html
    assert html.count("outline:3px solid") == 1
    assert 'id="pos-p2" style=' in html.split(">NATO rejected it")[0].rsplit("<mark", 1)[1]
    assert "outline" not in highlight(TEXT, df)


def test_anchor_ids_keep_only_safe_characters():
    from core.present.highlight import anchor_id

    assert anchor_id('ab"><script>1') == "pos-abscript1"


def test_hover_says_why_the_row_was_extracted_and_how_far_to_trust_it():
    df = pd.DataFrame([pos("Russia demanded guarantees.", "demand", cue="demanded", rule_id="stance.demand.verb",
                           confidence=0.62, trust="likely", review_status="unreviewed")])
    html = highlight(TEXT, df)
    assert ('why: cue &quot;demanded&quot; · rule stance.demand.verb · confidence 0.62 (likely) · not reviewed'
            in html)
    df = df.assign(review_status="accepted")
    assert "reviewed: accepted" in highlight(TEXT, df)


def test_page_furniture_is_left_out_unless_a_position_stands_in_it():
    text = "News / World\n\nRussia demanded guarantees.\n\nSHARE THIS ARTICLE\n\nNATO rejected it & said no."
    df = pd.DataFrame([dict(sentence="Russia demanded guarantees.", char_start=14, char_end=41, actor="Russia",
                            target="NATO", stance="demand", issue="nato_enlargement", speaker=None, date="2022")])
    share = text.index("SHARE")
    html = highlight(text, df, hide=[(0, 12, "breadcrumb"), (share, share + 18, "share-prompt"), (14, 20, "x")])
    assert "SHARE" not in html and "News / World" not in html
    import re

    assert "Russia demanded guarantees." in re.sub(r"<[^>]+>", "", html)   # a position is never hidden
    assert "<mark" in html.split("Russia")[0]
    assert "\n\n\n" not in html and html.count("NATO rejected it") == 1
    assert "SHARE THIS ARTICLE" in highlight(text, df)

"""The view parameters: every URL parameter that is not a filter, in one place.

Filters (`actor=`, `stance=`, `from=`, …) are core.filters' business. The parameters here say how a
page is looked at; their names start with `_` so they never clash with a filter (`since` is the one
older exception). Each has its name, its default, what it means, the pages that read it, and:

- `travels`: carried to every page the sidebar links to (`_reviewed`, `_image`); the others belong to the
  page that set them and are dropped by a page change;
- `focus`: its value names what the page looks at, so it goes into a download's file name
  (`positions_actor-Russia.csv`); a switch (`_reviewed`, `_count`, `_page`, `_pos`) does not.

`read()` gives the URL's value or the default; `write(value)` sets it, or removes it when the value is
empty or the default, so a link holds only what differs from what a page shows anyway.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class Param:
    name: str
    default: str | None
    meaning: str
    pages: tuple[str, ...]  # URL paths of the pages that read it ("" is the Overview; "*" every page)
    travels: bool = False
    focus: bool = True

    def read(self) -> str | None:
        return st.query_params.get(self.name, self.default)

    def write(self, value) -> None:
        if value is None or value == "" or value == self.default:
            st.query_params.pop(self.name, None)
        else:
            st.query_params[self.name] = str(value)


REVIEWED = Param("_reviewed", None, "1: only positions a reviewer accepted, edited or added", ("*",),
                 travels=True, focus=False)
COUNT = Param("_count", "statements", "reports: count every report, not each statement once",
              ("", "positions", "issues"), focus=False)
PAGE = Param("_page", "1", "the page of a long list (the Issues board, 20 moves a page; the Positions table, 100 rows "
             "a page)", ("issues", "positions"), focus=False)
POSITION = Param("_pos", None, "a position id: the Articles page scrolls to its sentence and outlines it",
                 ("articles",), focus=False)
ARTICLE = Param("_article", None, "the article shown (its id)", ("articles",))
TITLE = Param("_title", None, "words an article's title (or id) must hold to be listed in the Articles picker",
              ("articles",), focus=False)
FURNITURE = Param("_furniture", None, "1: show the page furniture (menus, captions) the extractor skipped",
                  ("articles",))
ACTOR = Param("_actor", None, "the actor shown", ("actors",))
COMPARE = Param("_compare", None, "a second actor, compared with the first", ("actors",))
ISSUE = Param("_issue", None, "the issue whose negotiation board is shown", ("issues",))
SIDE_A = Param("_side_a", None, "the actors of side A on the board (comma-separated)", ("issues",))
SIDE_B = Param("_side_b", None, "the actors of side B on the board (comma-separated)", ("issues",))
OLD_SIDE_A = Param("_a", None, "older name of _side_a, still read", ("issues",))
OLD_SIDE_B = Param("_b", None, "older name of _side_b, still read", ("issues",))
STATEMENT = Param("_statement", None, "a position id: one statement as each outlet carried it", ("positions",))
KIND = Param("_kind", None, "one kind of shift", ("shifts",))
REVIEW_POSITION = Param("_position", None, "the position open in the review queue", ("review",))
REVIEWED_POSITION = Param("_reviewed_position", None, "the reviewed position open to look at again", ("review",))
DRAW = Param("_draw", "auto", "points: a dot per position; counts: positions per actor and week or month "
             "(auto: counts once the dots would hide one another)", ("timeline",), focus=False)
TOP = Param("_top", "15", "how many actors a chart draws, the most active first", ("timeline", "network"), focus=False)
MATRIX_STANCE = Param("_stance", "any", "the stance the actor × target matrix counts (any: every stance)",
                      ("network",), focus=False)
IMAGE = Param("_image", "png", "svg: the charts' camera button (their toolbar) downloads an SVG instead of a PNG",
              ("*",), travels=True, focus=False)
SINCE = Param("since", None, "YYYY-MM-DD: what is new since that day (default: since the last follow run)", ("",))

PARAMS: tuple[Param, ...] = (REVIEWED, COUNT, PAGE, POSITION, ARTICLE, TITLE, FURNITURE, ACTOR, COMPARE, ISSUE, SIDE_A,
                             SIDE_B, OLD_SIDE_A, OLD_SIDE_B, STATEMENT, KIND, REVIEW_POSITION, REVIEWED_POSITION,
                             DRAW, TOP, MATRIX_STANCE, IMAGE, SINCE)
BY_NAME: dict[str, Param] = {p.name: p for p in PARAMS}


def is_focus(name: str) -> bool:
    """Does the parameter `name` name what a page looks at (see `focus`)? Unknown names do."""
    param = BY_NAME.get(name)
    return param is None or param.focus

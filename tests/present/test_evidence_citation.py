"""A position's citation, to paste elsewhere: quote, speaker, outlet, date, address."""
import pandas as pd

from core.present.evidence import citation


def test_citation_names_quote_speaker_outlet_date_and_url():
    row = pd.Series(dict(sentence="Lavrov said talks must go on.", quote="talks must go on", speaker="Sergei Lavrov",
                         actor="Russia", outlet=pd.NA, date="2022-02-14", article_id="a1"))
    meta = {"outlet": "Press TV", "published": "2022-02-15", "url": "https://example.org/a"}
    assert citation(row, meta) == ("“talks must go on” Sergei Lavrov (Russia). Press TV, 2022-02-14 "
                                   "(published 2022-02-15). https://example.org/a")


def test_citation_without_quote_speaker_or_url_falls_back_to_sentence_actor_and_id():
    row = dict(sentence="Russia demanded guarantees.", quote=None, speaker=None, actor="Russia", outlet=None,
               date="2021-12", article_id="a1", url=float("nan"))
    assert citation(row, {}) == "“Russia demanded guarantees.” Russia. 2021-12. article a1"

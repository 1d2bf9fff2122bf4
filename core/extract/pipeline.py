"""Article text -> position rows.

Steps: mask page boilerplate (core.extract.clean) -> parse once (spaCy, nlp.pipe over
the corpus) -> body sentences, actor mentions and holders (core.extract.segment,
core.extract.actors, core.extract.speakers) -> candidates with features (core.extract.features) -> stances by
the learned model (core.extract.classifier) -> per position: issues, target, date,
hedge and quote.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from core.extract.classifier import load_model, stances_above
from core.extract.clean import mask_boilerplate, typographic_apostrophes
from core.extract.dates import names_occasion, on_same_occasion, resolve_date
from core.extract.features import analyse, candidates
from core.extract.hedging import direct_quote, is_hedged
from core.extract.issues import issue_context, lexicon_issues
from core.extract.nlp import load_nlp
from core.extract.stance import explain
from core.extract.targets import pick_target, rank_targets
from core.schema import STANCES, articles_frame, positions_frame

BATCH_SIZE = 8
_NEWS_DAY_MAX_GAP = 3  # days: a lede's "on Friday" in Monday's paper still dates the report
_FALLBACK_MODEL_ID = "cues-only"


def prepare_text(text: str, title: str | None) -> str:
    """The text the parser sees: same length as the article, boilerplate blanked and mistyped apostrophes
    mended (offsets stay valid)."""
    masked = typographic_apostrophes(mask_boilerplate(text, title))
    return masked if len(masked) == len(text) else text


def extract_positions(text, *, article_id, published, title=None) -> pd.DataFrame:
    art = articles_frame([dict(article_id=article_id, text=text, published=str(published), title=title)])
    return extract_corpus(art)


def extract_corpus(articles: pd.DataFrame, *, progress=None) -> pd.DataFrame:
    nlp = load_nlp()
    arts = list(articles.itertuples(index=False))
    texts = (prepare_text(str(a.text or ""), _none(a.title)) for a in arts)
    rows = []
    for art, doc in zip(arts, nlp.pipe(texts, batch_size=BATCH_SIZE), strict=False):
        rows.extend(article_rows(doc, article_id=art.article_id, published=str(art.published),
                                 original=str(art.text or "")))
        if progress is not None:
            progress(1)
    return positions_frame(rows)


def article_rows(doc, *, article_id: str, published: str, original: str | None = None) -> list[dict]:
    infos = analyse(doc, published=published)
    cands = candidates(infos)
    model = load_model()
    chosen = _choose(cands, model)
    return _rows(chosen, infos, model, article_id, published, original or doc.text)


def _choose(cands, model, encoded=None) -> list[tuple[object, str, float]]:
    """(candidate, stance, probability) for every stance the model (or, lacking one, a cue) assigns."""
    if model is None:
        return [(c, h.stance, 0.3) for c in cands if "holder" in c.feats for h in c.hits[:1]]
    probs = model.stance_proba(cands, encoded)
    return [(c, s, p) for c, row in zip(cands, probs, strict=False) for s, p in stances_above(row, model)]


def _rows(chosen, infos, model, article_id, published, original, issue_encoded=None) -> list[dict]:
    """`issue_encoded`: the issue network's p(issue) per sentence and stance (STANCES order), given
    (training: out of fold)."""
    if not chosen:
        return []
    model_id = model.model_id if model else _FALLBACK_MODEL_ID
    context = issue_context([i.span.text for i in infos])
    encoded = (None if issue_encoded is None else
               issue_encoded[[c.sent_index for c, _, _ in chosen], [STANCES.index(s) for _, s, _ in chosen]])
    issues = (model.issues_for([(c.text, s, context[c.sent_index]) for c, s, _ in chosen], encoded) if model
              else [[(i, 0.3) for i in lexicon_issues(c.text)] for c, _, _ in chosen])
    dates = _Dates(infos, published)
    targets = _targets(chosen, infos, model)
    rows = []
    for (c, stance, p), iss, target in zip(chosen, issues, targets, strict=False):
        start, end = _trimmed(c.sentence, original)
        date, date_rule = dates.of(c)
        hedged, _ = is_hedged(c.text)
        rule_id, cue = explain(stance, c.hits, model_id)
        for issue, _ in iss:
            rows.append(dict(article_id=article_id, sentence=original[start:end], char_start=start, char_end=end,
                             actor=c.actor, speaker=c.speaker, target=target,
                             stance=stance, issue=issue, date=date.value, date_precision=date.precision,
                             hedged=hedged, quote=direct_quote(c.text), confidence=round(p, 3),
                             rule_id=rule_id, cue=cue, holder_rule=c.how, date_rule=date_rule, model_id=model_id))
    return rows


def _targets(chosen, infos, model) -> list[str | None]:
    if model is not None and model.target_ranker is not None:
        return rank_targets([(c, s) for c, s, _ in chosen], infos, model.target_prior, model.target_ranker)
    return [pick_target(c, infos, model.target_prior if model else None)[0] for c, _, _ in chosen]


class _Dates:
    """Resolve each sentence's date once.

    A sentence whose holder is carried ("he added", the next sentence of a quote) continues the
    statement before it and takes that date unless it gives a time of its own. A named speaker's
    statement with no time of its own takes the day the article last named for that speaker's
    words (core.extract.dates.on_same_occasion: "Lavrov said on Sunday …" … "Lavrov also said …"). A sentence with
    no time at all takes the news day: the day the lede's own statement was made ("Lavrov said on
    Sunday …"), which is what the rest of a news report goes on to quote; else the publication date.
    """

    def __init__(self, infos, published):
        self.infos, self.published, self.cache = infos, published, {}

    def of(self, cand):
        """The sentence's date, and the rule that chose it (the row's `date_rule`)."""
        i = cand.sent_index
        carried = "mentioned" not in cand.feats and cand.how not in ("mention",)
        got = self._resolved(i, self._own(i - 1)) if carried and i > 0 else self._resolved(i, None)
        if cand.speaker and getattr(got, "rule", None) in ("published", "previous"):
            got = _same_occasion(got, self._occasion(cand.speaker, i), self.published[:10])
        final = self._or_news_day(i, got)
        return final, ("news_day" if final is not got else getattr(final, "rule", "published"))

    def _occasion(self, speaker, i):
        """The speaker's latest named day before sentence i ("Lavrov said on Sunday"), or None."""
        key = ("occasion", speaker, i)
        if key not in self.cache:
            self.cache[key] = None
            for j in range(i - 1, -1, -1):
                own = self._resolved(j, None)
                if any(h.speaker == speaker for h in self.infos[j].holders) and _names_occasion(own):
                    self.cache[key] = own
                    break
        return self.cache[key]

    def _own(self, i):
        return self._or_news_day(i, self._resolved(i, None))

    def _or_news_day(self, i, got):
        if i > 0 and getattr(got, "rule", None) == "published":
            return self._news_day() or got
        return got

    def _resolved(self, i, previous):
        """The sentence's date from its own words, else `previous`, else the publication date."""
        key = (i, previous)
        if key not in self.cache:
            self.cache[key] = _resolve(self.infos[i].span.text, self.published, previous)
        return self.cache[key]

    def _news_day(self):
        """The lede's statement date when it is a day shortly before publication, else None."""
        if "news_day" not in self.cache:
            self.cache["news_day"] = None
            lede = self._own(0) if self.infos and self.infos[0].holders else None
            if lede is not None and getattr(lede, "rule", "published") != "published" and lede.precision == "day":
                gap = (dt.date.fromisoformat(self.published[:10]) - dt.date.fromisoformat(lede.value)).days
                if 1 <= gap <= _NEWS_DAY_MAX_GAP:
                    self.cache["news_day"] = lede
        return self.cache["news_day"]


class _PublishedDate:
    def __init__(self, value):
        self.value, self.precision = value, "day"


def _names_occasion(resolved):
    return isinstance(getattr(resolved, "rule", None), str) and names_occasion(resolved)


def _same_occasion(resolved, occasion, published):
    return on_same_occasion(resolved, occasion, published)


def _resolve(text, published, previous):
    try:
        return resolve_date(text, published[:10], previous=previous)
    except Exception:  # a date we cannot read must not lose the position; the publication date stands
        return previous or _PublishedDate(published[:10])


def _trimmed(span, original: str) -> tuple[int, int]:
    start, end = span.start_char, span.end_char
    while start < end and original[start].isspace():
        start += 1
    while end > start and original[end - 1].isspace():
        end -= 1
    return start, end


def _none(value):
    return None if value is None or (isinstance(value, float) and value != value) or pd.isna(value) else value

"""When was a statement made? Resolve a sentence's time expressions against the publication date.

Two steps, as elsewhere in core: `find_date_expressions` finds candidate
expressions with regular expressions (fast, no parsing), then `resolve_date`
picks the one that dates the statement and resolves it at the precision the text
supports (day, month or year; see ../shared/spec/POSITIONS.md, "Dates").

Why the choice is not simply "the first date in the sentence": many dates belong
to the event talked about ("the talks planned for January", "since 2014", "the
2008 Bucharest summit", "by 2030"). So expressions that look forward (future
relative to publication, "next", "scheduled for", after a modal), bounded
ranges ("since", "until", "by"), possessives naming an event ("Friday's
test"), times inside quotations and subordinate or relative clauses are
dropped. Among the rest an expression attached to a reporting verb ("said on
Sunday", "told CNN on Sunday") scores 3, one opening the sentence ("In March
2022, ...") 2, one elsewhere 1, and one deep inside what was said ("said that
the campaign began in March") 0, i.e. is dropped; so is a year or a week
in mid-sentence that is neither ("the accords signed in 2015", "talks in Geneva
this week"), which places the event talked of. A present-tense attribution
("…, officials say") dates the statement at publication.

Weeks are dated by their month (spec): "last week" by the month a week back,
"at the weekend" by the month of the weekend just past. Across sentences,
`on_same_occasion` dates a named speaker's undated statement by the day the
article last named for that speaker's words ("Lavrov said on Sunday …" …
"Lavrov also said …"); the caller knows the speakers.

dateparser is used only for the absolute day-and-month expressions ("17
December", "Dec. 17"), with results cached; weekdays and relative phrases are
computed here, because dateparser resolves "Monday" on a Monday to the week
before.
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_DAYNUM = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"

# Order matters: longer, more specific patterns first; a later match may not overlap an earlier one.
# Each entry: (kind, pattern). Month names are matched case-sensitively (capitalised) so that
# "may" and "march" as verbs are not taken for months.
_PATTERNS: list[tuple[str, str]] = [
    ("day_month", rf"\b{_DAYNUM}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?(?![\w-])"),
    ("month_day", rf"\b{_MONTH}\s+{_DAYNUM}(?:\s*[-–]\s*{_DAYNUM})?(?:,?\s+{_YEAR})?(?![\w-])"),
    ("month_last_year", rf"\b{_MONTH}\s+(?:of\s+)?last\s+year\b"),
    ("month_year", rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}\b"),
    ("end_last_year", r"(?i:\b(?:at\s+the\s+)?(?:end|close)\s+of\s+last\s+year\b)"),
    ("last_month_name", rf"\b(?i:last|this\s+past)\s+{_MONTH}\b"),
    ("early_month", rf"\b(?i:in\s+)?(?i:early|mid|late|the\s+(?:beginning|start|end|middle)\s+of)[-\s]+{_MONTH}\b"),
    ("in_month", rf"\b(?i:in|during|since|until|by|from|of|before|after)\s+{_MONTH}(?![\w-])"),
    ("weekday", rf"\b(?i:(?:last|this|late|early|on|next|by|until|since|before)\s+)?{_WEEKDAY}(?:'s|’s)?{_PART}\b"),
    ("yesterday", r"(?i:\byesterday\b|\blast\s+night\b|\bthe\s+day\s+before\b(?!\s+\w+ing\b))"),
    ("day_earlier", r"(?i:\b(?:a|one)\s+day\s+(?:earlier|before)\b|\bthe\s+previous\s+day\b)"),
    ("today", r"(?i:\b(?:earlier\s+|later\s+)?(?:today|tonight|this\s+(?:morning|afternoon|evening))\b)"),
    ("that_day", r"(?i:\b(?:earlier|later)\s+(?:that|in\s+the)\s+day\b)"),
    ("at_the_time", r"(?i:\bat\s+the\s+time\b)"),
    ("days_ago", r"(?i:\b(?:several|a\s+few|few|two|three|four|five|six|2|3|4|5|6)\s+days\s+ago\b)"),
    ("weeks_ago", r"(?i:\b(?:a|one|two|three|several|a\s+few|few|2|3)\s+weeks?\s+ago\b)"),
    ("months_ago", r"(?i:\b(?:a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|\d{1,2})\s+months?\s+ago\b)"),
    ("last_week", r"(?i:\b(?:earlier\s+)?last\s+week(?:end)?\b|\bthe\s+previous\s+week\b|\ba\s+week\s+(?:ago|earlier)\b)"),
    ("this_week", r"(?i:\b(?:earlier\s+|later\s+)?(?:this|in\s+the|throughout\s+the|during\s+the|over\s+the|at\s+the|on\s+the)\s+"
                  r"(?:week(?:end)?)\b(?!\s+(?:of|before|after|ahead)\b)|\bthis\s+week's\b)"),
    ("last_month", r"(?i:\b(?:earlier\s+)?last\s+month\b|\bthe\s+previous\s+month\b)"),
    ("this_month", r"(?i:\b(?:earlier|later)\s+(?:this|in\s+the)\s+month\b|\bthis\s+month\b)"),
    ("last_year", r"(?i:\blast\s+year(?:'s|’s)?\b|\ba\s+year\s+ago\b|\bthe\s+previous\s+year\b)"),
    ("this_year", r"(?i:\b(?:earlier\s+)?this\s+year\b)"),
    ("in_year", rf"\b(?i:(?:back\s+)?in|during|since|until|by|from|before|after|as\s+far\s+back\s+as|early|late|mid-?|"
                rf"the\s+(?:end|beginning|start)\s+of)\s+{_YEAR}\b(?![-–]\d)"),
    ("none", r"(?i:\b(?:recently|previously|earlier|in\s+recent\s+(?:days|weeks|months))\b)"),  # explicitly "no better time": publication date
]
_COMPILED = [(kind, re.compile(p)) for kind, p in _PATTERNS]
# Which cheap trigger a pattern needs: a pattern is only run on sentences that hold its trigger.
_TRIGGERS = {
    "month": re.compile(rf"\b{_MONTH}"),
    "weekday": re.compile(rf"\b{_WEEKDAY}"),
    "year": re.compile(rf"\b{_YEAR}\b"),
    "relative": re.compile(r"(?i:day|week|month|year|ago|today|tonight|yesterday|night|morning|afternoon|evening|"
                           r"time|recent|previous|earlier)"),
}
_NEEDS = {"day_month": "month", "month_day": "month", "month_last_year": "month", "month_year": "month",
          "last_month_name": "month", "early_month": "month", "in_month": "month", "weekday": "weekday",
          "in_year": "year"}
# Cheap test before the full scan: a sentence without any of these cannot hold an expression.
_PREFILTER = re.compile(
    r"(?i:day|month|year|week|ago|today|tonight|yesterday|morning|evening|afternoon|night|time|recent|previous|earlier|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|\b(?:19|20)\d\d\b)")

# Words just before an expression that make it the bound of a range or a future plan, not a time of speaking.
_BLOCK_BEFORE = re.compile(
    r"(?i:\b(?:since|until|till|by|from|next|coming|upcoming|scheduled|planned|due|set|slated|expected|"
    r"before|after|ahead\s+of|starting|beginning|through|between|will|would|to\s+be|deadline)\s*(?:for|on|in|of|at)?\s*$)")
_BLOCK_INSIDE = re.compile(r"(?i:^(?:since|until|till|by|from|next|before|after)\b)")
_FUTURE_NEAR = re.compile(r"(?i:\b(?:will|would|could|may|might|is\s+to|are\s+to|is\s+due|are\s+due|plans?\s+to|"
                          r"scheduled|set\s+to|expected\s+to)\b)")

_REPORTING = re.compile(
    r"(?i:\b(?:said|says|told|tells|warned|warns|stated|announced|added|insisted|declared|stressed|noted|claimed|"
    r"argued|urged|called|demanded|wrote|tweeted|rejected|accused|confirmed|vowed|suggested|threatened|promised|"
    r"pledged|reaffirmed|denied|dismissed|acknowledged|emphasi[sz]ed|explained|agreed|asked|proposed|signall?ed|"
    r"expressed|described|critici[sz]ed|condemned|blamed|praised|hailed|reiterated|repeated|admitted|conceded|"
    r"laid\s+out|set\s+out|spoke|speaking|saying|telling|announcing|addressing|remarked|responded|replied|"
    r"voted|vetoed|issued|published|signed|recorded|refused|ruled\s+out|offered|indicated|hinted|cautioned|"
    r"warning|urging|claiming|insisting|calling|adding|stressing|noting|accusing|arguing|vowing|declaring|"
    r"addressed|mooted|floated|pushed\s+back|hit\s+back|lashed\s+out)\b)")


# "said on Sunday", "told CNN's Fareed Zakaria on Sunday", "said at a news conference on Thursday"
_ATTACHED_BEFORE = re.compile(
    r"(?i)" + _REPORTING.pattern + r"(?:\s+(?!(?:that|could|would|will|may|might|should|must|can|is|are|was|were|"
    r"be|been|has|have|had|to)\b)[\w'’.-]+){0,6}?\s*(?:on|in|at|late|early)?\s*$")
# A clause that bounds a range ("since he became president on January 20") never dates the saying.
_RANGE_CLAUSE = re.compile(r"(?i)\b(?:since|until)\b")
# Subordinate clauses date their own event ("after the troops crossed on Sunday", "the war that began in 2022")
# unless a verb of saying holds the date ("after Zelensky said on Tuesday").
_SUBORDINATE = re.compile(
    r"(?i)\b(?:when|where|as\s+it\s+did|as\s+they\s+did"
    r"|(?:after|following)\b.*\b(?:\w+ed|said|told|was|were|had|met|made|took|gave|began|won|lost)\b"
    r"|(?:that|which)\s+(?:began|started|broke\s+out)\b)")
# "the Belarusian leader – who allowed Russian troops in last year –": unless a verb of saying holds the date
_RELATIVE = re.compile(r"(?i)\b(?:who|which|whose)\b")
# Verbs whose clause reports what was said: a date deep inside that clause is the reported event's.
_COMPLEMENT = re.compile(
    r"(?i)\b(?:said|says|told|tells|warned|stated|claimed|argued|noted|insisted|added|stressed|believes|announced|"
    r"confirmed|acknowledged|reported|suggested|explained|wrote|tweeted|declared|alleged|"
    r"saying|adding|claiming|insisting|noting|arguing|warning)\b")
# ... and those whose clause may come without "that" ("said the campaign began in March").
_BARE_COMPLEMENT = {"said", "says", "told", "tells", "added", "noted", "claimed", "argued", "insisted",
                    "saying", "adding", "claiming", "insisting", "noting", "arguing"}
# "…, officials say": the saying is now, whatever the date of what is said.
_PRESENT_REPORTING = re.compile(r"(?i)\b(?:says|say)\b")
# Years and weeks that neither hold the verb of saying nor open the sentence place the event talked
# of, not the saying ("the accords signed in 2015", "talks in Geneva this week"); a bare weekday,
# "yesterday", a day of a month or a month in mid-sentence ("Russia in December demanded …") still
# dates the statement, as news reports name the day of their own events that way.
_PLACES_AN_EVENT = {"month_year", "in_year", "last_year", "this_week", "last_week"}
# Expressions that, after a modal or a plan ("will meet on Monday", "could take place in January"), point ahead.
_FUTURE_SENSITIVE = ("weekday", "day_month", "month_day", "in_month", "early_month", "today", "this_week")


@dataclass(frozen=True)
class DateExpression:
    text: str
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class ResolvedDate:
    value: str            # YYYY-MM-DD | YYYY-MM | YYYY
    precision: str        # day | month | year
    expression: str | None  # the words that gave the date; None when it is the publication date or carried
    rule: str             # which rule resolved it (the expression kind, "published", "previous" or "speaker")


def find_date_expressions(sentence: str) -> list[DateExpression]:
    """All candidate time expressions in the sentence, in text order, non-overlapping."""
    if not _PREFILTER.search(sentence):
        return []
    present = {name for name, rx in _TRIGGERS.items() if rx.search(sentence)}
    taken: list[DateExpression] = []
    for kind, rx in _COMPILED:
        if _NEEDS.get(kind, "relative") not in present:
            continue
        for m in rx.finditer(sentence):
            if any(m.start() < e.end and e.start < m.end() for e in taken):
                continue
            taken.append(DateExpression(m.group(0), m.start(), m.end(), kind))
    return sorted(taken, key=lambda e: e.start)


def resolve_date(sentence: str, published: str | dt.date, *,
                 previous: ResolvedDate | None = None) -> ResolvedDate:
    """The date of the statement in `sentence`, resolved against the publication date.

    `previous` is the date of the statement this sentence continues ("He added …"); it is used when
    the sentence gives no time of its own, and as the base of "a day earlier" / "at the time".
    Whether a sentence continues a statement is the caller's decision.
    """
    pub = _as_date(published)
    best = _pick(sentence, find_date_expressions(sentence), pub, previous)
    if best is not None:
        return best
    if previous is not None:
        return ResolvedDate(previous.value, previous.precision, None, "previous")
    return _published(pub)


# ---------------------------------------------------------------- choosing an expression

def _pick(sentence: str, exprs: list[DateExpression], pub: dt.date,
          previous: ResolvedDate | None) -> ResolvedDate | None:
    scored = []
    for e in exprs:
        if e.kind == "none" and previous is not None:
            continue  # "recently", "previously": no time of their own, so the carried date stands
        if _blocked(sentence, e):
            continue
        resolved = _resolve(e, pub, previous)
        if resolved is None or _after(resolved, pub):
            continue
        score = _attachment(sentence, e)
        if score < 3 and _demoted(sentence, e):
            continue
        if score > 0:
            scored.append((score, -e.start, resolved))
    if not scored:
        return None
    best = max(scored, key=lambda s: (s[0], s[1]))
    if best[0] < 3 and _PRESENT_REPORTING.search(sentence):
        return _published(pub)  # "In May, troops numbered 100,000, officials say": said now, about then
    return best[2]


def _clause_before(sentence: str, e: DateExpression) -> str:
    """The text between the last clause break and the expression."""
    head = sentence[:e.start]
    cut = max(head.rfind(","), head.rfind(";"), head.rfind(":"), head.rfind("—"), head.rfind(" – "))
    return head[cut + 1:]


def _blocked(sentence: str, e: DateExpression) -> bool:
    """A range bound or a plan ("since 2014", "scheduled for June 15")."""
    before = sentence[max(0, e.start - 40):e.start]
    if e.text.endswith(("'s", "’s")):
        # "Friday's test-firing" dates the test; "at Thursday's press conference" dates the saying
        return not re.search(r"(?i)\b(?:at|in|during|after|following)\s+(?:the\s+)?$", before)
    if _BLOCK_INSIDE.search(e.text) or _BLOCK_BEFORE.search(before):
        return True
    # "since he became president on January 20"
    if _RANGE_CLAUSE.search(_clause_before(sentence, e)):
        return True
    if e.kind == "in_year" and re.match(r"(?i)in\s", e.text):
        return _year_is_modifier(sentence, e)
    return False


def _demoted(sentence: str, e: DateExpression) -> bool:
    """Weak expressions that are dropped unless a reporting verb holds them."""
    clause = _clause_before(sentence, e)
    if _RELATIVE.search(clause):
        return True  # "the leader – who allowed troops in last year –"
    if _SUBORDINATE.search(clause) and not e.text.endswith(("'s", "’s")):
        return True  # "after the troops crossed the border on Sunday"
    if e.kind in _FUTURE_SENSITIVE and _FUTURE_NEAR.search(_clause_before(sentence, e)):
        return True  # "negotiators will return to the UAE on Sunday"
    if e.kind == "today" and not e.text.lower().startswith(("earlier", "later")):
        return _in_quote(sentence, e.start) or e.start > 12  # "today" in a quote is the speaker's day
    return False


def _in_quote(sentence: str, pos: int) -> bool:
    """Is `pos` inside a quotation, including one opened in an earlier sentence ("… this year.”)?"""
    head, tail = sentence[:pos], sentence[pos:]
    if head.rfind("“") > head.rfind("”"):
        return True
    last = head.rfind('"')
    if last >= 0 and head.count('"') % 2 == 1 and last + 1 < len(head) and head[last + 1].isalnum():
        return True  # an opening straight quote (followed by a word) not yet closed
    if re.match(r"[^“]*”", tail):  # closed later but never opened here: the quote began before
        return True
    single = head.lstrip().startswith(("'", "‘")) and re.search(r"[,.!?]['’](?:\s|$)", tail)
    return bool(single)


def _year_is_modifier(sentence: str, e: DateExpression) -> bool:
    # "in 2022 terms" / "in 2024 dollars" are modifiers, not times.
    return bool(re.match(r"\s+(?:dollars|terms|prices|levels)\b", sentence[e.end:]))


def _attachment(sentence: str, e: DateExpression) -> int:
    """3: attached to a reporting verb; 2: opens the sentence; 1: elsewhere; 0: inside a reported clause,
    or a year or week elsewhere."""
    if e.kind == "none":
        return 1  # "recently", "previously": beats a later event date, not a date of the saying
    if _in_quote(sentence, e.start):
        return 0  # a time inside a quotation is the speaker's reference to events, not the time of speaking
    after = sentence[e.end:e.end + 25]
    before = sentence[max(0, e.start - 45):e.start]
    if _REPORTING.search(after.split(",")[0][:20]) or _ATTACHED_BEFORE.search(before):
        return 3
    if e.start <= 12 or re.match(r"(?i)^\W*(?:but|and|however|also|then|so)?,?\s*$", sentence[:e.start]):
        return 2
    if _in_reported_clause(sentence[:e.start]):
        return 0  # inside what was said: the date of the event reported, not of the saying
    if e.kind in _PLACES_AN_EVENT:
        return 0  # "the accords signed in 2015", "talks in Geneva this week"
    return 1


def _in_reported_clause(head: str) -> bool:
    """Does `head` end inside the clause a verb of saying introduces ("said that the campaign began in …")?"""
    last = None
    for m in _COMPLEMENT.finditer(head):
        last = m
    if last is None:
        return False
    between = head[last.end():]
    return len(between) > 25 and (re.search(r"\bthat\b", between) is not None or last.group(0).lower() in _BARE_COMPLEMENT)




# ---------------------------------------------------------------- resolving one expression

def _resolve(e: DateExpression, pub: dt.date, previous: ResolvedDate | None) -> ResolvedDate | None:
    fn = _RESOLVERS.get(e.kind)
    out = fn(e.text, pub, previous) if fn else None
    if out is None:
        return None
    value, precision = out
    return ResolvedDate(value, precision, e.text, e.kind)


def _r_weekday(text, pub, previous):
    low = text.lower()
    if low.startswith("next"):
        return None
    target = next(i for d, i in _WEEKDAYS.items() if d in low)
    back = (pub.weekday() - target) % 7
    if low.startswith("last") and back == 0:
        back = 7
    return _day(pub - dt.timedelta(days=back))


def _r_absolute_day(text, pub, previous):
    parsed = _dateparse(re.sub(r"\s*[-–]\s*\d+(?:st|nd|rd|th)?", "", text), pub.isoformat())
    if parsed is None:
        return None
    has_year = re.search(_YEAR, text) is not None
    if not has_year and parsed > pub:  # dateparser may still pick this year's date: step back a year
        parsed = _safe_replace_year(parsed, parsed.year - 1)
    return _day(parsed)


def _r_month_year(text, pub, previous):
    month = _month_of(text)
    year = int(re.search(_YEAR, text).group(0))
    return f"{year:04d}-{month:02d}", "month"


def _r_month_last_year(text, pub, previous):
    return f"{pub.year - 1:04d}-{_month_of(text):02d}", "month"


def _r_end_last_year(text, pub, previous):
    return f"{pub.year - 1:04d}-12", "month"


def _r_month_alone(text, pub, previous):
    """"in December" / "last September": the latest such month not after publication."""
    month = _month_of(text)
    year = pub.year if month <= pub.month else pub.year - 1
    if text.lower().startswith(("last", "this past")) and month == pub.month:
        year -= 1
    months_back = (pub.year - year) * 12 + pub.month - month
    if months_back > 11 and not text.lower().startswith(("last", "this past")):
        return None  # a bare month a year back is more likely the coming one ("the summit in June")
    return f"{year:04d}-{month:02d}", "month"


def _r_yesterday(text, pub, previous):
    return _day(pub - dt.timedelta(days=1))


def _r_day_earlier(text, pub, previous):
    base = _as_date(previous.value) if previous is not None and previous.precision == "day" else pub
    return _day(base - dt.timedelta(days=1))


def _r_today(text, pub, previous):
    return _day(pub)


def _r_that_day(text, pub, previous):
    if previous is not None:
        return previous.value, previous.precision
    return _day(pub)


def _r_at_the_time(text, pub, previous):
    if previous is None:
        return None
    if previous.precision == "day":  # "at the time" points back to a period, not to the day
        return previous.value[:7], "month"
    return previous.value, previous.precision


def _r_days_ago(text, pub, previous):
    if re.match(r"(?i)(?:two|three|four|five|six|\d)\b", text):
        return _day(pub - dt.timedelta(days=_count(text)))  # "two days ago" is a day
    return _month(pub - dt.timedelta(days=3))  # "several days ago" is vaguer: the month


def _r_weeks_ago(text, pub, previous):
    n = _count(text)
    return _month(pub - dt.timedelta(days=7 * n))


def _r_months_ago(text, pub, previous):
    n = _count(text)
    y, m = divmod(pub.year * 12 + pub.month - 1 - n, 12)
    return f"{y:04d}-{m + 1:02d}", "month"


def _r_last_week(text, pub, previous):
    # the spec's convention: a week is dated by its month; last week is the month a week back
    # ("last week" in a paper of 3 February is late January)
    return _month(pub - dt.timedelta(days=7))


def _r_this_week(text, pub, previous):
    if text.lower().endswith("weekend"):
        return _month(_last_weekend(pub))  # "at the weekend" in Wednesday's paper: the weekend just past
    return _month(pub)


def _last_weekend(d: dt.date) -> dt.date:
    """The Saturday of the latest weekend that began on or before `d`."""
    return d - dt.timedelta(days=(d.weekday() - 5) % 7)


def _r_this_month(text, pub, previous):
    if pub.day == 1 and text.lower().startswith("earlier"):
        return _month(pub - dt.timedelta(days=1))  # nothing is earlier this month on the 1st: written the day before
    return _month(pub)


def _r_last_month(text, pub, previous):
    y, m = (pub.year, pub.month - 1) if pub.month > 1 else (pub.year - 1, 12)
    return f"{y:04d}-{m:02d}", "month"


def _r_last_year(text, pub, previous):
    return f"{pub.year - 1:04d}", "year"


def _r_this_year(text, pub, previous):
    return f"{pub.year:04d}", "year"


def _r_in_year(text, pub, previous):
    return re.search(_YEAR, text).group(0), "year"


def _r_none(text, pub, previous):
    return _day(pub)


_RESOLVERS = {
    "day_month": _r_absolute_day, "month_day": _r_absolute_day, "month_year": _r_month_year,
    "month_last_year": _r_month_last_year, "end_last_year": _r_end_last_year,
    "last_month_name": _r_month_alone, "early_month": _r_month_alone, "in_month": _r_month_alone,
    "weekday": _r_weekday, "yesterday": _r_yesterday, "day_earlier": _r_day_earlier, "today": _r_today,
    "that_day": _r_that_day, "at_the_time": _r_at_the_time, "days_ago": _r_days_ago,
    "weeks_ago": _r_weeks_ago, "months_ago": _r_months_ago, "last_week": _r_last_week,
    "this_week": _r_this_week, "last_month": _r_last_month, "this_month": _r_this_month,
    "last_year": _r_last_year, "this_year": _r_this_year, "in_year": _r_in_year, "none": _r_none,
}


# ---------------------------------------------------------------- helpers

@functools.lru_cache(maxsize=4096)
def _dateparse(expression: str, base_iso: str) -> dt.date | None:
    import dateparser  # imported lazily: it takes a moment and most sentences never need it

    base = dt.datetime.fromisoformat(base_iso)
    parsed = dateparser.parse(expression, languages=["en"],
                              settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"})
    return parsed.date() if parsed else None


def _as_date(value: str | dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    parts = text[:10].split("-")
    if len(parts) == 1:
        return dt.date(int(parts[0]), 1, 1)
    if len(parts) == 2:
        return dt.date(int(parts[0]), int(parts[1]), 1)
    return dt.date.fromisoformat(text[:10])


def _after(resolved: ResolvedDate, pub: dt.date) -> bool:
    """Is the resolved date (at its precision) later than the publication date?"""
    n = len(resolved.value)
    return resolved.value > pub.isoformat()[:n]


def _published(pub: dt.date) -> ResolvedDate:
    return ResolvedDate(pub.isoformat(), "day", None, "published")


def _day(d: dt.date):
    return d.isoformat(), "day"


def _month(d: dt.date):
    return d.isoformat()[:7], "month"


def _month_of(text: str) -> int:
    for word in re.findall(r"[A-Za-z]+", text):
        if word[0].isupper() and word.lower() in _MONTHS:
            return _MONTHS[word.lower()]
    raise ValueError(f"no month name in {text!r}")


def _count(text: str) -> int:
    words = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9, "ten": 10, "eleven": 11, "several": 2, "few": 2}
    for w in text.lower().split():
        if w.isdigit():
            return int(w)
        if w in words:
            return words[w]
    return 1


def _safe_replace_year(d: dt.date, year: int) -> dt.date:
    try:
        return d.replace(year=year)
    except ValueError:  # 29 February
        return d.replace(year=year, day=28)


OCCASION_MAX_DAYS = 3  # a statement's day still in the news cycle ("on Friday" in Monday's paper)
# Rules whose date the sentence itself gives (an expression), as opposed to the publication date or a carried one.
_CARRIED_RULES = ("published", "none", "previous", "speaker")


def names_occasion(resolved: ResolvedDate) -> bool:
    """Does the sentence itself name the day its statement was made ("Lavrov said on Sunday …")?"""
    return resolved.rule not in _CARRIED_RULES and resolved.precision == "day"


def on_same_occasion(resolved: ResolvedDate, occasion: ResolvedDate | None,
                     published: str | dt.date) -> ResolvedDate:
    """A statement with no time of its own, by a speaker the article already quoted on a named day of
    the news cycle, is dated by that day (rule "speaker").

    News reports quote one person's remarks from one occasion across many sentences and name the day
    once ("Lavrov said on Sunday …" … "Lavrov also said …"), so the speaker's last named day dates
    them, also over the sentences of others between. `occasion` is the date of the speaker's latest
    earlier statement for which `names_occasion` holds, or None. Only a day at most
    OCCASION_MAX_DAYS before publication counts: an older one is background the report retells
    ("in a June 2024 speech, Putin said …"), after which the speaker's words are news again. A carried
    date ("previous") gives way, since the sentence before may be someone else's.
    """
    if occasion is None or resolved.rule not in ("published", "previous"):
        return resolved
    if (_as_date(published) - _as_date(occasion.value)).days > OCCASION_MAX_DAYS:
        return resolved
    return ResolvedDate(occasion.value, occasion.precision, None, "speaker")


_CONTINUING = re.compile(
    r"""(?x)^\s*(?:["“‘'«]|(?:He|She|They|His|Her|Their)\b|(?:But|And|Also|However)[,\s]+(?:he|she|they)\b)"""
    r"""|^\s*The\s+(?:[\w-]+\s+){0,3}(?:president|leader|minister|aide|spokesman|spokeswoman|spokesperson|ambassador|"""
    r"""official|chancellor|diplomat|secretary|envoy|premier)\b"""
    r"""|\b(?:he|she|they)\s+(?:said|added|continued|noted|stressed|insisted|explained|argued|warned|wrote)\b"""
    r"""|\b(?:added|continued)\b\s*[:.,]""")


def looks_continuing(sentence: str) -> bool:
    """Does the sentence look like it continues the previous statement ("He added …", a quote's second sentence)?

    A helper for callers deciding whether to pass `previous`; the pipeline knows speakers better.
    """
    return bool(_CONTINUING.search(sentence))

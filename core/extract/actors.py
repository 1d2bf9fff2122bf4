"""The actor registry: who a name, an alias, a demonym or a description stands for.

Data lives in core/data/actors.jsonl (validated on load, errors name file and line).
`get_registry().find_mentions(doc_or_span)` finds every actor mention in a text:
aliases ("Kiev", "the Kremlin", "the US-led alliance"), demonyms used as actors
("Russian officials"), persons by full or last name, descriptions resolved on a
date ("the NATO chief" in 2023 is Stoltenberg, in 2025 Rutte), and persons the
registry does not know but whose party the text names next to them
("Ukraine Ambassador to the UK Vadym Prystaiko" -> Ukraine).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass

from core.rules.datafiles import DATA_DIR, DataFileError, Field, load_records

ACTORS_FILE = DATA_DIR / "actors.jsonl"
ROLES_NEEDING_BODY = frozenset({"ambassador", "aide", "deputy", "minister"})
KINDS = ("state", "org", "bloc", "group", "person", "role", "contextual")


@dataclass(frozen=True)
class Mention:
    """A stretch of text that names an actor; person is the canonical name when it names someone."""
    start_char: int
    end_char: int
    text: str
    actor: str
    person: str | None
    kind: str  # state | org | bloc | group | person | description


@dataclass(frozen=True)
class Role:
    role: str
    of: str
    start: str  # ISO date or "" (always)
    end: str    # ISO date or "" (still serving)
    body: str   # the office inside the state ("Kremlin", "State Department"), lower case, or ""

    def active(self, on_date: str | None) -> bool:
        if not on_date:
            return not self.end
        day = on_date[:10]
        return (not self.start or self.start <= day) and (not self.end or day < self.end)


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    actor: str
    roles: tuple[Role, ...]
    gender: str = "m"

    @property
    def last_name(self) -> str:
        return self.name.split()[-1]

    def active(self, on_date: str | None) -> bool:
        """Holds any dated office on that date (used to choose between namesakes)."""
        return any(r.active(on_date) for r in self.roles)

    def actor_on(self, on_date: str | None) -> str:
        """The party a person speaks for on a date: the office then held (Kallas: Estonia as prime
        minister in 2022, the EU as its foreign policy chief from December 2024), else the default."""
        if on_date:
            for r in self.roles:
                if r.active(on_date) and r.start:
                    return r.of
        return self.actor


# --- validation of the data file -------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _str_list(value) -> str | None:
    if not value or not all(isinstance(v, str) and v.strip() for v in value):
        return "must be a non-empty list of non-empty strings"
    return None


def _roles_check(value) -> str | None:
    for r in value:
        if not isinstance(r, dict) or not isinstance(r.get("role"), str) or not isinstance(r.get("of"), str):
            return "each role needs string 'role' and 'of'"
        extra = set(r) - {"role", "of", "from", "to", "body"}
        if extra:
            return f"unknown role key(s) {sorted(extra)}"
        for key in ("from", "to"):
            if key in r and not (isinstance(r[key], str) and _DATE.match(r[key])):
                return f"role {key!r} must be a YYYY-MM-DD date"
        if r.get("from") and r.get("to") and r["from"] >= r["to"]:
            return f"role {r['role']!r} ends ({r['to']}) before it starts ({r['from']})"
    return None


FIELDS = [
    Field("kind", (str,), choices=KINDS),
    Field("name", (str,)),
    Field("actor", (str,), required=False),
    Field("aliases", (list,), required=False, check=_str_list),
    Field("weak_aliases", (list,), required=False, check=_str_list),
    Field("demonyms", (list,), required=False, check=_str_list),
    Field("places", (list,), required=False, check=_str_list),
    Field("heads", (list,), required=False, check=_str_list),
    Field("candidates", (list,), required=False, check=_str_list),
    Field("members", (list,), required=False, check=_str_list),
    Field("roles", (list,), required=False, check=_roles_check),
    Field("gender", (str,), required=False, choices=("f", "m")),  # for "he"/"she"; persons left out are read as "m"
]


def load_actor_records(path=ACTORS_FILE) -> list[dict]:
    """Validated records, with the cross-record checks a field check cannot do."""
    records = load_records(path, FIELDS)
    actors = {r["name"] for r in records if r["kind"] in ("state", "org", "bloc")}
    roles = {r["id"].removeprefix("role-") for r in records if r["kind"] == "role"}
    lines = _line_numbers(path)
    for r in records:
        line = lines.get(r["id"])
        if r["kind"] == "person":
            if r.get("actor") not in actors:
                raise DataFileError(path, line, f"person {r['id']!r}: actor {r.get('actor')!r} is not a known state/org/bloc")
            if not r.get("aliases"):
                raise DataFileError(path, line, f"person {r['id']!r} needs 'aliases' (full name, last name)")
            for role in r.get("roles", []):
                if role["role"] not in roles:
                    raise DataFileError(path, line, f"person {r['id']!r}: unknown role {role['role']!r}; known: {sorted(roles)}")
                if role["of"] not in actors:
                    raise DataFileError(path, line, f"person {r['id']!r}: role of unknown actor {role['of']!r}")
        elif r["kind"] == "contextual":
            bad = [c for c in r.get("candidates") or [] if c not in actors]
            if not r.get("candidates") or bad:
                raise DataFileError(path, line, f"contextual {r['id']!r} needs 'candidates' naming known actors (bad: {bad})")
        elif r["kind"] == "group":
            bad = [m for m in r.get("members") or [] if m not in actors]
            if len(r.get("members") or []) < 2 or bad or not r.get("aliases"):
                raise DataFileError(path, line, f"group {r['id']!r} needs 'aliases' and two or more 'members' "
                                                f"naming known actors (bad: {bad})")
        elif r["kind"] == "role" and not r.get("aliases"):
            raise DataFileError(path, line, f"role {r['id']!r} needs 'aliases'")
    return records


def _line_numbers(path) -> dict[str, int]:
    out = {}
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        m = re.search(r'"id":\s*"([^"]+)"', line)
        if m:
            out.setdefault(m.group(1), n)
    return out


# --- context words used by the matching rules ------------------------------------------------

# A demonym is an actor only when it qualifies an official body ("Russian officials", not "Russian oil").
ACTOR_NOUNS = frozenset("""
official officials government governments authorities authority leader leaders leadership diplomat diplomats
side delegation delegations negotiator negotiators ministry ministries embassy embassies military forces troops
army navy lawmakers legislators parliament parliamentarians counterpart counterparts envoy envoys ambassador
spokesman spokeswoman spokesperson administration state establishment intelligence allies partners politicians
minister ministers delegates representatives mission officers command commanders generals president prime
premier chancellor counterpart senators congressmen mps team agency agencies services council cabinet regime
presidency staff office parliamentarians lawmakers
aggression invasion attack attacks strike strikes missile missiles drones war occupation propaganda demand
demands proposal proposals claims threat threats ultimatum position stance annexation offensive buildup
build-up deployment deployments interference meddling hackers disinformation plan plans initiative
""".split())  # the last lines: what a party does or says ("Russian aggression", "US proposals"), for targets
# Words that may stand between a party and an office in a description ("the Russian foreign ministry spokeswoman").
BODY_WORDS = frozenset("""
foreign ministry defence defense presidential office state department government security council national
first senior top deputy chief press affairs military general armed forces kremlin's 's ’s white house pentagon
""".split())
# Official titles that make an unknown named person an actor of the party named beside them.
OFFICIAL_TITLES = frozenset("""
president minister ambassador envoy spokesman spokeswoman spokesperson secretary chancellor premier official
diplomat adviser advisor aide chief head deputy lawmaker legislator senator congressman congresswoman
representative rep. sen. mp governor mayor general commander admiral colonel lieutenant marshal negotiator
delegate director commissioner chairman chairwoman chair speaker leader counselor counsellor consul attache
prosecutor ombudsman sergeant captain major officer
""".split())
# People who speak without speaking for a party (spec: they are not actors).
NON_ACTOR_WORDS = frozenset("""
former ex analyst analysts expert experts commentator commentators pollster pollsters journalist journalists
reporter reporters correspondent correspondents professor researcher researchers scholar scholars columnist
editor historian economist economists observer observers blogger writer author fellow think-tank candidate
ousted deposed exiled late opposition dissident activist dictator soviet tsar emperor institute university
center centre foundation ceo executive businessman tycoon oligarch billionaire bank anchor host presenter
media outlet outlets newspaper newspapers broadcaster television tv channel news magazine website tabloid
tass ria novosti interfax sputnik xinhua reuters afp bbc cnn izvestia kommersant ukrinform unian politico
axios bloomberg telegraph guardian
""".split())
# A place name is not an actor when it names a venue or a document ("the Minsk agreements", "in Geneva").
PLACE_NOT_ACTOR_AFTER = frozenset("""
agreement agreements accord accords format protocol protocols summit process declaration communique memorandum
time region oblast airport post times metro stock exchange suburbs outskirts mayor city residents airport
""".split())
PLACE_NOT_ACTOR_BEFORE = frozenset("in at near outside around across into toward towards within over".split())


# --- the registry ----------------------------------------------------------------------------


class ActorRegistry:
    def __init__(self, records: list[dict]):
        self.records = records
        self.actors: dict[str, dict] = {r["name"]: r for r in records if r["kind"] in ("state", "org", "bloc")}
        self.aliases: dict[str, str] = {}     # exact alias -> actor
        self.places: dict[str, str] = {}      # capital city -> actor
        self.demonyms: dict[str, str] = {}    # "Russian" -> Russia
        self.contextual: dict[str, tuple[str, ...]] = {}
        self.groups: dict[str, str] = {}  # alias -> group ("the Baltic states")
        self.group_members: dict[str, tuple[str, ...]] = {}  # group -> the states it names
        self.persons: dict[str, Person] = {}
        self.person_aliases: dict[str, list[Person]] = {}
        self.weak_aliases: dict[str, list[Person]] = {}
        self.role_aliases: dict[str, str] = {}  # lower phrase -> role id
        self.role_heads: dict[str, set[str]] = {}  # lower bare noun ("minister") -> role ids
        self._matchers: dict[int, tuple] = {}
        for r in records:
            self._add(r)
        self._lower = {k.lower(): v for k, v in {**self.places, **self.demonyms, **self.aliases}.items()}

    def _add(self, r: dict) -> None:
        kind = r["kind"]
        if kind in ("state", "org", "bloc"):
            for a in [r["name"], *r.get("aliases", [])]:
                self.aliases[a] = r["name"]
            for p in r.get("places", []):
                self.places[p] = r["name"]
            for d in r.get("demonyms", []):
                self.demonyms.setdefault(d, r["name"])
        elif kind == "contextual":
            self.contextual[r["name"]] = tuple(r["candidates"])
        elif kind == "group":
            self.group_members[r["name"]] = tuple(r["members"])
            for a in r["aliases"]:
                self.groups[a] = r["name"]
        elif kind == "role":
            rid = r["id"].removeprefix("role-")
            for a in r["aliases"]:
                self.role_aliases[a.lower()] = rid
            for h in r.get("heads", []):
                self.role_heads.setdefault(h.lower(), set()).add(rid)
        elif kind == "person":
            roles = tuple(Role(x["role"], x["of"], x.get("from", ""), x.get("to", ""), x.get("body", "").lower())
                          for x in r.get("roles", []))
            p = Person(r["id"], r["name"], r["actor"], roles, r.get("gender", "m"))
            self.persons[p.name] = p
            for a in r["aliases"]:
                self.person_aliases.setdefault(a, []).append(p)
            for a in r.get("weak_aliases", []) + _derived_last_name(r):
                self.weak_aliases.setdefault(a, []).append(p)

    # --- look-ups by name ---

    def resolve(self, name: str | None) -> str | None:
        """Canonical actor for an alias, place, demonym, person's name or actor name; None if unknown."""
        if not name:
            return None
        key = re.sub(r"\s+", " ", name).strip().removesuffix("'s").removesuffix("’s")
        key = re.sub(r"^(the|The)\s+", "", key)
        for table in (self.aliases, self.places, self.demonyms):
            if key in table:
                return table[key]
        if key in self.contextual:
            return self.contextual[key][0]
        if (hit := self._lower.get(key.lower())) is not None:
            return hit
        found = self.person(key)
        return found[1] if found else None

    def person(self, name: str | None, on_date: str | None = None) -> tuple[str, str] | None:
        """(canonical full name, actor) for a person's name, full or last; the one in office on the date wins."""
        if not name:
            return None
        key = re.sub(r"\s+", " ", name).strip().removesuffix("'s").removesuffix("’s")
        cands = self.person_aliases.get(key) or self.weak_aliases.get(key)
        if not cands:
            low = key.lower()
            cands = [p for a, ps in self.person_aliases.items() if a.lower() == low for p in ps]
        if not cands:
            return None
        p = self._pick(cands, on_date)
        return p.name, p.actor_on(on_date)

    @staticmethod
    def _pick(cands: list[Person], on_date: str | None) -> Person:
        active = [p for p in cands if p.active(on_date)]
        return (active or cands)[0]

    def canonical(self, name: str | None) -> Person | None:
        """The registry Person behind a name as spelled in a text (full, last, or a spelling variant)."""
        if not name:
            return None
        if name in self.persons:
            return self.persons[name]
        found = self.person(name) or self.person(name.split()[-1])
        return self.persons.get(found[0]) if found else None

    def holder(self, role: str, actor: str, on_date: str | None = None, hint: str = "") -> Person | None:
        """Who held `role` for `actor` on the date; `hint` (the words around it) picks the office body."""
        cands = [(p, r) for p in self.persons.values() for r in p.roles
                 if r.role == role and r.of == actor and r.active(on_date)]
        if not cands:
            # "the head of the German government": a state's head is its leader, and its leader is
            # its president or prime minister when the registry names no other
            fallback = {"head": "leader", "leader": "president", "president": None}.get(role)
            if role == "leader" and not self.holder("president", actor, on_date, hint):
                fallback = "prime-minister"
            return self.holder(fallback, actor, on_date, hint) if fallback else None
        hint = hint.lower()
        with_body = [c for c in cands if c[1].body and re.search(rf"\b{re.escape(c[1].body)}\b", hint)]
        if with_body:
            return with_body[0][0]
        if role in ROLES_NEEDING_BODY:
            return None  # a state has many ambassadors and aides: only the named post identifies one
        no_body = [c for c in cands if not c[1].body]
        return (no_body or cands)[0][0]

    def persons_with_role_head(self, noun: str) -> set[str]:
        """Role ids a bare noun ("the minister", "the spokesman") can refer back to."""
        noun = noun.lower()
        ids = set(self.role_heads.get(noun, ()))
        if noun in self.role_aliases:
            ids.add(self.role_aliases[noun])
        return ids

    # --- mentions in a text ---

    def find_mentions(self, span_or_doc, on_date: str | None = None, *, groups: bool = False) -> list[Mention]:
        """Every actor mention in the doc or span, in text order; dated descriptions use on_date
        (or doc.user_data['published'] when set). A group ("the Baltic states") gives one mention per
        member state, as the spec gives one row per state; with groups=True, one mention of the group."""
        doc = span_or_doc.doc if hasattr(span_or_doc, "doc") else span_or_doc
        on_date = on_date or doc.user_data.get("published")
        mentions = _doc_mentions(self, doc, on_date)
        if span_or_doc is not doc:
            lo, hi = span_or_doc.start_char, span_or_doc.end_char
            mentions = [m for m in mentions if m.start_char >= lo and m.end_char <= hi]
        return list(mentions) if groups else [x for m in mentions for x in self.members(m)]

    def members(self, mention: Mention) -> list[Mention]:
        """A group's mention as one mention per member state; any other mention as itself."""
        states = self.group_members.get(mention.actor) if mention.kind == "group" else None
        if not states:
            return [mention]
        return [Mention(mention.start_char, mention.end_char, mention.text, a, None, "group") for a in states]

    def matchers(self, vocab):
        key = id(vocab)
        if key not in self._matchers:
            self._matchers[key] = (vocab, *_build_matchers(self, vocab))
        return self._matchers[key][1:]


# --- building the matchers --------------------------------------------------------------------


def _derived_last_name(record: dict) -> list[str]:
    """A person named in full is then called by last name ("Zhao Lijian said… Zhao added…"), so the
    last name is a weak alias (it counts only in an article that names the person in full, or after a
    title) unless the record lists it already; a family name written first is listed in the data."""
    last = record["name"].split()[-1]
    listed = set(record["aliases"]) | set(record.get("weak_aliases", []))
    return [last] if last not in listed and last[:1].isupper() and last.isalpha() and len(last) > 2 else []


def _variants(alias: str) -> set[str]:
    """Spellings to match: as written, capitalised at a sentence start, and without "the" for a name
    ("the West" -> "West"), but not for a common noun ("the alliance" must keep its article)."""
    out = {alias}
    if alias[:1].islower():
        out.add(alias[0].upper() + alias[1:])
    if alias.startswith("the ") and alias[4:5].isupper():
        out.add(alias[4:])
    return out


def _build_matchers(reg: ActorRegistry, vocab):
    """Two PhraseMatchers: names by exact spelling (case matters: "US" is not "us"), tagged A alias,
    P place, D demonym, C contextual, G group, N person, W weak last name; and office titles in any case."""
    from spacy.matcher import PhraseMatcher

    make = _make_doc(vocab)
    names = PhraseMatcher(vocab, attr="ORTH")
    demonyms = {d: a for d, a in reg.demonyms.items() if d not in reg.aliases}  # "NATO" is an alias already
    tables = [("A", reg.aliases), ("P", reg.places), ("D", demonyms), ("C", {k: k for k in reg.contextual}),
              ("G", reg.groups),
              ("N", {a: ps[0].name for a, ps in reg.person_aliases.items()}),
              ("W", {a: ps[0].name for a, ps in reg.weak_aliases.items()})]
    for tag, table in tables:
        for alias in table:
            label = f"{tag}|{alias}"
            names.add(label, [make(v) for v in _variants(alias)])
    roles = PhraseMatcher(vocab, attr="LOWER")
    for phrase, rid in reg.role_aliases.items():
        roles.add(f"R|{rid}", [make(phrase)])
    return names, roles


def _make_doc(vocab):
    from core.extract.nlp import load_nlp

    nlp = load_nlp()
    if nlp.vocab is vocab:
        return nlp.make_doc
    import spacy

    blank = spacy.blank("en", vocab=vocab)
    return blank.make_doc


# --- finding mentions in a doc (cached per doc) ------------------------------------------------

_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 16


def _doc_mentions(reg: ActorRegistry, doc, on_date) -> tuple[Mention, ...]:
    """All mentions of a doc, computed once: the pipeline asks sentence by sentence. The cache holds
    the doc itself, so an id is never reused while its entry lives."""
    key = (id(doc), id(reg), on_date)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is doc:
        return hit[1]
    mentions = tuple(sorted(_MentionFinder(reg, doc, on_date).run(), key=lambda m: (m.start_char, -m.end_char)))
    _CACHE[key] = (doc, mentions)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return mentions


class _MentionFinder:
    """One pass over a doc: match names, then apply the context rules to each match."""

    def __init__(self, reg: ActorRegistry, doc, on_date):
        self.reg, self.doc, self.on_date = reg, doc, on_date
        names, roles = reg.matchers(doc.vocab)
        raw = [(doc.vocab.strings[m].split("|", 1), s, e) for m, s, e in names(doc)]
        self.raw = _longest(raw)
        self.roles = _longest([(doc.vocab.strings[m].split("|", 1), s, e) for m, s, e in roles(doc)])
        self.raw_tokens = {i for _, s, e in self.raw for i in range(s, e)}
        self.full_names = {reg.person_aliases[a][0].name for (t, a), _, _ in self.raw if t == "N"}
        self.surface = self._surface_names()
        # the offices a story is about: names of bodies it mentions more than once ("UN", "Kremlin")
        counts = {}
        for (tag, alias), _, _ in self.raw:
            if tag == "A":
                counts[alias] = counts.get(alias, 0) + 1
        self.doc_hint = " ".join(a for a, k in counts.items() if k > 1)

    def run(self) -> list[Mention]:
        out: list[Mention] = []
        taken: set[int] = set()
        for (tag, alias), s, e in self.raw:
            m = self._name_mention(tag, alias, s, e)
            if m:
                out.append(m)
                taken.update(range(s, e))
        out += self._descriptions()
        out += self._unknown_persons(taken)
        return out

    def _span_mention(self, s, e, actor, person, kind) -> Mention:
        span = self.doc[s:e]
        return Mention(span.start_char, span.end_char, span.text, actor, person, kind)

    def _name_mention(self, tag, alias, s, e) -> Mention | None:
        reg, doc = self.reg, self.doc
        if tag == "A":
            actor = reg.aliases[alias]
            return self._span_mention(s, e, actor, None, reg.actors[actor]["kind"])
        if tag == "G":
            return self._span_mention(s, e, reg.groups[alias], None, "group")
        if tag in ("P", "C"):
            if not self._place_is_actor(s, e):
                return None
            actor = reg.places[alias] if tag == "P" else self._contextual(alias)
            return self._span_mention(s, e, actor, None, reg.actors[actor]["kind"])
        if tag == "D":
            end = _actor_noun_end(doc, e)
            if end is None:
                return None
            actor = reg.demonyms[alias]
            return self._span_mention(s, end, actor, None, reg.actors[actor]["kind"])
        if tag == "N":
            p = reg._pick(reg.person_aliases[alias], self.on_date)
            return self._span_mention(s, e, p.actor_on(self.on_date), self.spelled(p.name), "person")
        if tag == "W":
            p = reg._pick(reg.weak_aliases[alias], self.on_date)
            if p.name in self.full_names or _titled_person(doc, s):
                return self._span_mention(s, e, p.actor_on(self.on_date), self.spelled(p.name), "person")
        return None

    def spelled(self, name: str) -> str:
        """The canonical name with the last name as this article spells it ("Viktor Orban" where the
        text writes Orban, "Viktor Orbán" where it writes Orbán): annotators follow the text."""
        return self.surface.get(name, name)

    def _surface_names(self) -> dict[str, str]:
        """Accented or unaccented last names as the article first writes them (Orban / Orbán)."""
        out, seen = {}, set()
        for (tag, alias), _, _ in self.raw:
            if tag not in ("N", "W"):
                continue
            p = (self.reg.person_aliases.get(alias) or self.reg.weak_aliases[alias])[0]
            if p.name in seen:
                continue
            seen.add(p.name)
            words = alias.split()
            last = words[-1]
            if last == p.last_name:
                continue
            # the article's spelling wins for accents (Orban/Orbán) and for a full name that keeps the
            # first name (Denys Shmygal), not for a transliterated one (Mikhail Podoliak)
            if _fold(last) == _fold(p.last_name) or len(words) > 1 and words[0] == p.name.split()[0]:
                out[p.name] = " ".join(p.name.split()[:-1] + [last])
        return out

    def _place_is_actor(self, s, e) -> bool:
        doc = self.doc
        if e < len(doc) and doc[e].lower_ in PLACE_NOT_ACTOR_AFTER:
            return False
        if e + 1 < len(doc) and doc[e].text == "-" and doc[e + 1].lower_ in PLACE_NOT_ACTOR_AFTER:
            return False
        return not (s > 0 and doc[s - 1].lower_ in PLACE_NOT_ACTOR_BEFORE)

    def _contextual(self, name: str) -> str:
        cands = self.reg.contextual[name]
        counts = {c: 0 for c in cands}
        for (tag, alias), _, _ in self.raw:
            if tag == "A" and self.reg.aliases[alias] in counts:
                counts[self.reg.aliases[alias]] += 1
        return max(cands, key=lambda c: (counts[c], -cands.index(c)))

    # descriptions: "Russia's top diplomat", "the NATO chief", "spokesman for the Kremlin"
    def _descriptions(self) -> list[Mention]:
        out = []
        for (_, rid), s, e in self.roles:
            found = self._anchor_left(s) or self._anchor_right(e)
            if not found:
                continue
            actor, a_start, a_end, hint = found
            lo, hi = min(a_start, s), max(a_end, e)
            if lo > 0 and self.doc[lo - 1].lower_ in ("former", "ex", "ex-", "then", "late") or \
                    s > 0 and self.doc[s - 1].lower_ in ("former", "ex", "ex-", "then", "late"):
                p = self._former_holder(rid, actor)  # "the former Russian president": someone named here
                if p is None:
                    continue
            else:
                p = self.reg.holder(rid, actor, self.on_date, hint + " " + self.doc[e:e + 4].text)
                if p is None and rid in ROLES_NEEDING_BODY:  # "the US ambassador" in a story about the UN
                    p = self.reg.holder(rid, actor, self.on_date, self.doc_hint)
            out.append(self._span_mention(lo, hi, actor, self.spelled(p.name) if p else None, "description"))
        return out

    def _former_holder(self, rid, actor):
        for name in self.full_names | {self.reg.weak_aliases[a][0].name for (t, a), _, _ in self.raw if t == "W"}:
            p = self.reg.persons[name]
            held = [r for r in p.roles if r.role == rid and r.of == actor]
            if held and not any(r.active(self.on_date) for r in held):
                return p
        return None

    def _anchor_left(self, s):
        doc = self.doc
        for (tag, alias), ms, me in reversed(self.raw):
            if me > s:
                continue
            between = doc[me:s]
            if len(between) > 3 or any(t.lower_ not in BODY_WORDS for t in between):
                if me < s - 3:
                    return None
                continue
            actor = self._actor_of(tag, alias)
            if actor:
                return actor, ms, me, doc[ms:s].text
        return None

    def _anchor_right(self, e):
        doc = self.doc
        if e >= len(doc) or doc[e].lower_ not in ("of", "for"):
            return None
        for (tag, alias), ms, me in self.raw:
            if e < ms <= e + 3 and all(t.lower_ in ("the", "'s") or t.lower_ in BODY_WORDS for t in doc[e + 1:ms]):
                actor = self._actor_of(tag, alias)
                if actor:
                    return actor, ms, me, doc[e:me].text
        return None

    def _actor_of(self, tag, alias) -> str | None:
        reg = self.reg
        if tag == "A":
            return reg.aliases[alias]
        if tag == "P":
            return reg.places[alias]
        if tag == "D":
            return reg.demonyms[alias]
        if tag == "C":
            return self._contextual(alias)
        if tag in ("N", "W"):
            return (reg.person_aliases.get(alias) or reg.weak_aliases[alias])[0].actor_on(self.on_date)
        return None

    # unknown persons: a PERSON entity with an official title and a party named beside it
    def _unknown_persons(self, taken: set[int]) -> list[Mention]:
        doc, out, known = self.doc, [], {}
        for ent in doc.ents:
            if ent.label_ != "PERSON" or any(i in taken for i in range(ent.start, ent.end)):
                continue
            start = _strip_titles(ent)
            if start >= ent.end:
                continue
            while start > 0 and start - 1 not in taken and _name_token(doc[start - 1]) and start - 1 not in self.raw_tokens:
                start -= 1  # spaCy often leaves a first name out of the entity
            name = _clean_name(doc[start:ent.end].text)
            if len(name.split()) < 2:
                continue  # a lone word tagged PERSON is too often a place or an outlet
            same = self._described_as(start, name)
            if same is not None:  # "Ukraine's Foreign Minister Dmytro Kubela": a misspelt Kuleba
                out.append(self._span_mention(start, ent.end, same.actor_on(self.on_date), same.name, "person"))
                continue
            actor = self._party_beside(ent.start, ent.end)
            if actor:
                known[name.split()[-1]] = (name, actor)
                out.append(self._span_mention(start, ent.end, actor, name, "person"))
        if known:
            out += self._repeat_mentions(known, taken, {(m.start_char) for m in out})
        return out

    def _described_as(self, start, name):
        """The registry person a description just before the name resolves to, if the names are alike."""
        from rapidfuzz import fuzz

        for (_, rid), s, e in self.roles:
            if e != start:
                continue
            found = self._anchor_left(s)
            p = found and self.reg.holder(rid, found[0], self.on_date, found[3])
            if p and (name.split()[0] == p.name.split()[0] or fuzz.ratio(_fold(name), _fold(p.name)) >= 80):
                return p
        return None

    def _repeat_mentions(self, known, taken, seen) -> list[Mention]:
        """Later mentions of a resolved unknown person by last name ("Sherman said")."""
        out = []
        for tok in self.doc:
            if tok.i in taken or tok.idx in seen or tok.text not in known:
                continue
            if tok.i + 1 < len(self.doc) and self.doc[tok.i + 1].text in known:
                continue
            name, actor = known[tok.text]
            out.append(Mention(tok.idx, tok.idx + len(tok.text), tok.text, actor, name, "person"))
        return out

    def _party_beside(self, s, e) -> str | None:
        doc = self.doc
        sent_start = doc[s].sent.start if doc.has_annotation("SENT_START") else 0
        left = doc[max(sent_start, s - 9):s]
        # the title phrase ends at punctuation, a verb or a conjunction ("Moscow summoned British
        # ambassador…", "Kremlin leader since Soviet dictator…")
        cut = max((t.i + 1 for t in left if t.is_punct and t.text not in ("-", "'s", "’s", ".")
                   or t.pos_ in ("VERB", "AUX", "SCONJ", "CCONJ")
                   or t.pos_ == "ADP" and t.lower_ not in ("of", "to", "for", "at", "in")), default=left.start)
        left = doc[cut:s]
        actor = self._party_in(left)
        if actor is not None:
            return actor or None
        if e < len(doc) and doc[e].text == ",":
            right_end = e + 1
            while right_end < min(len(doc), e + 12) and doc[right_end].text not in (",", ".", ";", "—", "–") \
                    and doc[right_end].pos_ not in ("VERB", "AUX"):
                right_end += 1
            actor = self._party_in(doc[e + 1:right_end])
            return actor or None
        return None

    def _party_in(self, window) -> str | None:
        """The party a title phrase names: None when no title, "" when a non-actor word rules it out."""
        words = {t.lower_ for t in window}
        if words & NON_ACTOR_WORDS:
            return ""
        if not words & OFFICIAL_TITLES:
            return None
        if words & US_LEGISLATOR_TITLES and "United States" in self.reg.actors:
            return "United States"  # "Rep. X", "Sen. Y", "Congresswoman Z" speak for the US
        doc = self.doc
        for (tag, alias), ms, me in self.raw:
            if window.start <= ms and me <= window.end:
                before = {t.lower_ for t in doc[max(window.start, ms - 2):ms]}
                if before & {"to", "in", "at", "with", "pro", "anti", "pro-", "anti-"}:
                    continue  # the host ("ambassador to the UK") or a leaning ("pro-Russian")
                if me + 1 < len(doc) and doc[me].text == "-" and doc[me + 1].lower_ in LEANING_WORDS:
                    continue  # "Moscow-leaning", "Kremlin-backed"
                actor = self._actor_of(tag, alias)
                if actor:
                    return actor
        return None


def _longest(matches):
    """Keep the longest of overlapping matches, earlier first on ties."""
    out, used = [], set()
    for m in sorted(matches, key=lambda m: (-(m[2] - m[1]), m[1])):
        if not used.intersection(range(m[1], m[2])):
            out.append(m)
            used.update(range(m[1], m[2]))
    return sorted(out, key=lambda m: m[1])


def _actor_noun_end(doc, e) -> int | None:
    """End of "Russian [foreign] officials", "German Interior Ministry"; None when the demonym does
    not name an official body ("Russian oil")."""
    for k in range(e, min(e + 4, len(doc))):
        tok = doc[k]
        if tok.lower_ in ACTOR_NOUNS:
            return k + 1
        if tok.lower_ not in BODY_WORDS and tok.pos_ != "ADJ" and not (tok.pos_ == "PROPN" and tok.is_title):
            return None
    return None


LEANING_WORDS = frozenset("leaning backed friendly allied installed based aligned supported controlled".split())
US_LEGISLATOR_TITLES = frozenset("rep. sen. congressman congresswoman senator".split())
_TITLE_BEFORE = frozenset("mr mr. mrs mrs. ms ms. dr dr. president secretary minister chancellor senator sen. "
                          "rep. ambassador general gen. spokesman spokeswoman envoy premier".split())


def _titled_person(doc, s) -> bool:
    return s > 0 and doc[s - 1].lower_ in _TITLE_BEFORE or doc[s].ent_type_ == "PERSON" and s > 0 \
        and doc[s - 1].ent_type_ == "PERSON"


def _name_token(tok) -> bool:
    low = tok.lower_
    return tok.pos_ == "PROPN" and tok.is_title and tok.ent_type_ in ("", "PERSON") \
        and low not in OFFICIAL_TITLES and low not in _TITLE_BEFORE


def _strip_titles(ent) -> int:
    i = ent.start
    while i < ent.end and (ent.doc[i].lower_ in OFFICIAL_TITLES or ent.doc[i].lower_ in _TITLE_BEFORE):
        i += 1
    return i


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


def _clean_name(text: str) -> str:
    return re.sub(r"(['’]s)$", "", text.strip()).strip()


@functools.lru_cache(maxsize=1)
def get_registry() -> ActorRegistry:
    """The registry from core/data/actors.jsonl, loaded and validated once per process."""
    return ActorRegistry(load_actor_records(ACTORS_FILE))

"""Who states something in each sentence: the holders (actor, and the person speaking for it).

Rules (the rule id is Holder.how; confidence says how much to trust it):
- "said-subject": the subject of a reporting or stance verb ("Lavrov said", "Moscow demanded",
  "Western countries accuse Russia", '"…," said Peskov', "Russia is ready to"), conjuncts included;
- "according-to": "according to X";
- "pronoun" / "role-ref": "he said", "they warned", "the minister added", "the former president"
  resolved to the person or party meant; "both-sides": "both sides agreed" -> the two main parties;
- "possessive": X's demand / proposal / warning ("Putin's terms"), low confidence;
- "embedded": the subject of a stance verb inside what someone else is reported to say, low confidence;
Sentences with no attribution of their own:
- "quote-forward": a quotation running over several sentences takes the attribution at its end;
- "quote-carry": a quotation (not a quoted phrase) continues the last speaker nearby;
- "colon-quote": 'The Estonian Foreign Ministry: "…"';
- "in-quote": a party named as subject inside the quotation, low confidence.
Former officials, analysts, commentators and journalists are not actors: their statements get no holder.
"""
from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass

from core.extract.actors import NON_ACTOR_WORDS, OFFICIAL_TITLES, Mention, get_registry

# Reporting and stance verbs: their subject states something ("Lavrov said", "Moscow demanded").
SPEECH_VERBS = frozenset("""
accept accuse acknowledge add admit advise affirm agree allege announce answer appeal applaud approve argue
ask assail assert assure attribute authorise authorize back bash believe berate blame blast brand call
castigate caution challenge characterise characterize charge chide cite claim commend comment commit complain
concede condemn confirm congratulate consider contest counter criticise criticize declare decline decry demand
denounce deny deplore describe dismiss dispute doubt downplay dub emphasise emphasize endorse envisage
envision excoriate expect explain express favor favour fear guarantee hail highlight hint hope implore
indicate insist intend invite label lambast lambaste lament lash lay maintain mention moot note object offer
oppose outline pitch plan plead pledge point post praise predict prefer press promise propose protest push
question rail read reaffirm reassure rebuff rebuke recall recognise recognize recommend refer refuse refute
regard reiterate reject remark repeat reply respond restate retort rule say scold seek set sign signal slam
stand state stress submit suggest support swear table talk tell thank think threaten tout tweet underline
underscore urge veto view voice vote vow want warn welcome wish worry write depict portray
""".split())
# Stance predicates with a copula: "Russia is ready to", "Kyiv is open to talks", "NATO is concerned".
STANCE_ADJECTIVES = frozenset("""
ready willing open prepared determined committed unwilling opposed concerned confident convinced sure certain
interested keen eager reluctant against adamant firm clear hopeful optimistic pessimistic skeptical sceptical
worried alarmed disappointed grateful satisfied unhappy angry furious
""".split())
# Deeds become stances when a modal or negation frames them ("will not allow", "could give up").
MODAL_VERBS = frozenset("""
allow tolerate permit accept negotiate talk meet discuss engage continue resume join withdraw respond retaliate
use give drop abandon stop halt end cease freeze recognize recognise provide supply send deploy help defend
protect sanction impose hold seek plan intend aim prepare need return leave pull compromise forgo surrender cede
""".split())
REPORTING = frozenset("say tell add describe call write state claim note".split())
PHRASAL_STANCES = frozenset({("play", "down"), ("hit", "back"), ("fire", "back"), ("strike", "back"),
                             ("push", "back"), ("lash", "out"), ("speak", "out"), ("rule", "out"), ("sign", "up")})
# Nouns that state a stance after "is"/"remains" ("a staunch supporter", "a fierce critic").
STANCE_ROLES = frozenset("supporter backer advocate proponent opponent critic ally champion defender".split())
NOT_STANCE_VERBS = frozenset("pose face represent constitute remain receive".split())
MODALS = frozenset("will would could can may might must should shall wo ca 'll".split())
# Nouns whose possessor or maker states something ("Putin's terms", "NATO issued a warning").
STANCE_NOUNS = frozenset("""
accusation accusations appeal assurance assurances call calls claim claims comments concern concerns condition
conditions criticism demand demands denial initiative insistence invitation line objection objections offer
offers plan plans pledge position promise promises proposal proposals refusal rejection remarks request
requests stance statement statements terms threat threats tone ultimatum warning warnings
""".split())
PRONOUNS_PERSON = frozenset("he she him her".split())
PRONOUNS_GROUP = frozenset("they it we".split())
# Bare nouns that refer back to an official already named ("the minister said").
ROLE_REF_NOUNS = frozenset("""
president minister spokesman spokeswoman spokesperson chancellor premier leader diplomat secretary envoy
ambassador official adviser advisor aide chief
""".split())
# Heads whose phrase names whom they speak for, not who speaks ("an aide to President Zelensky said"): the
# spec's speaker is the person speaking, so an unnamed aide's words have the party but no named speaker.
AIDE_NOUNS = frozenset("aide adviser advisor spokesman spokeswoman spokesperson assistant".split())
# Institutions that refer back to the party in focus ("the ministry said").
BODY_REF_NOUNS = frozenset("""ministry government embassy administration office kremlin side statement cabinet
communique communiqué document declaration readout letter text""".split())
# Texts that speak for whoever put them out ("a statement issued by the Kremlin said", "the communique adopted
# by NATO leaders"): the issuer is named in the clause of one of these verbs hung on the noun.
DOCUMENT_NOUNS = frozenset("""statement communique communiqué document declaration readout letter text resolution
decree memorandum note""".split())
ISSUING_VERBS = frozenset("""issue release publish adopt post sign send circulate distribute approve put draft
make""".split())
# "This was stated by Kuleba", "That's according to the ministry": the words are the sentence before.
POINTING_BACK = frozenset({"this", "that"})
EXCLUDED_PREPS = frozenset("to with against on over about between toward towards at under into than like among".split())
OPENING_MARKS = frozenset(['“', '"', "«", "‘", "``"])


@dataclass(frozen=True)
class Holder:
    actor: str
    speaker: str | None
    how: str
    confidence: float


def attribute_sentences(doc, sentences, *, published=None) -> list[list[Holder]]:
    """For each sentence, the actors that state something in it (0..n), most confident first."""
    return _Attributor(doc, sentences, published).run()


class _Attributor:
    def __init__(self, doc, sentences, published):
        self.doc, self.sentences = doc, sentences
        self.published = str(published)[:10] if published else None
        self.reg = get_registry()
        self.mentions = self.reg.find_mentions(doc, on_date=self.published, groups=True)
        self.by_token = _token_mentions(doc, self.mentions)
        # first token of each person mention, in text order: (token index, person, actor)
        firsts = {}
        for i, m in sorted(self.by_token.items()):
            if m.person and m.start_char not in firsts:
                firsts[m.start_char] = (i, m.person, m.actor)
        self.person_tokens = sorted(firsts.values())
        self.last: Holder | None = None      # the last explicitly attributed holder
        self.last_sent = -10                 # its sentence number
        self.last_para = -1
        self.recent_people: list[tuple[int, str, str]] = []  # (token index, person, actor), text order
        self.subject_people: dict[int, tuple[str, str]] = {}  # sentence no -> first person subject
        self.subject_actors: dict[int, tuple[str, int]] = {}  # sentence no -> first party subject
        self.said_parties: dict[int, list[str]] = {}  # sentence no -> actors of its said-subject holders
        self.lead_party: dict[int, str] = {}  # sentence no -> its lead holder, when that is a party, not a person
        self.unlisted: dict[str, tuple[str, str]] = {}  # last name -> (full name, party): people the registry lacks

    def run(self) -> list[list[Holder]]:
        out: list[list[Holder]] = []
        paras = _paragraph_numbers(self.doc, self.sentences)
        quotes = _quote_states(self.sentences, paras)
        pending: list[int] = []  # sentences of an open quotation waiting for its attribution
        for n, sent in enumerate(self.sentences):
            open_before, open_after = quotes[n]
            holders = self._explicit(sent, open_before=open_before)
            if holders:
                self._attributed(n, paras[n], holders)
                if pending and not open_after:  # '… This work is ongoing," Peskov said.'
                    self._reach_back(out, pending, holders[0])
                elif n and _points_back(sent) and not any(h.how not in WEAK_RULES for h in out[n - 1]):
                    self._reach_back(out, [n - 1], holders[0])
                pending = []
            else:
                pending = pending + [n] if open_after and len(pending) < 6 else []
                holders = self._unattributed(sent, n, paras[n], open_before)
            self._remember_people(sent)
            self._introduced_unlisted(sent)
            out.append(_dedupe(self._members(holders)))
        return out

    def _members(self, holders: list[Holder]) -> list[Holder]:
        """A group holds a position as each of its member states does (spec: one row per state)."""
        out = []
        for h in holders:
            states = self.reg.group_members.get(h.actor, (h.actor,))
            out += [h if a == h.actor else Holder(a, None, h.how, h.confidence) for a in states]
        return out

    def _attributed(self, n, para, holders) -> None:
        """Remember who spoke in sentence n, for the sentences after it."""
        lead = holders[0]
        if lead.speaker is None and lead.how not in WEAK_RULES:
            self.lead_party[n] = lead.actor
        self.said_parties[n] = list(dict.fromkeys(h.actor for h in holders if h.how in ("said-subject", "both-sides")))
        if lead.speaker or not self.last or lead.actor != self.last.actor:
            self.last = lead
        self.last_sent, self.last_para = n, para

    def _reach_back(self, out, pending, lead) -> None:
        """The earlier sentences of a quotation take its attribution instead of a carried speaker."""
        for k in pending:
            rest = [h for h in out[k] if h.how != "quote-carry"]
            out[k] = _dedupe(self._members([Holder(lead.actor, lead.speaker, "quote-forward", 0.7)]) + rest)

    def _unattributed(self, sent, n, para, open_before) -> list[Holder]:
        """A sentence with no attribution of its own: a colon before a quotation, or a quotation
        continuing the last speaker, plus any party named as subject inside the quotation."""
        holders = []
        colon = self._colon_quote(sent)
        if colon:
            holders = [colon]
            self.last, self.last_sent, self.last_para = colon, n, para
        elif self._continues(sent, n, para, open_before):
            holders = [Holder(self.last.actor, self.last.speaker, "quote-carry", 0.6)]
            self.last_sent = n
        inside = [Holder(h.actor, h.speaker, "in-quote", round(h.confidence * 0.5, 3))
                  for h in self._explicit(sent, inside_quotes=True) if h.how != "pronoun"]
        return holders + inside

    # --- explicit attribution inside the sentence ---

    def _explicit(self, sent, inside_quotes=False, open_before=False) -> list[Holder]:
        found: list[Holder] = []
        quoted = set() if inside_quotes else _quoted_tokens(sent, open_before)
        for tok in sent:
            if tok.i in quoted:
                continue  # words inside a quotation are the speaker's, not attributions
            kind = _verb_kind(tok)
            if kind:
                # "…, which Peskov said had reached…": a reporting verb in a relative clause still attributes
                relative_report = kind == "speech" and tok.dep_ == "relcl" and tok.lemma_.lower() in REPORTING
                how = "embedded" if _inside_reported(tok, sent) and not relative_report else "said-subject"
                subjects = self._np_before(tok, sent, kind) or _subjects(tok) or self._name_before(tok, sent, kind)
                for subj in subjects:
                    if subj.i not in quoted:
                        found += self._holders_for(subj, how, kind)
            elif tok.lower_ == "according" and tok.i + 1 < len(self.doc) and self.doc[tok.i + 1].lower_ == "to":
                for obj in _pobjs(self.doc[tok.i + 1]):
                    found += self._holders_for(obj, "according-to", "source")
            elif tok.dep_ == "poss" and tok.head.lemma_.lower() in STANCE_NOUNS:
                found += self._holders_for(tok, "possessive", "noun")
        return sorted(found, key=lambda h: -h.confidence)

    def _np_before(self, verb, sent, kind) -> list:
        """'…against Ukraine, NATO and the United States warned on Tuesday': a reporting verb the parser
        hung on the clause before it (as a conjunct) takes the names standing between a comma and it."""
        if kind != "speech" or verb.dep_ != "conj" or any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
            return []
        out, i = [], verb.i - 1
        while i >= sent.start and self.doc[i].pos_ in ("PROPN", "DET", "CCONJ", "NOUN", "ADJ", "PART", "ADV"):
            if self.by_token.get(i) is not None and (not out or self.by_token[i] is not self.by_token[out[-1].i]):
                out.append(self.doc[i])
            i -= 1
        return list(reversed(out)) if out and i >= sent.start and self.doc[i].text == "," else []

    def _name_before(self, verb, sent, kind) -> list:
        """A reporting verb the parser left without a subject, right after a name: a long title
        ("Ukraine Ambassador to the UK Vadym Prystaiko suggested…") often confuses it."""
        if kind != "speech" or verb.dep_ not in ("ROOT", "conj"):
            return []
        i = verb.i - 1
        while i > sent.start and self.doc[i].pos_ in ("AUX", "ADV", "PART"):
            i -= 1
        m = self.by_token.get(i)
        return [self.doc[i]] if m is not None and m.kind == "person" and i >= sent.start else []

    def _holders_for(self, tok, how, verb_kind) -> list[Holder]:
        conf = {"source": 0.95, "speech": 0.9, "adj": 0.8, "modal": 0.7, "noun": 0.3}[verb_kind]
        if how == "embedded":
            conf = 0.5
        low = tok.lower_
        if low in PRONOUNS_PERSON:
            return _listed(self._pronoun(tok, conf))
        if low in PRONOUNS_GROUP and tok.tag_ != "NNP":
            return self._group_pronoun(tok, low, conf)
        if _with_allies(tok) and "West" in self.reg.actors:
            return [Holder("West", None, how, conf * 0.9)]  # "the US and its allies"
        if _both_sides(tok) and tok.dep_ != "poss":
            leaders = tok.lemma_.lower() in ("leader", "president")
            sides = self._two_leaders(tok.i) if leaders else self._two_sides(tok.i, _side_count(tok))
            return [Holder(a, p, "both-sides", conf * 0.7) for a, p in sides]
        closing = self._closing_name(tok)
        if closing is not None and self.by_token.get(closing.i) is not None:
            m = self.by_token[closing.i]
            return [Holder(m.actor, m.person, how, conf)]
        again = self._unlisted_again(tok)
        if again is not None:
            return [Holder(again[1], again[0], how, conf)]
        person = self._person_in_head(tok)
        named = _unlisted_person(closing if closing is not None else tok, self.by_token)
        if named:
            # "Top Trump ally Rick Scott said": a person the registry does not list speaks; the phrase
            # around the name (a listed person in it, a party) only says for whom
            found = [Holder(person.actor, None, how, conf)] if person else self._party_holders(tok, how, conf, low)
            if found:
                self._remember_unlisted(named, found[0].actor, tok.i)
            return [Holder(h.actor, named, h.how, h.confidence) for h in found[:1]] + found[1:]
        if person is not None:
            return [Holder(person.actor, person.person, how, conf)]
        return self._party_holders(tok, how, conf, low)

    def _party_holders(self, tok, how, conf, low) -> list[Holder]:
        mention = self.by_token.get(tok.i)
        if mention is not None:
            return [Holder(mention.actor, mention.person, how, conf)]
        if _non_actor(tok):
            # "the former president" may still be a named person who speaks for a party (Trump in 2024)
            former = tok.lemma_.lower() in ROLE_REF_NOUNS and tok.tag_ == "NN"
            return _listed(self._role_ref(tok, conf)) if former else []
        inside = self._mentions_in_np(tok)
        if inside:
            aide = _is_aide(tok)
            return [Holder(m.actor, None if aide else m.person, how, conf * 0.95) for m in inside]
        if tok.tag_ in ("NNS", "NNPS") and tok.lemma_.lower() in ROLE_REF_NOUNS:
            # "the officials said": the party in focus (as for "they"), no named speaker
            group = [Holder(h.actor, None, "role-ref", h.confidence) for h in self._group_pronoun(tok, "they", conf)]
            if group:
                return group
            return [Holder(self.last.actor, None, "role-ref", conf * 0.7)] if self._recent(tok) else []
        if tok.lemma_.lower() in ROLE_REF_NOUNS or low in ROLE_REF_NOUNS or self._role_phrase(tok):
            return _listed(self._role_ref(tok, conf))
        issuers = self._issuers(tok)
        if issuers:
            return [Holder(m.actor, m.person, how, conf * 0.9) for m in issuers]
        if tok.lemma_.lower() in BODY_REF_NOUNS and self._recent(tok):
            return [Holder(self.last.actor, None, "role-ref", conf * 0.7)]
        return []

    def _issuers(self, tok) -> list:
        """The parties named as putting out a document: 'a statement issued by the Kremlin', 'the
        communique, which was published on the NATO website'."""
        if tok.lemma_.lower() not in DOCUMENT_NOUNS and tok.lower_ not in DOCUMENT_NOUNS:
            return []
        out = []
        for clause in tok.children:
            if clause.dep_ in ("acl", "relcl") and clause.lemma_.lower() in ISSUING_VERBS:
                for part in clause.children:   # who put it out, or where: not whom it was sent to
                    if part.dep_ in ("agent", "nsubj") or (part.dep_ == "prep" and part.lower_ in ("on", "from")):
                        out += [m for t in part.subtree if (m := self.by_token.get(t.i)) is not None]
        return list({m.actor: m for m in out}.values())

    def _two_sides(self, i, k=2) -> list[tuple[str, None]]:
        """'Both sides' ('the three sides'): the k parties (states) named most often so far."""
        counts: dict[str, int] = {}
        for m in self.mentions:
            if m.start_char >= self.doc[i].idx:
                break
            if m.kind in ("state", "person", "description"):
                counts[m.actor] = counts.get(m.actor, 0) + 1
        top = sorted(counts, key=lambda a: -counts[a])[:k]
        return [(a, None) for a in top] if len(top) == k else []

    def _two_leaders(self, i) -> list[tuple[str, str]]:
        """'The two leaders': the last two persons named who speak for different parties."""
        out: dict[str, str] = {}
        for _, person, actor in reversed(self._people_before(i)):
            out.setdefault(actor, person)
            if len(out) == 2:
                return list(out.items())
        return []

    def _role_phrase(self, tok) -> set[str]:
        """Role ids named by the whole head phrase: 'the secretary general', 'the top diplomat'."""
        words = [c.lower_ for c in tok.children if c.dep_ in ("compound", "amod") and c.i < tok.i] + [tok.lower_]
        return self.reg.persons_with_role_head(" ".join(words)) if len(words) > 1 else set()

    def _unlisted_again(self, tok) -> tuple[str, str] | None:
        """'Zhao said' after 'Chinese Foreign Ministry spokesman Zhao Lijian said': a person the registry
        does not list, named again by last name, is the one named in full before, for the same party."""
        if not tok.text[:1].isupper() or tok.pos_ not in ("PROPN", "NOUN") or self.by_token.get(tok.i) is not None:
            return None  # the parser often tags an unfamiliar last name as a common noun
        return self.unlisted.get(tok.text)

    def _remember_unlisted(self, name: str, actor: str, i: int) -> None:
        last = name.split()[-1]
        if last not in self.unlisted or self.unlisted[last][0] == name:
            self.unlisted[last] = (name, actor)
            self.recent_people.append((i, name, actor))   # so 'he' and 'she' can reach the person too

    def _introduced_unlisted(self, sent) -> None:
        """'Australia's deputy prime minister, Richard Marles, visited Kyiv': a full name the registry
        lacks, described with one party, is remembered for that party before the person speaks."""
        for ent in sent.ents:
            if ent.label_ != "PERSON" or len(ent) < 2 or any(self.by_token.get(t.i) is not None for t in ent):
                continue
            root = ent.root
            phrase = root.head if root.dep_ == "appos" else root
            parties = {m.actor for m in self._mentions_in_np(phrase)}
            if len(parties) == 1:
                self._remember_unlisted(_entity_name(ent), parties.pop(), root.i)

    def _closing_name(self, tok):
        """'The head of Russia's Security Council, Nikolai Patrushev, warned': a person's name set off by
        a comma at the end of a descriptive subject phrase is who speaks, whichever noun the parser hung
        it on; the phrase only says what the person is. Not when the subject is itself a person
        ('Yermak, an adviser to the president, Zelensky, said': Yermak speaks)."""
        doc = self.doc
        own = self.by_token.get(tok.i)
        if tok.ent_type_ == "PERSON" or (own is not None and own.kind == "person"):
            return None
        end = tok.right_edge.i
        while end > tok.i and doc[end].is_punct:
            end -= 1
        name = doc[end]
        listed = self.by_token.get(name.i)
        is_person = (listed is not None and listed.kind == "person") or (listed is None and name.ent_type_ == "PERSON")
        if name.i == tok.i or name.dep_ != "appos" or not is_person or _speaks_for(tok, name):
            return None
        before = name.left_edge.i - 1
        return name if before > tok.i and doc[before].text == "," else None

    def _person_in_head(self, tok):
        """A person named in the subject's head chain: "Russia's negotiator, Grushko," or "spokesman Peskov"."""
        edge = self.by_token.get(tok.right_edge.i)
        if (edge is not None and edge.kind == "person" and tok.right_edge.i > tok.i and tok.lower_ in OFFICIAL_TITLES
                and not _speaks_for(tok, tok.right_edge)):
            return edge  # "Ukraine Ambassador to the UK Vadym Prystaiko told…": the name closes the phrase
        for t in [tok, *(c for c in tok.children if c.dep_ in ("appos", "compound", "flat"))]:
            m = self.by_token.get(t.i)
            if m is not None and m.kind == "person":
                return m
            if t.i != tok.i:
                for c in t.children:
                    m = self.by_token.get(c.i)
                    if c.dep_ in ("compound", "flat") and m is not None and m.kind == "person":
                        return m
        return None

    def _mentions_in_np(self, tok):
        """Parties named inside the subject phrase ("a spokesman for the Russian embassy", "U.S. and NATO
        officials", "officials in Moscow"), one per actor."""
        out, seen = [], set()
        for t in tok.subtree:
            if t.i == tok.i or _excluded_branch(t, tok):
                continue
            m = self.by_token.get(t.i)
            if m is None and t.dep_ == "pobj" and t.head.lower_ == "in":
                actor = self.reg.resolve(t.text)
                m = Mention(t.idx, t.idx + len(t.text), t.text, actor, None, "state") if actor else None
            if m is not None and m.actor not in seen:
                seen.add(m.actor)
                out.append(m)
        return out

    # --- references back to someone already named ---

    def _pronoun(self, tok, conf) -> Holder | None:
        """'he'/'she': a person named earlier in this sentence, else the subject of the previous
        sentence, else the current speaker, else the last person named (of the pronoun's gender)."""
        n = self._sentence_no(tok.i)
        start = self._sent_start(tok.i)
        fits = functools.partial(self._fits_pronoun, tok.lower_)
        last = self.last if self.last and self.last.speaker and fits(self.last.speaker) else None
        here = [(i, p, a) for i, p, a in self._people_before(tok.i) if start <= i < tok.i and fits(p)]
        if here and not (last and any(p == last.speaker for _, p, _ in here)):
            _, person, actor = here[0]
            return Holder(actor, person, "pronoun", conf * 0.85)
        subj = self.subject_people.get(n - 1)
        if subj and fits(subj[0]) and not (last and self.last_sent == n - 1):
            return Holder(subj[1], subj[0], "pronoun", conf * 0.85)
        if last and n - self.last_sent <= 4:
            return Holder(last.actor, last.speaker, "pronoun", conf * 0.9)
        people = [x for x in self._people_before(tok.i) if fits(x[1])]
        if people:
            return Holder(people[-1][2], people[-1][1], "pronoun", conf * 0.7)
        return None

    def _fits_pronoun(self, pronoun: str, person: str) -> bool:
        """'she' is not Lavrov and 'he' is not Zakharova; people the registry does not know fit both."""
        p = self.reg.canonical(person)
        if p is None:
            return True
        return (p.gender == "f") == (pronoun in ("she", "her"))

    def _group_pronoun(self, tok, low, conf) -> list[Holder]:
        """'it'/'they' as a party: the subject just before it in the sentence, else the parties that
        spoke in the previous sentence ("Blinken and Stoltenberg said… They warned…")."""
        if low == "we":
            return []
        start = self._sent_start(tok.i)
        for t in self.doc[start:tok.i]:  # "Russia has signaled it wants…": the subject before it
            if t.dep_ not in ("nsubj", "nsubjpass") or t.lower_ in PRONOUNS_GROUP or t.lower_ in PRONOUNS_PERSON:
                continue
            m = self.by_token.get(t.i) or next(iter(self._mentions_in_np(t)), None)
            if m is not None and m.kind != "person":
                return [Holder(m.actor, None, "pronoun", conf * 0.8)]
        n = self._sentence_no(tok.i)
        prev = self.said_parties.get(n - 1, [])
        if low == "they" and len(prev) > 1:
            return [Holder(a, None, "pronoun", conf * 0.7) for a in prev]
        if self.lead_party.get(n - 1):
            return [Holder(self.lead_party[n - 1], None, "pronoun", conf * 0.7)]
        actor = self.subject_actors.get(n - 1)
        if actor:
            return [Holder(actor[0], None, "pronoun", conf * 0.7)]
        return []

    def _role_ref(self, tok, conf) -> Holder | None:
        """'the minister', 'the former president': the speaker if the office fits, else the latest
        person named whose office fits the noun."""
        if any(c.dep_ == "poss" or c.lower_ in ("a", "an") for c in tok.children):
            return None
        roles = (self.reg.persons_with_role_head(tok.lemma_.lower()) | self.reg.persons_with_role_head(tok.lower_)
                 | self._role_phrase(tok))
        former = any(c.lower_ in ("former", "ex") for c in tok.children)

        def fits(name):
            p = self.reg.canonical(name)
            if p is None:
                return False
            held = [r for r in p.roles if r.role in roles]
            if former:  # "the former Russian president": an office held before, not now
                return any(r.end and not r.active(self.published) for r in held) and not any(
                    r.active(self.published) for r in held)
            return bool(held)
        if self.last and self.last.speaker and fits(self.last.speaker) and self._recent(tok):
            return Holder(self.last.actor, self.last.speaker, "role-ref", conf * 0.85)
        for _, person, actor in reversed(self._people_before(tok.i)):
            if fits(person):
                return Holder(actor, person, "role-ref", conf * 0.8)
        if self.last and self.last.speaker and self._recent(tok) and not former:
            return Holder(self.last.actor, self.last.speaker, "role-ref", conf * 0.6)
        return None

    def _people_before(self, i):
        """Persons named in earlier sentences (the last 20) and earlier in this sentence, in text order."""
        start = self._sent_start(i)
        lo = bisect.bisect_left(self.person_tokens, (start,))
        hi = bisect.bisect_left(self.person_tokens, (i,))
        return self.recent_people + self.person_tokens[lo:hi]

    def _sent_start(self, i):
        n = self._sentence_no(i)
        return self.sentences[n].start if 0 <= n < len(self.sentences) else i

    def _remember_people(self, sent) -> None:
        n = self._sentence_no(sent.start)
        for t in sent:
            if t.dep_ not in ("nsubj", "nsubjpass"):
                continue
            m = self.by_token.get(t.i)
            if m is None:
                continue
            if m.person and n not in self.subject_people:
                self.subject_people[n] = (m.person, m.actor)
            elif not m.person and n not in self.subject_actors:
                self.subject_actors[n] = (m.actor, t.i)
        seen = set()
        for t in sent:
            m = self.by_token.get(t.i)
            if m is not None and m.person and (m.start_char, m.person) not in seen:
                seen.add((m.start_char, m.person))
                self.recent_people.append((t.i, m.person, m.actor))
        del self.recent_people[:-20]

    def _recent(self, tok) -> bool:
        return self._recent_index(tok.i)

    def _recent_index(self, i) -> bool:
        n = self._sentence_no(i)
        return self.last is not None and n - self.last_sent <= 2

    def _sentence_no(self, i) -> int:
        if not hasattr(self, "_sent_of"):
            self._sent_of = {t.i: n for n, s in enumerate(self.sentences) for t in s}
        return self._sent_of.get(i, self.last_sent)

    # --- carrying a speaker over into sentences that do not name one ---

    def _continues(self, sent, n, para, open_before) -> bool:
        """A quotation with no attribution of its own continues the last speaker nearby. A sentence
        with a quoted phrase in it ("a 'coalition of the willing'") is not a quotation."""
        if self.last is None:
            return False
        quoted = _quoted_tokens(sent, open_before)
        first = next((t for t in sent if not t.is_space), None)
        mostly = open_before or (first is not None and first.text in OPENING_MARKS) or 2 * len(quoted) >= len(sent)
        if not mostly and not (quoted and not self._names_own_subject(sent)):
            return False
        return para == self.last_para or n - self.last_sent <= 1

    def _names_own_subject(self, sent) -> bool:
        """The main clause has a subject that names a party or person ("Macron has talked about…")."""
        for t in sent:
            if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT":
                return self.by_token.get(t.i) is not None or bool(self._mentions_in_np(t))
        return False

    def _colon_quote(self, sent) -> Holder | None:
        """'The Estonian Foreign Ministry: "Latest news…"': a party or person, a colon, a quotation."""
        for t in sent:
            if t.text != ":" or t.i + 1 >= sent.end or self.doc[t.i + 1].text not in OPENING_MARKS:
                continue
            m = self.by_token.get(t.i - 1) if t.i > sent.start else None
            if m is not None:
                return Holder(m.actor, m.person, "colon-quote", 0.8)
        return None


# --- helpers on the parse ---------------------------------------------------------------------


def _verb_kind(tok) -> str | None:
    lemma = tok.lemma_.lower()
    if tok.pos_ in ("VERB", "AUX") and (lemma in SPEECH_VERBS or _misread_speech_verb(tok)):
        return "speech"
    if tok.pos_ == "ADJ" and lemma in STANCE_ADJECTIVES and tok.dep_ in ("acomp", "ROOT", "ccomp", "conj"):
        return "adj"
    if tok.pos_ == "VERB" and lemma in MODAL_VERBS and any(
            c.lower_ in MODALS or c.dep_ == "neg" for c in tok.children):
        return "modal"
    if tok.pos_ == "VERB" and lemma not in NOT_STANCE_VERBS and any(
            c.dep_ == "dobj" and c.lemma_.lower() in STANCE_NOUNS for c in tok.children):
        return "speech"  # "Russia made demands", "NATO issued a warning" (not "Russia poses a threat")
    if lemma == "make" and any(c.lower_ == "clear" for c in tok.children):
        return "speech"  # "he made clear that…"
    if any((lemma, c.lower_) in PHRASAL_STANCES for c in tok.children if c.dep_ in ("prt", "advmod")):
        return "speech"  # "the Kremlin played down…", "Michel hit back"
    if lemma in ("be", "remain") and any(c.dep_ == "attr" and c.lemma_.lower() in STANCE_ROLES for c in tok.children):
        return "adj"  # "the UK remains a prominent supporter of Kyiv"
    if lemma == "see" and any(c.lower_ == "as" for c in tok.children):
        return "speech"  # "Russia sees China as its partner"
    if tok.pos_ == "VERB" and any(c.dep_ == "dobj" and c.lemma_.lower() in ("list", "set", "series", "package")
                                  and any(g.lower_ == "of" and any(o.lemma_.lower() in STANCE_NOUNS for o in g.children)
                                          for g in c.children) for c in tok.children):
        return "speech"  # "Russia made public a list of demands"
    return None


def _misread_speech_verb(tok) -> bool:
    """The small model's lemmatiser now and then clips a regular past form ("hoped" -> "hop"):
    a -d/-ed form whose stem plus 'e' (or the stem) is a speech verb is one."""
    low = tok.lower_
    return tok.tag_ in ("VBD", "VBN") and low.endswith("d") and (low[:-1] in SPEECH_VERBS or low[:-2] in SPEECH_VERBS)


def _subjects(verb):
    """Subjects of a verb, with conjuncts; a conjoined or adverbial verb without its own subject
    borrows its governor's ('Lavrov told Putin, adding…'). For adjectives, the copula's subject."""
    node = verb
    if verb.pos_ == "ADJ" and verb.dep_ == "acomp":
        node = verb.head
    via_conj = False
    for _ in range(4):
        agents = [p for c in node.children if c.dep_ == "agent" for p in _pobjs(c)]
        if agents and node is verb:
            return agents  # "the proposal was rejected by Guterres"
        # the parser sometimes hangs the subject on the auxiliary ("The UK has to date pledged…")
        subs = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")] or [
            g for c in node.children if c.dep_ in ("aux", "auxpass") for g in c.children if g.dep_ == "nsubj"]
        if subs:
            out = []
            for s in subs:
                if s.dep_ == "nsubjpass" and node.lemma_.lower() not in ("quote", "cite"):
                    continue
                if s.tag_ in ("WP", "WDT") and node.dep_ == "relcl":
                    s = node.head  # "Trump, who has been open to talks"
                out.append(s)
                out += [c for c in s.children if c.dep_ == "conj"]
            return out
        if node.dep_ in ("conj", "advcl", "xcomp", "pcomp") and node.head.i != node.i:
            via_conj = via_conj or node.dep_ == "conj"
            node = node.head
            if node.dep_ == "prep" and node.head.i != node.i:  # "quoted as saying"
                node = node.head
            continue
        if via_conj and node.dep_ == "acl" and node.head.head.pos_ == "VERB":
            # "Russia defends the right to move forces … and accuses NATO": the conjunct was
            # attached to the infinitive; its subject is the main verb's
            node = node.head.head
            continue
        break
    return []


def _inside_reported(tok, sent) -> bool:
    """True when the verb stands inside what another verb reports (a ccomp of a speech verb)."""
    node, via_conj = tok, False
    while node.head.i != node.i and node.i in range(sent.start, sent.end):
        if node.dep_ == "ccomp" and node.head.lemma_.lower() in SPEECH_VERBS and node.head.pos_ == "VERB":
            return True  # an xcomp ("wants to talk") is the governor's own; keep climbing past it
        if node.dep_ == "acl" and via_conj and node.head.head.pos_ == "VERB":
            node = node.head.head  # the misattached conjunct of _subjects ("…the right to move… and accuses")
            continue
        if node.dep_ == "acl" or node.dep_ == "relcl" and not _relative_subject(node):
            return True
        via_conj = via_conj or node.dep_ == "conj"
        node = node.head
    return False


def _relative_subject(verb) -> bool:
    return any(c.dep_ == "nsubj" and c.tag_ in ("WP", "WDT") for c in verb.children)


def _pobjs(prep):
    out = []
    for c in prep.children:
        if c.dep_ == "pobj":
            out.append(c)
            out += [x for x in c.children if x.dep_ == "conj"]
    return out


SIDES_NOUNS = frozenset("side sides delegation delegations country countries leader leaders party parties".split())


def _with_allies(tok) -> bool:
    """'The US and its allies' (the spec's West); 'Germany and its partners' stays Germany."""
    if tok.lower_ not in ("us", "u.s.", "states", "washington", "america"):
        return False
    return any(c.dep_ == "conj" and c.lemma_.lower() in ("ally", "partner")
               and any(g.lower_ in ("its", "their") for g in c.children) for c in tok.children)


def _both_sides(tok) -> bool:
    """'both sides', 'the two sides', 'the sides', 'both delegations', 'the two leaders', 'each side'."""
    if tok.lemma_.lower() not in SIDES_NOUNS and tok.lower_ not in SIDES_NOUNS:
        return False
    mods = {c.lower_ for c in tok.children if c.dep_ in ("det", "nummod", "predet", "preconj", "amod")}
    if mods & {"both", "two", "each", "three"}:
        return True
    return tok.lower_ == "sides" and mods == {"the"}


def _side_count(tok) -> int:
    return 3 if any(c.lower_ == "three" for c in tok.children) else 2


def _non_actor(tok) -> bool:
    """'analysts', 'a political analyst', 'former diplomat X': the head phrase names a non-actor."""
    words = {tok.lemma_.lower(), tok.lower_}
    for t in tok.subtree:
        if t.i < tok.i and t.dep_ in ("amod", "compound", "nmod") or t.dep_ == "appos" and t.head.i == tok.i:
            words.add(t.lower_)
            words.update(c.lower_ for c in t.children if c.dep_ in ("amod", "compound") or t.dep_ == "appos")
    return bool(words & NON_ACTOR_WORDS)


def _points_back(sent) -> bool:
    """'This was stated by Kuleba.', "That's according to the communique.": the subject is a bare
    'this'/'that', so what was stated is the sentence before."""
    first = sent[0]
    if first.lower_ not in POINTING_BACK or first.dep_ not in ("nsubj", "nsubjpass") or list(first.children):
        return False
    head = first.head   # only the attribution itself: not '"That is a red line," Peskov said.'
    return head.lower_ == "according" or (
        head.lemma_.lower() in SPEECH_VERBS and any(c.dep_ == "agent" for c in head.children))


def _speaks_for(head, name) -> bool:
    """'an aide to President Zelensky', 'a spokesman for Putin': the name, in the aide's prepositional
    phrase, is whom the aide speaks for."""
    return _is_aide(head) and any(t.dep_ == "prep" and t.head.i == head.i for t in name.ancestors)


def _is_aide(tok) -> bool:
    return tok.lower_ in AIDE_NOUNS or tok.lemma_.lower() in AIDE_NOUNS


def _excluded_branch(t, head) -> bool:
    """Skip parties inside a PP like 'talks with Russia' or a relative clause inside the subject."""
    node = t
    while node.i != head.i and node.head.i != node.i:
        if node.dep_ == "prep" and node.lower_ in EXCLUDED_PREPS:
            return True
        if node.dep_ in ("relcl", "acl", "appos") and node.head.i == head.i and node.dep_ != "appos":
            return True
        node = node.head
    return False


_PRIORITY = {"person": 0, "description": 1, "state": 2, "org": 2, "bloc": 2, "group": 2}


def _token_mentions(doc, mentions):
    """Token index -> the most specific mention covering it (a person beats a description beats a party)."""
    out = {}
    for m in mentions:
        span = doc.char_span(m.start_char, m.end_char, alignment_mode="expand")
        if span is None:
            continue
        for t in span:
            cur = out.get(t.i)
            if cur is None or (_PRIORITY[m.kind], -(m.end_char - m.start_char)) < (
                    _PRIORITY[cur.kind], -(cur.end_char - cur.start_char)):
                if m.kind == "description" and m.person is None and cur is not None:
                    continue
                out[t.i] = m
    return out


def _paragraph_numbers(doc, sentences) -> list[int]:
    out, para, prev_end = [], 0, None
    text = doc.text
    for s in sentences:
        if prev_end is not None and "\n" in text[prev_end:s.start_char]:
            para += 1
        out.append(para)
        prev_end = s.end_char
    return out


WEAK_RULES = frozenset({"embedded", "possessive", "in-quote"})


def _dedupe(holders: list[Holder]) -> list[Holder]:
    """One holder per actor, the most confident; it takes a speaker another rule found for that actor."""
    out: dict[str, Holder] = {}
    for h in holders:
        cur = out.get(h.actor)
        if cur is None:
            out[h.actor] = h
        elif cur.speaker is None and h.speaker is not None and h.how not in WEAK_RULES:
            out[h.actor] = Holder(cur.actor, h.speaker, cur.how, cur.confidence)
    return list(out.values())


def _unlisted_person(tok, by_token) -> str | None:
    """The full name of a person the parser tags as one and the registry does not list, when `tok`
    (a subject) is part of it: such a person is the speaker whatever party the phrase names."""
    ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None) if tok.ent_type_ == "PERSON" else None
    if ent is None or tok.pos_ != "PROPN" or any(by_token.get(t.i) is not None for t in ent):
        return None
    name = _entity_name(ent)
    return name if len(name.split()) >= 2 else None


def _entity_name(ent) -> str:
    """A person entity's name as a speaker: its words without a possessive "'s"."""
    return " ".join(t.text for t in ent if t.tag_ != "POS" and t.text not in ("'s", "’s"))


def _listed(h):
    return [h] if h is not None else []


def _quote_states(sentences, paras) -> list[tuple[bool, bool]]:
    """(quotation open before, open after) for each sentence; a paragraph break closes quotes,
    and so does a quote left open for more than six sentences (an unbalanced mark)."""
    out, depth, straight, run = [], 0, False, 0
    for n, sent in enumerate(sentences):
        if n and paras[n] != paras[n - 1] or run > 6:
            depth, straight, run = 0, False, 0
        text = sent.text
        first = next((t.text for t in sent if t.text in ("“", "”", "«", "»", "‘", "’")), None)
        if first in ("“", "«", "‘"):
            depth = 0  # a sentence that opens a new quotation: the one before it was never closed
        before = depth > 0 or straight
        singles = sum(t.text == "‘" for t in sent) - sum(t.text == "’" for t in sent)
        depth = max(0, depth + text.count("“") + text.count("«") - text.count("”") - text.count("»") + singles)
        straight ^= bool(text.count('"') % 2)
        after = depth > 0 or straight
        run = run + 1 if after else 0
        out.append((before, after))
    return out


def _quoted_tokens(sent, open_before=False) -> set[int]:
    """Indices of the tokens inside quotation marks (straight quotes toggle)."""
    out, depth, straight = set(), int(open_before), False
    for t in sent:
        ch = t.text
        if ch in ("“", "«", "‘"):
            depth += 1
            continue
        if ch in ("”", "»", "’"):  # a lone ’ token closes; the apostrophe of "Russia’s" is not a lone token
            depth = max(0, depth - 1)
            continue
        if ch in ('"', "``", "''"):
            if depth and not straight:
                depth -= 1  # closes the quotation opened in an earlier sentence
            else:
                straight = not straight
            continue
        if depth or straight:
            out.add(t.i)
    return out

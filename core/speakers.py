"""Who states something in each sentence: the holders (actor, and the person speaking for it).

Rules, in the order they are tried for a sentence (the rule id is Holder.how):
- "said-subject": the subject of a reporting or stance verb ("Lavrov said", "Moscow demanded",
  "Western countries accuse Russia", '"…," said Peskov'), conjuncts included;
- "according-to": "according to X";
- "possessive": X's demand / proposal / warning ("Putin's terms");
- "embedded": the subject of a stance verb inside what someone else is reported to say (low confidence);
- "pronoun" / "role-ref": "he said", "the minister added" resolved to the person meant;
- "quote-carry": a sentence with a quotation and no attribution of its own continues the
  last speaker (in the same paragraph, or one or two sentences on).
Former officials, analysts, commentators and journalists are not actors: their statements get no holder.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.actors import NON_ACTOR_WORDS, get_registry

SPEECH_VERBS = frozenset("""
say tell add state claim stress insist note announce declare explain comment remark write tweet post respond
reply argue assert emphasize emphasise reiterate acknowledge admit confirm answer suggest indicate signal hint
mention allege predict recall describe urge ask demand warn threaten accuse blame criticize criticise condemn
denounce reject refuse dismiss deny welcome praise thank support back endorse pledge promise vow offer propose
agree accept concede express voice repeat maintain believe think hope want seek expect fear doubt caution
lament complain slam blast lash rebuff decline oppose object guarantee assure reassure counter label brand
call appeal implore plead press push invite challenge question retort stress underline underscore highlight
dub describe characterise characterize view consider regard insist order instruct advise recommend caution
vow swear rule threaten decry deplore protest accuse charge allege rebuke chide scold hail applaud commend
congratulate applaud reaffirm affirm reaffirm restate outline set lay envisage envision favor favour prefer
recognize recognise refute dispute contest veto sign vote approve authorize authorise reassure tout stress
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
MODALS = frozenset("will would could can may might must should shall wo ca 'll".split())
STANCE_NOUNS = frozenset("""
demand demands call calls warning warnings statement statements remarks comments proposal proposals offer offers
plan plans request requests claim claims accusation accusations threat threats ultimatum insistence appeal
position stance terms conditions refusal rejection denial assurance assurances pledge promise promises
condition proposals initiative insistence demand criticism concern concerns call invitation
""".split())
PRONOUNS_PERSON = frozenset("he she him her".split())
PRONOUNS_GROUP = frozenset("they it we".split())
# Bare nouns that refer back to an official already named ("the minister said").
ROLE_REF_NOUNS = frozenset("""
president minister spokesman spokeswoman spokesperson chancellor premier leader diplomat secretary envoy
ambassador official adviser advisor aide chief
""".split())
# Institutions that refer back to the party in focus ("the ministry said").
BODY_REF_NOUNS = frozenset("ministry government embassy administration office kremlin side statement cabinet".split())
EXCLUDED_PREPS = frozenset("to with against on over about between toward towards at under into than like among".split())
QUOTE_CHARS = '“”"«»'


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
        self.mentions = self.reg.find_mentions(doc, on_date=self.published)
        self.by_token = _token_mentions(doc, self.mentions)
        self.last: Holder | None = None      # the last explicitly attributed holder
        self.last_sent = -10                 # its sentence number
        self.last_para = -1
        self.recent_people: list[tuple[int, str, str]] = []  # (token index, person, actor), text order

    def run(self) -> list[list[Holder]]:
        out = []
        paras = _paragraph_numbers(self.doc, self.sentences)
        for n, sent in enumerate(self.sentences):
            holders = self._explicit(sent)
            if holders:
                lead = holders[0]
                if lead.speaker or not self.last or lead.actor != self.last.actor:
                    self.last = lead
                self.last_sent, self.last_para = n, paras[n]
            elif self._continues(sent, n, paras[n]):
                holders = [Holder(self.last.actor, self.last.speaker, "quote-carry", 0.6)]
                self.last_sent = n
            self._remember_people(sent)
            out.append(_dedupe(holders))
        return out

    # --- explicit attribution inside the sentence ---

    def _explicit(self, sent) -> list[Holder]:
        found: list[Holder] = []
        speech_subjects = set()
        for tok in sent:
            verb_kind = _verb_kind(tok)
            if verb_kind:
                embedded = _inside_reported(tok, sent)
                for subj in _subjects(tok):
                    h = self._holder_for(subj, sent, "said-subject" if not embedded else "embedded", verb_kind)
                    if h:
                        found.append(h)
                        speech_subjects.add(subj.i)
            elif tok.lower_ == "according" and tok.i + 1 < len(self.doc) and self.doc[tok.i + 1].lower_ == "to":
                for obj in _pobjs(self.doc[tok.i + 1]):
                    h = self._holder_for(obj, sent, "according-to", "speech")
                    if h:
                        found.append(h)
            elif tok.dep_ == "poss" and tok.head.lemma_.lower() in STANCE_NOUNS:
                h = self._holder_for(tok, sent, "possessive", "noun")
                if h:
                    found.append(h)
        return sorted(found, key=lambda h: -h.confidence)

    def _holder_for(self, tok, sent, how, verb_kind) -> Holder | None:
        conf = {"speech": 0.9, "adj": 0.8, "modal": 0.7, "noun": 0.6}[verb_kind]
        if how == "embedded":
            conf = 0.5
        low = tok.lower_
        if low in PRONOUNS_PERSON:
            return self._pronoun(tok, conf)
        if low in PRONOUNS_GROUP and tok.tag_ != "NNP":
            return self._group_pronoun(tok, low, conf)
        mention = self._mention_at(tok)
        if mention is not None:
            return Holder(mention.actor, mention.person, how, conf)
        if _non_actor(tok):
            return None
        m = self._mention_in_np(tok)
        if m is not None:
            return Holder(m.actor, m.person, how, conf * 0.95)
        if tok.lemma_.lower() in ROLE_REF_NOUNS or tok.lower_ in ROLE_REF_NOUNS:
            return self._role_ref(tok, conf)
        if tok.lemma_.lower() in BODY_REF_NOUNS and self._recent(tok):
            return Holder(self.last.actor, None, "role-ref", conf * 0.7)
        return None

    def _mention_at(self, tok):
        return self.by_token.get(tok.i)

    def _mention_in_np(self, tok):
        """A party named inside the subject phrase ("a spokesman for the Russian embassy", "officials in Moscow")."""
        for t in tok.subtree:
            if t.i == tok.i or _excluded_branch(t, tok):
                continue
            m = self.by_token.get(t.i)
            if m is not None:
                return m
            if t.dep_ == "pobj" and t.head.lower_ == "in":
                actor = self.reg.resolve(t.text)
                if actor:
                    from core.actors import Mention
                    return Mention(t.idx, t.idx + len(t.text), t.text, actor, None, "state")
        return None

    # --- references back to someone already named ---

    def _pronoun(self, tok, conf) -> Holder | None:
        person = self._last_person_before(tok.i, prefer_speaker=True)
        if person is None:
            return None
        return Holder(person[1], person[0], "pronoun", conf * 0.9)

    def _group_pronoun(self, tok, low, conf) -> Holder | None:
        if low == "we" or not self._recent(tok) or self.last is None:
            return None
        return Holder(self.last.actor, None if low == "they" else self.last.speaker, "pronoun", conf * 0.7)

    def _role_ref(self, tok, conf) -> Holder | None:
        """'the minister', 'the former president': the latest person named whose office fits the noun."""
        if any(c.dep_ == "poss" or c.lower_ in ("a", "an") for c in tok.children):
            return None
        roles = self.reg.persons_with_role_head(tok.lemma_.lower()) | self.reg.persons_with_role_head(tok.lower_)
        for i, person, actor in reversed(self._people_before(tok.i)):
            p = self.reg.persons.get(person)
            if p and any(r.role in roles for r in p.roles):
                return Holder(actor, person, "role-ref", conf * 0.85)
        if self.last and self.last.speaker and self._recent(tok):
            return Holder(self.last.actor, self.last.speaker, "role-ref", conf * 0.6)
        return None

    def _last_person_before(self, i, prefer_speaker):
        if prefer_speaker and self.last and self.last.speaker and self._recent_index(i):
            return self.last.speaker, self.last.actor
        people = self._people_before(i)
        if people:
            return people[-1][1], people[-1][2]
        if self.last and self.last.speaker:
            return self.last.speaker, self.last.actor
        return None

    def _people_before(self, i):
        here = [(m_i, m.person, m.actor) for m_i, m in self.by_token.items()
                if m.person and m_i < i and m_i >= self._sent_start(i)]
        return self.recent_people + sorted(set(here))

    def _sent_start(self, i):
        return self.doc[i].sent.start

    def _remember_people(self, sent) -> None:
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

    def _continues(self, sent, n, para) -> bool:
        if self.last is None:
            return False
        text = sent.text
        quoted = any(q in text for q in QUOTE_CHARS)
        if not quoted:
            return False
        return para == self.last_para or n - self.last_sent <= 1


# --- helpers on the parse ---------------------------------------------------------------------


def _verb_kind(tok) -> str | None:
    lemma = tok.lemma_.lower()
    if tok.pos_ in ("VERB", "AUX") and lemma in SPEECH_VERBS:
        return "speech"
    if tok.pos_ == "ADJ" and lemma in STANCE_ADJECTIVES and tok.dep_ in ("acomp", "ROOT", "ccomp", "conj"):
        return "adj"
    if tok.pos_ == "VERB" and lemma in MODAL_VERBS and any(
            c.lower_ in MODALS or c.dep_ == "neg" for c in tok.children):
        return "modal"
    return None


def _subjects(verb):
    """Subjects of a verb, with conjuncts; a conjoined or adverbial verb without its own subject
    borrows its governor's ('Lavrov told Putin, adding…'). For adjectives, the copula's subject."""
    node = verb
    if verb.pos_ == "ADJ" and verb.dep_ == "acomp":
        node = verb.head
    for _ in range(3):
        subs = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subs:
            out = []
            for s in subs:
                if s.dep_ == "nsubjpass" and node.lemma_.lower() not in ("quote", "cite"):
                    continue
                out.append(s)
                out += [c for c in s.children if c.dep_ == "conj"]
            return out
        if node.dep_ in ("conj", "advcl", "xcomp") and node.head.i != node.i:
            node = node.head
            continue
        break
    return []


def _inside_reported(tok, sent) -> bool:
    """True when the verb stands inside what another verb reports (a ccomp of a speech verb)."""
    node = tok
    while node.head.i != node.i and node.i in range(sent.start, sent.end):
        if node.dep_ in ("ccomp", "xcomp") and node.head.lemma_.lower() in SPEECH_VERBS and node.head.pos_ == "VERB":
            return node.dep_ == "ccomp"
        if node.dep_ in ("relcl", "acl"):
            return True
        node = node.head
    return False


def _pobjs(prep):
    out = []
    for c in prep.children:
        if c.dep_ == "pobj":
            out.append(c)
            out += [x for x in c.children if x.dep_ == "conj"]
    return out


def _non_actor(tok) -> bool:
    words = {tok.lemma_.lower(), tok.lower_} | {c.lower_ for c in tok.children if c.dep_ in ("amod", "compound")}
    return bool(words & NON_ACTOR_WORDS)


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


_PRIORITY = {"person": 0, "description": 1, "state": 2, "org": 2, "bloc": 2}


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


def _dedupe(holders: list[Holder]) -> list[Holder]:
    out, seen = [], set()
    for h in holders:
        if h.actor in seen:
            continue
        seen.add(h.actor)
        out.append(h)
    return out

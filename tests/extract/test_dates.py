"""When was it said? Date resolution on sentences written for these tests."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from core.extract.dates import (
    ResolvedDate,
    find_date_expressions,
    looks_continuing,
    names_occasion,
    on_same_occasion,
    resolve_date,
)

MON = "2022-02-14"  # a Monday


@pytest.mark.parametrize("sentence, published, value, precision", [
    # weekdays: the latest such day on or before publication
    ("Lavrov said on Sunday that Moscow was ready to talk.", MON, "2022-02-13", "day"),
    ("The minister said Monday that talks would go on.", MON, "2022-02-14", "day"),
    ("Kyiv rejected the plan on Tuesday evening.", MON, "2022-02-08", "day"),
    ("Speaking at a news conference on Thursday, the minister urged restraint.", MON, "2022-02-10", "day"),
    ("Biden told reporters last Monday that sanctions were ready.", MON, "2022-02-07", "day"),
    # relative days
    ("Peskov said yesterday that no decision had been taken.", MON, "2022-02-13", "day"),
    ("The Kremlin said today it would study the reply.", MON, "2022-02-14", "day"),
    # day and month, in any order and abbreviated: never after publication unless the year says so
    ("Moscow published its draft treaties on 17 December.", MON, "2021-12-17", "day"),
    ("Moscow published its draft treaties on December 17.", MON, "2021-12-17", "day"),
    ("Moscow published its draft treaties on Dec. 17.", MON, "2021-12-17", "day"),
    ("NATO replied on February 2, the alliance said.", MON, "2022-02-02", "day"),
    ("On March 3, 2020, the ministers met in Minsk.", MON, "2020-03-03", "day"),
    # months
    ("Back in December last year, Moscow asked NATO for guarantees.", MON, "2021-12", "month"),
    ("In December, Moscow asked NATO for guarantees.", MON, "2021-12", "month"),
    ("Last month, the Kremlin demanded written answers.", MON, "2022-01", "month"),
    ("In March 2021, Kyiv asked to join the alliance.", MON, "2021-03", "month"),
    # years
    ("Last year, Moscow warned NATO against expansion.", MON, "2021", "year"),
    ("In 2019, the minister rejected the proposal.", MON, "2019", "year"),
    # the spec's conventions: weeks and "earlier this month" give the month
    ("The minister said this week that Russia wanted answers.", MON, "2022-02", "month"),
    ("Earlier this month, NATO rejected the demand.", MON, "2022-02", "month"),
    ("Earlier in the week, the ministers met in Geneva.", MON, "2022-02", "month"),
    ("The minister said last week that Russia wanted answers.", "2022-02-20", "2022-02", "month"),
    # no time, or none of its own: the publication date
    ("Moscow demanded that NATO halt its expansion.", MON, "2022-02-14", "day"),
    ("The Kremlin has recently warned against sanctions.", MON, "2022-02-14", "day"),
    ("Kyiv has previously rejected such talks.", MON, "2022-02-14", "day"),
])
def test_resolves_statement_date(sentence, published, value, precision):
    got = resolve_date(sentence, published)
    assert (got.value, got.precision) == (value, precision), got


@pytest.mark.parametrize("sentence", [
    "The talks planned for January will take place in Geneva, the minister said.",
    "Russia has demanded guarantees since 2014.",
    "The leaders recalled the 2008 Bucharest summit and demanded answers.",
    "NATO wants to double its forces by 2030, the minister said.",
    "Negotiators will meet again next Monday, the ministry said.",
    "The ministers are scheduled to meet on February 20 in Munich.",
    "The minister, who has served for 30 years, demanded an answer.",
    "The alliance said the exercise would last two weeks.",
])
def test_event_dates_do_not_date_the_statement(sentence):
    assert resolve_date(sentence, MON).value == MON


def test_date_attached_to_the_reporting_verb_wins_over_the_event():
    s = "The minister said on Friday that Russia had annexed Crimea in 2014."
    assert resolve_date(s, MON).value == "2022-02-11"


def test_date_inside_what_was_said_is_the_event_not_the_saying():
    s = "The ministry said in a statement that the campaign began as early as March 2021."
    assert resolve_date(s, MON).value == MON


def test_present_tense_attribution_means_said_now():
    s = "In May, Russian troops on the border numbered 100,000, Western officials say."
    assert resolve_date(s, MON).value == MON


def test_a_time_inside_a_quotation_is_not_the_time_of_speaking():
    s = "“Today, we have no reason to talk,” the aide said."
    prev = ResolvedDate("2022-02-11", "day", "on Friday", "weekday")
    assert resolve_date(s, MON, previous=prev).value == "2022-02-11"


def test_future_dates_are_ignored():
    assert resolve_date("The summit on 25 December 2022 will decide, the minister said.", MON).value == MON


def test_continuing_sentence_takes_previous_date():
    prev = resolve_date("Lavrov said on Sunday that talks should continue.", MON)
    got = resolve_date("He added that the West must answer.", MON, previous=prev)
    assert (got.value, got.precision, got.rule) == ("2022-02-13", "day", "previous")


def test_own_date_beats_previous():
    prev = ResolvedDate("2021-12", "month", "in December", "in_month")
    assert resolve_date("He said on Sunday that talks should go on.", MON, previous=prev).value == "2022-02-13"


def test_relative_to_previous_statement():
    prev = ResolvedDate("2022-02-10", "day", "on Thursday", "weekday")
    assert resolve_date("Kyiv's envoy said a day earlier that no deal was near.", MON, previous=prev).value == "2022-02-09"
    at_the_time = resolve_date("Kyiv said at the time that the terms were unacceptable.", MON, previous=prev)
    assert (at_the_time.value, at_the_time.precision) == ("2022-02", "month")


def test_a_speaker_quoted_on_a_named_day_dates_their_undated_words():
    occasion = resolve_date("The foreign minister told reporters on Saturday that the offer stood.", MON)
    assert names_occasion(occasion)
    later = resolve_date("The minister also accused the alliance of ignoring Moscow.", MON)
    got = on_same_occasion(later, occasion, MON)
    assert (got.value, got.precision, got.rule) == ("2022-02-12", "day", "speaker")


def test_a_time_of_its_own_beats_the_speakers_occasion():
    occasion = resolve_date("The foreign minister told reporters on Saturday that the offer stood.", MON)
    own = resolve_date("In December, the minister demanded written guarantees.", MON)
    assert on_same_occasion(own, occasion, MON) == own
    assert on_same_occasion(resolve_date("The minister accused the alliance.", MON), None, MON).rule == "published"


def test_an_occasion_long_before_publication_is_background_not_the_news():
    speech = resolve_date("In a speech on 14 June 2021, the president demanded guarantees.", MON)
    assert names_occasion(speech)
    later = resolve_date("The president also accused the alliance of expanding.", MON)
    assert on_same_occasion(later, speech, MON).value == MON
    friday = resolve_date("The president said on Friday that talks were over.", MON)  # three days back
    assert on_same_occasion(later, friday, MON).value == "2022-02-11"


def test_only_a_named_day_is_an_occasion():
    assert not names_occasion(resolve_date("The minister accused the alliance.", MON))  # publication date
    assert not names_occasion(resolve_date("The minister said this week that talks were over.", MON))  # month
    assert not names_occasion(resolve_date("The minister has recently accused the alliance.", MON))
    carried = resolve_date("He added that talks were over.", MON,
                           previous=ResolvedDate("2022-02-12", "day", "on Saturday", "weekday"))
    assert not names_occasion(carried)


@pytest.mark.parametrize("sentence, published, value", [
    # a week is dated by its month: last week in a paper of early February is late January
    ("The minister said last week that Russia wanted answers.", "2022-02-03", "2022-01"),
    ("Last week, the alliance rejected the demand.", "2022-02-03", "2022-01"),
    ("The minister said last week that Russia wanted answers.", "2022-02-24", "2022-02"),
    # "at the weekend" in Tuesday's paper is the weekend just past
    ("London said at the weekend that it would send more troops.", "2022-02-01", "2022-01"),
    ("London said at the weekend that it would send more troops.", "2022-02-15", "2022-02"),
    ("The minister said this week that Russia wanted answers.", "2022-02-01", "2022-02"),
])
def test_weeks_are_dated_by_their_month(sentence, published, value):
    got = resolve_date(sentence, published)
    assert (got.value, got.precision) == (value, "month"), got


@pytest.mark.parametrize("sentence", [
    "Kyiv's ties with Moscow collapsed in 2014, and Kyiv now demands the peninsula back.",
    "The ministry demanded the return of the peninsula Russia seized in March 2014.",
    "Moscow demanded guarantees before any talks in Geneva this week.",
    "Warsaw wants the tanks delivered last year to be replaced soon.",
])
def test_a_year_or_week_in_mid_sentence_places_the_event_not_the_saying(sentence):
    assert resolve_date(sentence, MON).value == MON


@pytest.mark.parametrize("sentence, value", [
    ("In 2019, the minister rejected the proposal.", "2019"),
    ("The minister said last year that the proposal was dead.", "2021"),
    ("Moscow this week demanded written guarantees.", "2022-02"),
    ("Moscow in December demanded written guarantees.", "2021-12"),
    ("Russia sent its proposals to Washington on 17 December.", "2021-12-17"),
])
def test_a_year_or_week_holding_the_verb_or_opening_the_sentence_still_dates_it(sentence, value):
    assert resolve_date(sentence, MON).value == value


def test_dateparser_weekday_bug_is_handled():
    # dateparser resolves "Monday" on a Monday to the week before; the statement was made that day
    assert resolve_date("The minister said on Monday that talks would go on.", MON).value == MON


def test_month_and_day_after_publication_steps_back_a_year():
    assert resolve_date("Moscow sent its proposals on 20 December.", "2022-01-05").value == "2021-12-20"


def test_accepts_date_objects_and_returns_expression():
    got = resolve_date("Lavrov said on Sunday that talks could go on.", dt.date(2022, 2, 14))
    assert got.expression == "on Sunday" and got.rule == "weekday"


def test_months_are_not_verbs():
    assert resolve_date("Russia may march on Kyiv, the minister warned.", MON).value == MON
    assert find_date_expressions("Moscow may reply soon.") == []


def test_looks_continuing():
    assert looks_continuing("He added that the West must answer.")
    assert looks_continuing("“We will not allow it,” she said.")
    assert not looks_continuing("Moscow demanded that NATO halt its expansion.")


def test_many_sentences_resolve_fast():
    sentences = ["Moscow demanded that NATO halt its expansion.",
                 "Lavrov said on Sunday that talks should continue.",
                 "Back in December last year, Moscow asked NATO for guarantees."] * 1000
    start = time.process_time()  # CPU time: the wall clock on a shared, loaded machine says little
    for s in sentences:
        resolve_date(s, MON)
    assert time.process_time() - start < 2.0


def test_earlier_this_month_on_the_first_is_last_month():
    assert resolve_date("Earlier this month, NATO rejected the demand.", "2022-03-01").value == "2022-02"


@pytest.mark.parametrize("sentence, value", [
    ("The minister said two days ago that talks were over.", "2022-02-12"),
    ("Putin laid out red lines several days ago.", "2022-02"),
])
def test_days_ago(sentence, value):
    assert resolve_date(sentence, MON).value == value


def test_the_previous_day_counts_back_from_the_statement():
    prev = ResolvedDate("2022-02-10", "day", "on Thursday", "weekday")
    assert resolve_date("The envoy had said the previous day that no deal was near.", MON, previous=prev).value == "2022-02-09"

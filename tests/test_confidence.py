"""The trust sentence: one level and one next step from plain counts."""

from __future__ import annotations

from mlops_scorecard.analysis.confidence import Confidence, ConfidenceFacts, confidence


def test_the_issue_example_is_medium_and_says_to_talk_the_splits_through() -> None:
    c = confidence(ConfidenceFacts(respondents=5, invited=7, split_questions=3, alpha=0.85, coverage=0.95))
    assert c.level == "medium"
    assert c.sentence == (
        "Confidence: medium. 2 of 7 invited have not answered; "
        "respondents split on 3 questions: talk those through first."
    )


def test_high_when_enough_people_agree_and_answered_everything() -> None:
    c = confidence(ConfidenceFacts(respondents=6, invited=6, alpha=0.91, coverage=0.97))
    assert c.level == "high"
    assert c.sentence == "Confidence: high. 6 people answered and agree (alpha 0.91): act on the scores."


def test_low_with_few_respondents_asks_to_remind_the_silent() -> None:
    c = confidence(ConfidenceFacts(respondents=2, invited=7, alpha=0.9, coverage=0.9))
    assert c.level == "low"
    assert c.reasons[0] == "5 of 7 invited have not answered"
    assert "only 2 people have answered" in c.reasons
    assert c.action == "remind those who have not answered before acting on the scores"


def test_low_agreement_alone_makes_it_low() -> None:
    c = confidence(ConfidenceFacts(respondents=8, invited=8, alpha=0.04, coverage=0.9))
    assert c.level == "low"
    assert c.reasons == ("agreement is low (alpha 0.04)",)
    assert c.action == "read the scores as a range, not a number"


def test_moderate_agreement_and_a_wide_interval_are_medium() -> None:
    c = confidence(ConfidenceFacts(respondents=4, invited=4, alpha=0.7, wide_intervals=1, coverage=0.9))
    assert c.level == "medium"
    assert c.reasons == ("agreement is moderate (alpha 0.70)", "1 dimension has a wide interval")


def test_low_coverage_asks_for_the_skipped_questions() -> None:
    c = confidence(ConfidenceFacts(respondents=5, invited=5, alpha=0.9, coverage=0.4))
    assert c.level == "low"
    assert c.reasons == ("only 40% of the questions have a yes, partly or no",)
    assert c.action.startswith("ask respondents")


def test_nobody_answered_yet() -> None:
    assert confidence(ConfidenceFacts(respondents=0, accepting=False)).sentence == (
        "Confidence: low. Nobody has answered yet: invite people and open the assessment."
    )
    assert confidence(ConfidenceFacts(respondents=0, invited=2, accepting=False)).sentence == (
        "Confidence: low. None of the 2 invited has answered: open the assessment so they can answer."
    )
    c = confidence(ConfidenceFacts(respondents=0, invited=3))
    assert c == Confidence(
        "low", ("none of the 3 invited has answered",), "remind them before reading any score"
    )
    assert confidence(ConfidenceFacts(respondents=0)).action == "invite people"


def test_one_respondent_without_alpha_says_invite_more() -> None:
    c = confidence(ConfidenceFacts(respondents=1, invited=1, coverage=1.0))
    assert c.level == "low"
    assert c.sentence == (
        "Confidence: low. Only 1 person has answered: invite more people before acting on the scores."
    )


def test_one_split_question_is_talked_through_as_it() -> None:
    c = confidence(ConfidenceFacts(respondents=5, invited=5, split_questions=1, alpha=0.85, coverage=0.95))
    assert c.sentence == "Confidence: medium. Respondents split on 1 question: talk it through first."

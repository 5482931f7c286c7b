"""Judging an answer by a version's rule: every numeric rule at its boundary, yes/no, choices,
and answers that are not answers."""

from decimal import Decimal

import pytest
from django.utils import translation

from regulations.models import ChecklistItem
from regulations.selectors import judge
from riskplatform.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def current(item: ChecklistItem):
    return item.current_version


def test_one_extinguisher_where_two_are_required_fails(make_item):
    version = current(make_item())
    verdict = judge(version=version, answer=1)
    assert verdict.passes is False
    assert verdict.reason == "1 < 2 具 required (GB 50140-2005 §6.1.1)"


@pytest.mark.parametrize(("answer", "passes"), [(0, False), (1, False), (2, True), (3, True), ("2", True), (Decimal("2"), True)])
def test_count_minimum_passes_at_the_threshold(make_item, answer, passes):
    assert judge(version=current(make_item()), answer=answer).passes is passes


@pytest.mark.parametrize(("answer", "passes"), [(4, True), (5, True), (6, False)])
def test_count_maximum_passes_at_the_threshold(make_item, two_per_unit, answer, passes):
    version = current(make_item(rule_kind="count_max", threshold="5", clause=None))
    verdict = judge(version=version, answer=answer)
    assert verdict.passes is passes
    assert ("≤ 5 具 allowed" if passes else "> 5 具 allowed") in verdict.reason


@pytest.mark.parametrize(("answer", "passes"), [("0.07", False), ("0.079", False), ("0.08", True), ("0.081", True), (1, True)])
def test_measure_minimum_passes_at_the_threshold(make_item, answer, passes):
    version = current(make_item(rule_kind="measure_min", threshold="0.08", unit="m"))
    assert judge(version=version, answer=answer).passes is passes


@pytest.mark.parametrize(("answer", "passes"), [("1.49", True), ("1.5", True), ("1.50", True), ("1.501", False), (2, False)])
def test_measure_maximum_passes_at_the_threshold(make_item, answer, passes):
    version = current(make_item(rule_kind="measure_max", threshold="1.5", unit="m"))
    verdict = judge(version=version, answer=answer)
    assert verdict.passes is passes


def test_measure_reason_names_value_limit_and_unit(make_item):
    version = current(make_item(rule_kind="measure_max", threshold="1.50", unit="m"))
    assert judge(version=version, answer="1.6").reason == "1.6 > 1.5 m allowed (GB 50140-2005 §6.1.1)"


def test_yes_no_passes_on_the_answer_the_rule_names(make_item):
    version = current(make_item(rule_kind="yes_no", threshold=None, unit=""))
    assert judge(version=version, answer=True).passes is True
    failed = judge(version=version, answer=False)
    assert failed.passes is False
    assert failed.reason == "No, but yes is required (GB 50140-2005 §6.1.1)"
    inverted = current(make_item("TST-02", rule_kind="yes_no", threshold=None, pass_answer=False))
    assert judge(version=inverted, answer=False).passes is True
    assert judge(version=inverted, answer=True).passes is False


def test_choice_passes_only_on_a_passing_value(make_item):
    choices = [{"value": "A级", "passes": True}, {"value": "B1级", "passes": False}]
    version = current(make_item(rule_kind="choice", threshold=None, choices=choices))
    assert judge(version=version, answer="A级").passes is True
    failed = judge(version=version, answer=" B1级 ")
    assert failed.passes is False
    assert "acceptable: A级" in failed.reason


def test_a_document_cited_alone_is_named_alone(make_item):
    version = current(make_item(clause=None))
    assert judge(version=version, answer=2).reason == "2 ≥ 2 具 required (GB 50140-2005)"


def test_an_article_of_a_law_is_cited_as_the_law_writes_it(make_item, fire_law):
    from regulations.models import Clause

    article = Clause.objects.get(basis=fire_law, number="第二十八条")
    version = current(make_item(basis=fire_law, clause=article, rule_kind="yes_no", threshold=None))
    assert judge(version=version, answer=True).reason == "Yes, as required (中华人民共和国消防法 第二十八条)"


@pytest.mark.parametrize("answer", [None, "", "two", "1.5", -1, "-1", True, "NaN", "Infinity", [2]])
def test_a_count_needs_a_whole_number_of_zero_or_more(make_item, answer):
    with pytest.raises(ApplicationError) as refused:
        judge(version=current(make_item()), answer=answer)
    assert "answer" in refused.value.field_errors


@pytest.mark.parametrize("answer", [None, "abc", "-0.1", False])
def test_a_measurement_needs_a_number_of_zero_or_more(make_item, answer):
    version = current(make_item(rule_kind="measure_max", threshold="1.5", unit="m"))
    with pytest.raises(ApplicationError):
        judge(version=version, answer=answer)


@pytest.mark.parametrize("answer", ["yes", 1, None])
def test_yes_no_needs_a_boolean(make_item, answer):
    version = current(make_item(rule_kind="yes_no", threshold=None))
    with pytest.raises(ApplicationError):
        judge(version=version, answer=answer)


def test_choice_needs_a_listed_value(make_item):
    choices = [{"value": "A级", "passes": True}, {"value": "B1级", "passes": False}]
    version = current(make_item(rule_kind="choice", threshold=None, choices=choices))
    with pytest.raises(ApplicationError):
        judge(version=version, answer="C级")


def test_reasons_speak_the_users_language(make_item):
    version = current(make_item())
    with translation.override("zh-hans"):
        reason = judge(version=version, answer=1).reason
    assert "GB 50140-2005 §6.1.1" in reason and "1" in reason

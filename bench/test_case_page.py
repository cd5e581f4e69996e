"""The case page benchmark runs end to end on a small case (not timed, only exercised): the
case it builds has the contacts it claims, and every page and fragment it times answers."""

import pytest

from bench.case_page import build, measure


@pytest.mark.django_db
def test_the_case_page_bench_builds_its_case_and_times_every_page():
    from fangkong.cases.models import Contact, ContactDegree

    cases = build(200)
    big = Contact.objects.filter(case_id=cases.big)
    assert big.count() == 200 and big.filter(degree=ContactDegree.CLOSE).count() == 30
    timings = measure(cases, repeat=1)
    assert len(timings) == 7 and all(t.median_ms > 0 and t.queries > 0 for t in timings)
    page, small = timings[1], timings[0]
    assert page.queries <= small.queries + 2  # the chain counts in groups: one query more

"""The hospital benchmark runs end to end on a tiny city (not timed, only exercised), and the
city it times is the one it claims to be."""

import pytest

from bench.hospitals_beds import Shape, build, measure

TINY = Shape(
    hospitals=2, wards=10, beds_per_ward=4, patients=20, discharged=30, staff_per_hospital=5
)


@pytest.mark.django_db
def test_the_hospital_bench_builds_its_city_and_times_every_call():
    from django.utils import timezone

    from fangkong.hospitals.models import Hospital
    from fangkong.hospitals.selectors.figures import hospital_figures

    city = build(TINY)
    figures = hospital_figures(hospitals=Hospital.objects.all(), day=timezone.localdate())
    assert figures.beds_total == TINY.beds
    assert figures.patients == TINY.patients
    results = measure(city, repeat=1)
    assert len(results) == 10 and all(ms > 0 for ms in results.values())

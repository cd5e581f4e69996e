"""The boundary package the screen's map draws holds the demo city's districts under their
current codes, and the demo's venues stand inside their district's boundary."""

from __future__ import annotations

import json
import math

import pytest

from fangkong.command.conf import command_settings
from fangkong.demo.geography import CITY, DISTRICT_PLACES, DISTRICTS
from fangkong.venues.demo import KM_PER_DEGREE, venue_place

Ring = list[list[float]]


@pytest.fixture(scope="module")
def boundaries() -> dict[str, list[list[Ring]]]:
    """District code → its polygons (rings of [longitude, latitude])."""
    path = command_settings().screen_boundaries_dir / f"{CITY[0]}.json"
    if not path.is_file():
        pytest.skip(f"the boundary package is not installed ({path}): make assets")
    shapes = {}
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        shapes[str(feature["properties"]["adcode"])] = polygons
    return shapes


def inside(point: tuple[float, float], polygons: list[list[Ring]]) -> bool:
    """Ray casting over every ring (holes flip it back)."""
    x, y = point
    crossed = False
    for polygon in polygons:
        for ring in polygon:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
                if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                    crossed = not crossed
    return crossed


def km_to_edge(point: tuple[float, float], polygons: list[list[Ring]]) -> float:
    east = KM_PER_DEGREE * math.cos(math.radians(point[1]))

    def to_km(p: list[float] | tuple[float, float]) -> tuple[float, float]:
        return p[0] * east, p[1] * KM_PER_DEGREE

    px, py = to_km(point)
    best = math.inf
    for polygon in polygons:
        for ring in polygon:
            for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
                (ax, ay), (bx, by) = to_km(a), to_km(b)
                dx, dy = bx - ax, by - ay
                length = dx * dx + dy * dy
                t = (
                    0.0
                    if length == 0
                    else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
                )
                best = min(best, math.hypot(px - ax - t * dx, py - ay - t * dy))
    return best


def test_the_package_has_every_demo_district_under_its_current_code(boundaries):
    assert {code for code, _name, _streets in DISTRICTS} == set(boundaries)
    # 梁溪区 and 新吴区 (2015), not the former 崇安、南长、北塘 districts.
    assert {"320213", "320214"} <= set(boundaries)
    assert not {"320202", "320203", "320204"} & set(boundaries)


def test_each_districts_venue_disc_lies_inside_its_boundary(boundaries):
    for code, (longitude, latitude, radius_km) in DISTRICT_PLACES.items():
        assert inside((longitude, latitude), boundaries[code]), code
        assert km_to_edge((longitude, latitude), boundaries[code]) > radius_km, code


def test_the_demo_places_its_venues_inside_their_district(boundaries):
    for code in DISTRICT_PLACES:
        for index in range(25):
            place = venue_place(code, index)
            assert place is not None
            latitude, longitude = place
            assert inside((float(longitude), float(latitude)), boundaries[code]), (code, index)
    assert venue_place("999999", 1) is None

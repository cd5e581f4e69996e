"""A synthetic city's venue check-ins, deterministic from a seed, written as Parquet.

Shape (defaults): 5,000,000 stays over 21 days by 300,000 people at 60,000 venues.
- venue popularity is Zipf-Mandelbrot (p ~ 1/(rank + 20)^1.1): a few malls and stations are
  busy, most venues see a handful of people a day;
- people differ in how much they go out (log-normal activity);
- check-ins cluster at commute, lunch and evening hours; weekends shift later;
- stay lengths are log-normal (median ~35 min, capped at 10 h), 0.2% are multi-day (a
  forgotten check-out), and 20% have no check-out at all.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

DATA_DIR = Path(__file__).parent / "data"
FIRST_DAY = datetime(2021, 7, 1)
SECOND = 1
MINUTE = 60


@dataclass(frozen=True)
class CityShape:
    stays: int = 5_000_000
    people: int = 300_000
    venues: int = 60_000
    days: int = 21
    seed: int = 20210728
    missing_check_out: float = 0.20

    @property
    def file_name(self) -> str:
        return f"city-{self.stays}-{self.people}-{self.venues}-{self.days}-{self.seed}.parquet"


def _times_of_day(rng: np.random.Generator, n: int, weekend: np.ndarray) -> np.ndarray:
    """Seconds after local midnight: a mixture around 8:30, 12:15, 18:30 and 20:30."""
    peaks = np.array([8.5, 12.25, 18.5, 20.5]) * 3600
    spread = np.array([1.0, 0.8, 1.2, 1.5]) * 3600
    weights = np.array([0.25, 0.25, 0.3, 0.2])
    which = rng.choice(len(peaks), size=n, p=weights)
    seconds = rng.normal(peaks[which], spread[which])
    seconds = seconds + weekend * 1.5 * 3600  # weekends start later
    return np.clip(seconds, 6 * 3600, 23.5 * 3600).astype(np.int64)


def generate(shape: CityShape) -> pa.Table:
    rng = np.random.default_rng(shape.seed)
    n = shape.stays
    ranks = np.arange(1, shape.venues + 1)
    popularity = 1.0 / (ranks + 20.0) ** 1.1
    venue_of_rank = rng.permutation(shape.venues) + 1  # popular venues get scattered ids
    venue = venue_of_rank[rng.choice(shape.venues, size=n, p=popularity / popularity.sum())]
    activity = rng.lognormal(0.0, 0.6, size=shape.people)
    person = rng.choice(shape.people, size=n, p=activity / activity.sum()) + 1
    day = rng.integers(0, shape.days, size=n)
    weekday = (FIRST_DAY.weekday() + day) % 7
    start_s = day * 86400 + _times_of_day(rng, n, weekday >= 5)
    length_s = np.minimum(rng.lognormal(np.log(35 * 60), 0.8, size=n), 10 * 3600)
    multi_day = rng.random(n) < 0.002
    length_s = np.where(multi_day, rng.integers(86400, 3 * 86400, size=n), length_s)
    length_s = np.maximum(length_s, 2 * 60).astype(np.int64)
    base = np.datetime64(FIRST_DAY, "s")
    check_in = base + start_s.astype("timedelta64[s]")
    check_out = check_in + length_s.astype("timedelta64[s]")
    open_stay = rng.random(n) < shape.missing_check_out
    return pa.table(
        {
            "person_id": pa.array(person.astype(str)),
            "venue_id": pa.array(venue.astype(str)),
            "check_in": pa.array(check_in, type=pa.timestamp("s")),
            "check_out": pa.array(check_out, type=pa.timestamp("s"), mask=open_stay),
        }
    )


def city_file(shape: CityShape, data_dir: Path = DATA_DIR) -> Path:
    """The Parquet file for this shape, generated on first use."""
    path = data_dir / shape.file_name
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        pq.write_table(generate(shape), partial, row_group_size=500_000)
        partial.rename(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stays", type=int, default=CityShape.stays)
    parser.add_argument("--seed", type=int, default=CityShape.seed)
    options = parser.parse_args()
    print(city_file(CityShape(stays=options.stays, seed=options.seed)))


if __name__ == "__main__":
    main()

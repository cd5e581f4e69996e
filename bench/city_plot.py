r"""How the city-scale figures grow with the city: one image from a results file.

Reads a JSON file of the City scale runs (`bench/results/city_scale-*.json`: the stays of each
city and, per figure, one value in seconds per city, null where not run; `notes` marks points
measured under other conditions) and draws the plain DuckDB query beside the disk engine on
logarithmic axes, degree 1 and degree 2 side by side.

    .venv/bin/pip install -e '.[bench]'      # matplotlib, for this script only
    .venv/bin/python -m bench.city_plot \
        bench/results/city_scale-2026-12-03.json bench/city_scale.png
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

# (figure key, legend label, line style) per panel.
PANELS: list[tuple[str, list[tuple[str, str, str]]]] = [
    (
        "Degree 1: one case's close contacts",
        [
            ("plain_degree1_p50", "plain DuckDB query, p50", "o--"),
            ("disk_degree1_p50", "disk engine, p50", "s-"),
            ("disk_degree1_p99", "disk engine, p99", "s:"),
        ],
    ),
    (
        "Degree 2 of the median case; 1,000 cases",
        [
            ("plain_degree2_median_case", "plain DuckDB query, degree 2", "o--"),
            ("disk_degree2_median_case", "disk engine, degree 2", "s-"),
            ("disk_1000_cases", "disk engine, 1,000 cases in a row", "^:"),
        ],
    ),
]


def points(results: dict[str, Any], key: str) -> tuple[list[float], list[float]]:
    """(millions of stays, seconds) for the cities where the figure was measured."""
    pairs = [
        (stays / 1e6, float(value))
        for stays, value in zip(results["stays"], results[key], strict=True)
        if value is not None
    ]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def draw(results: dict[str, Any], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display: the image is written to a file
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(PANELS), figsize=(11, 5.2), constrained_layout=True)
    notes = {(key, index): text for key, index, text in results.get("notes", [])}
    for ax, (title, series) in zip(axes, PANELS, strict=True):
        for key, label, style in series:
            x, y = points(results, key)
            ax.plot(x, y, style, label=label)
            for index, (stays, seconds) in enumerate(
                zip(results["stays"], results[key], strict=True)
            ):
                if (key, index) in notes and seconds is not None:
                    ax.annotate(
                        notes[key, index],
                        (stays / 1e6, seconds),
                        textcoords="offset points",
                        xytext=(6, -12),
                        fontsize="x-small",
                    )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks([s / 1e6 for s in results["stays"]])
        ax.set_xticklabels([f"{s / 1e6:.0f} M" for s in results["stays"]])
        ax.minorticks_off()
        ax.set_xlabel("stays in the city (28 days = 420 M)")
        ax.set_ylabel("seconds (log)")
        ax.set_title(title)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    figure.suptitle(f"City scale, {results.get('machine', '')}", fontsize="medium")
    figure.savefig(out, dpi=100)
    plt.close(figure)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("results", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    draw(json.loads(args.results.read_text()), args.out)
    print(args.out)


if __name__ == "__main__":
    main()

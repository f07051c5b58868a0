"""Developmental screening by domain (early intervention): our own scale, shipped as data
(``schedule_data/screening-0-6.json``), the age in months from the birth date, and a chart of
each domain over time drawn on the server as SVG."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from zakrila.programmes.schedules import SHIPPED, in_language

CHART_WIDTH, CHART_HEIGHT, PAD = 320, 140, 28


@dataclass(frozen=True)
class Domain:
    key: str
    title_bg: str
    title_en: str

    @property
    def title(self) -> str:
        return in_language(self.title_bg, self.title_en)


@dataclass(frozen=True)
class ScreeningScale:
    code: str
    name_bg: str
    name_en: str
    scale_min: int
    scale_max: int
    levels_bg: tuple[str, ...]
    levels_en: tuple[str, ...]
    domains: tuple[Domain, ...]

    @property
    def name(self) -> str:
        return in_language(self.name_bg, self.name_en)

    def levels(self) -> list[tuple[int, str]]:
        labels = self.levels_en if in_language("bg", "en") == "en" else self.levels_bg
        return list(zip(range(self.scale_min, self.scale_max + 1), labels, strict=False))


# The shipped scale covers children from birth to six years: up to the seventh birthday.
SCALE_MONTHS = 7 * 12


@cache
def screening_scale() -> ScreeningScale:
    data = json.loads((SHIPPED / "screening-0-6.json").read_text(encoding="utf-8"))
    return ScreeningScale(
        code=data["code"],
        name_bg=data["name_bg"],
        name_en=data.get("name_en", ""),
        scale_min=int(data["scale_min"]),
        scale_max=int(data["scale_max"]),
        levels_bg=tuple(data.get("levels_bg", [])),
        levels_en=tuple(data.get("levels_en", [])),
        domains=tuple(
            Domain(key=d["key"], title_bg=d["title_bg"], title_en=d.get("title_en", ""))
            for d in data["domains"]
        ),
    )


def age_in_months(birth: dt.date, on: dt.date) -> int:
    """Whole months from birth to the day (a child born on 31 January is one month old on
    28 February, as the months are counted on their last day)."""
    months = (on.year - birth.year) * 12 + on.month - birth.month
    if on.day < birth.day:
        from calendar import monthrange

        if on.day != monthrange(on.year, on.month)[1]:
            months -= 1
    return max(months, 0)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    age_months: int
    score: int
    score_max: int
    screened_on: dt.date


def domain_charts(screenings: list[Any]) -> list[dict[str, Any]]:
    """One small chart per domain: the score as a share of the instrument's highest score
    (so two instruments can share a chart) against the age in months."""
    if not screenings:
        return []
    ages = [s.age_months for s in screenings]
    low, high = min(ages), max(ages)
    span = max(high - low, 1)
    inner_w, inner_h = CHART_WIDTH - 2 * PAD, CHART_HEIGHT - 2 * PAD
    charts = []
    for domain in screening_scale().domains:
        points = []
        for screening in screenings:
            score = screening.scores.get(domain.key)
            if score is None or not screening.score_max:
                continue
            share = min(max(int(score) / screening.score_max, 0), 1)
            points.append(
                Point(
                    x=PAD + inner_w * (screening.age_months - low) / span
                    if high > low
                    else PAD + inner_w / 2,
                    y=PAD + inner_h * (1 - share),
                    age_months=screening.age_months,
                    score=int(score),
                    score_max=screening.score_max,
                    screened_on=screening.screened_on,
                )
            )
        charts.append(
            {
                "domain": domain,
                "points": points,
                "polyline": " ".join(f"{p.x:.1f},{p.y:.1f}" for p in points),
                "width": CHART_WIDTH,
                "height": CHART_HEIGHT,
                "pad": PAD,
                "top": PAD,
                "bottom": CHART_HEIGHT - PAD,
                "right": CHART_WIDTH - PAD,
                "middle": PAD + inner_h / 2,
                "axis_label_y": CHART_HEIGHT - 8,
                "low": low,
                "high": high,
            }
        )
    return charts

"""Draw the app's icons (a white shield with a heart on Zakrila's colour) as PNG files.

The SVG icon (src/zakrila/core/static/zakrila/icons/icon.svg) is the drawing; this script
rasterises the same shapes for the web app manifest (192 and 512 pixels; the shield stays inside
the safe zone of a maskable icon) and for /favicon.ico (16, 32 and 48 pixels in one file, served
from the site's root by WhiteNoise, see WHITENOISE_ROOT). Run: .venv/bin/python scripts/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = "#7a2150"
ICONS = Path(__file__).resolve().parent.parent / "src/zakrila/core/static/zakrila/icons"
SITE_ROOT = Path(__file__).resolve().parent.parent / "src/zakrila/core/site_root"
Point = tuple[float, float]


def _curve(p0: Point, p1: Point, p2: Point, p3: Point, steps: int = 24) -> list[Point]:
    points = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        points.append(
            (
                u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
            )
        )
    return points


# The same paths as icon.svg, on a 512 × 512 grid.
SHIELD = [
    (256, 112), (368, 152), (368, 248),
    *_curve((368, 248), (368, 320), (320, 372), (256, 400))[1:],
    *_curve((256, 400), (192, 372), (144, 320), (144, 248))[1:],
    (144, 152),
]  # fmt: skip
HEART = [
    *_curve((256, 330), (226, 306), (200, 286), (200, 258)),
    *_curve((200, 258), (200, 240), (214, 228), (230, 228))[1:],
    *_curve((230, 228), (242, 228), (251, 234), (256, 244))[1:],
    *_curve((256, 244), (261, 234), (270, 228), (282, 228))[1:],
    *_curve((282, 228), (298, 228), (312, 240), (312, 258))[1:],
    *_curve((312, 258), (312, 286), (286, 306), (256, 330))[1:],
]


def main() -> None:
    scale = 4  # drawn large, then scaled down: smooth edges
    image = Image.new("RGB", (512 * scale, 512 * scale), BRAND)
    draw = ImageDraw.Draw(image)
    draw.polygon([(x * scale, y * scale) for x, y in SHIELD], fill="#ffffff")
    draw.polygon([(x * scale, y * scale) for x, y in HEART], fill=BRAND)
    for size in (192, 512):
        image.resize((size, size), Image.Resampling.LANCZOS).save(
            ICONS / f"icon-{size}.png", optimize=True
        )
    # Browsers, bookmarks and feed readers ask for /favicon.ico whatever the page links.
    SITE_ROOT.mkdir(exist_ok=True)
    image.resize((48, 48), Image.Resampling.LANCZOS).save(
        SITE_ROOT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)]
    )


if __name__ == "__main__":
    main()

"""Every picture of the demo site, drawn locally with Pillow: nothing is downloaded.

Each image has a stable key (``"story-r"``, ``"logo-nikkei"``) used by ``home.demo.content``,
alt text in Japanese and English, and a drawing function. Drawing is seeded from the key, so the
same key always gives the same bytes; the loader keys Wagtail images by ``title_for(key)`` and
never stores one twice.

Logos are plain typographic badges with the outlet's name in Latin letters, never a copy of a
real trademark. Text uses Pillow's bundled font so output does not depend on system fonts.
"""

from __future__ import annotations

import io
import math
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from home.demo.content import Text, t

type RGB = tuple[int, int, int]

HERO_SIZE = (1600, 900)
PORTRAIT_SIZE = (400, 400)
LOGO_SIZE = (480, 192)
SUPERSAMPLE = 2  # draw large, then shrink: smooth edges without an antialiasing library


@dataclass(frozen=True)
class DemoImage:
    key: str
    alt: Text
    draw: Callable[[], Image.Image]
    format: str  # "JPEG" for illustrations, "PNG" for flat badges and avatars

    @property
    def filename(self) -> str:
        return f"demo-{self.key}.{'jpg' if self.format == 'JPEG' else 'png'}"


def title_for(key: str) -> str:
    """The Wagtail image title: stable, so a second load finds the image instead of adding one."""
    return f"WELgee demo: {key}"


@cache  # drawing is the slow part of a first load; a process never needs to draw a key twice
def render(key: str) -> bytes:
    """The encoded file of one demo image."""
    spec = IMAGES[key]
    buffer = io.BytesIO()
    image = spec.draw().convert("RGB")
    if spec.format == "JPEG":
        image.save(buffer, "JPEG", quality=86, optimize=True, progressive=False)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Drawing helpers
# ---------------------------------------------------------------------------------------------


def _rng(key: str) -> random.Random:
    return random.Random(zlib.crc32(key.encode()))


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _mix(a: RGB, b: RGB, amount: float) -> RGB:
    return tuple(round(x + (y - x) * amount) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _vertical_gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _ridge(
    width: int, height: int, base: float, amplitude: float, rng: random.Random
) -> list[tuple[float, float]]:
    """A closed polygon of rolling hills: a sum of a few sine waves with seeded phases."""
    waves = [(rng.uniform(0.6, 2.8), rng.uniform(0, math.tau), rng.uniform(0.3, 1.0)) for _ in range(3)]
    points = []
    steps = 80
    for i in range(steps + 1):
        x = width * i / steps
        y = sum(w * math.sin(f * math.tau * i / steps + p) for f, p, w in waves) / 2.3
        points.append((x, height * base - amplitude * height * y))
    return [*points, (width, height), (0, height)]


def _skyline(
    draw: ImageDraw.ImageDraw, width: int, height: int, base: float, colour: RGB, rng: random.Random
):
    x = 0.0
    while x < width:
        w = rng.uniform(0.025, 0.06) * width
        h = rng.uniform(0.08, 0.28) * height
        top = height * base - h
        draw.rectangle([x, top, x + w, height], fill=colour)
        if rng.random() < 0.25:  # a spire or a tower now and then
            draw.polygon([(x + w * 0.3, top), (x + w * 0.5, top - h * 0.3), (x + w * 0.7, top)], fill=colour)
        x += w + rng.uniform(0, 0.01) * width


def _person(draw: ImageDraw.ImageDraw, x: float, ground: float, scale: float, colour: RGB):
    head = 0.11 * scale
    draw.ellipse([x - head, ground - scale - head * 2, x + head, ground - scale], fill=colour)
    draw.rounded_rectangle(
        [x - 0.2 * scale, ground - scale * 0.95, x + 0.2 * scale, ground], 0.12 * scale, fill=colour
    )


def _birds(draw: ImageDraw.ImageDraw, width: int, height: int, colour: RGB, rng: random.Random, count: int):
    for _ in range(count):
        x, y, s = (
            rng.uniform(0.1, 0.9) * width,
            rng.uniform(0.1, 0.4) * height,
            rng.uniform(8, 18) * SUPERSAMPLE,
        )
        draw.line([(x - s, y - s * 0.4), (x, y), (x + s, y - s * 0.4)], fill=colour, width=2 * SUPERSAMPLE)


@dataclass(frozen=True)
class Scene:
    """The recipe of one story illustration: a sky, a sun, land, and a motif of its own."""

    sky_top: RGB
    sky_bottom: RGB
    sun: RGB
    land: tuple[RGB, RGB, RGB]
    motif: str  # "mountains", "city", "sea", "fields", "factory", "river"
    people: int = 0


def _draw_scene(key: str, scene: Scene) -> Image.Image:
    rng = _rng(key)
    width, height = HERO_SIZE[0] * SUPERSAMPLE, HERO_SIZE[1] * SUPERSAMPLE
    image = _vertical_gradient((width, height), scene.sky_top, scene.sky_bottom)

    glow = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    glow_draw = ImageDraw.Draw(glow)
    sun_x, sun_y, radius = rng.uniform(0.25, 0.75) * width, rng.uniform(0.28, 0.42) * height, 0.09 * height
    for step in range(6, 0, -1):
        r = radius * (1 + step * 0.35)
        glow_draw.ellipse([sun_x - r, sun_y - r, sun_x + r, sun_y + r], fill=(*scene.sun, 18))
    glow_draw.ellipse(
        [sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius], fill=(*scene.sun, 255)
    )
    image.paste(glow, (0, 0), glow)

    draw = ImageDraw.Draw(image)
    far, middle, near = scene.land
    if scene.motif == "mountains":
        peaks = [(0, height * 0.7)]
        for i in range(7):
            peaks.append(((i + 0.5) * width / 6.5, height * rng.uniform(0.32, 0.5)))
            peaks.append(((i + 1) * width / 6.5, height * rng.uniform(0.55, 0.65)))
        draw.polygon([*peaks, (width, height), (0, height)], fill=far)
    elif scene.motif == "city":
        _skyline(draw, width, height, 0.72, far, rng)
    elif scene.motif == "factory":
        _skyline(draw, width, height, 0.74, far, rng)
        for _ in range(3):
            x = rng.uniform(0.1, 0.9) * width
            draw.rectangle([x, height * 0.3, x + width * 0.018, height * 0.74], fill=far)
            for puff in range(4):
                r = height * (0.025 + puff * 0.012)
                cx, cy = x + width * 0.009 + puff * r * 0.9, height * 0.27 - puff * r * 1.1
                draw.ellipse(
                    [cx - r, cy - r, cx + r, cy + r], fill=_mix(scene.sky_bottom, (255, 255, 255), 0.5)
                )
    elif scene.motif == "sea":
        draw.rectangle([0, height * 0.62, width, height], fill=far)
        for row in range(12):
            y = height * (0.64 + row * 0.03)
            for _ in range(10):
                x = rng.uniform(0, width)
                draw.line(
                    [(x, y), (x + rng.uniform(30, 120) * SUPERSAMPLE, y)],
                    fill=scene.sun,
                    width=2 * SUPERSAMPLE,
                )
    else:  # fields and river: soft rolling land
        draw.polygon(_ridge(width, height, 0.6, 0.06, rng), fill=far)

    draw.polygon(_ridge(width, height, 0.76, 0.05, rng), fill=middle)
    draw.polygon(_ridge(width, height, 0.88, 0.035, rng), fill=near)
    if scene.motif == "river":
        draw.polygon(
            [
                (width * 0.46, height * 0.68),
                (width * 0.54, height * 0.68),
                (width * 0.8, height),
                (width * 0.2, height),
            ],
            fill=_mix(scene.sky_bottom, scene.sun, 0.3),
        )
    if scene.motif == "fields":
        for row in range(8):
            y = height * (0.8 + row * 0.025)
            draw.line(
                [(0, y), (width, y - height * 0.05)], fill=_mix(near, scene.sun, 0.25), width=3 * SUPERSAMPLE
            )

    ground = height * 0.93
    for i in range(scene.people):
        scale = height * (0.16 - 0.035 * (i % 2))
        _person(draw, width * (0.62 + 0.055 * i), ground, scale, _mix(near, (20, 20, 30), 0.6))
    _birds(draw, width, height, _mix(scene.sky_top, (40, 30, 40), 0.6), rng, rng.randint(2, 5))

    return image.resize(HERO_SIZE, Image.Resampling.LANCZOS)


def _draw_campaign_hero() -> Image.Image:
    rng = _rng("campaign-hero")
    width, height = HERO_SIZE[0] * SUPERSAMPLE, HERO_SIZE[1] * SUPERSAMPLE
    image = _vertical_gradient((width, height), (255, 196, 120), (236, 104, 84)).convert("RGBA")
    circles = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    circles_draw = ImageDraw.Draw(circles)
    palette = [(255, 240, 200), (255, 170, 120), (250, 120, 110), (255, 215, 150), (210, 90, 110)]
    for _ in range(26):
        r = rng.uniform(0.05, 0.2) * height
        x, y = rng.uniform(0, width), rng.uniform(0, height * 0.8)
        circles_draw.ellipse([x - r, y - r, x + r, y + r], fill=(*rng.choice(palette), rng.randint(35, 90)))
    image = Image.alpha_composite(image, circles)
    draw = ImageDraw.Draw(image)
    draw.polygon(_ridge(width, height, 0.86, 0.03, rng), fill=(120, 50, 70))
    # A row of people of different heights standing together: the "family" of supporters.
    ground = height * 0.9
    for i in range(11):
        scale = height * rng.uniform(0.17, 0.27)
        _person(draw, width * (0.1 + 0.08 * i), ground, scale, (92, 36, 58))
    image = image.convert("RGB")
    return image.resize(HERO_SIZE, Image.Resampling.LANCZOS)


def _draw_avatar(key: str, initials: str, background: RGB) -> Image.Image:
    width, height = PORTRAIT_SIZE[0] * SUPERSAMPLE, PORTRAIT_SIZE[1] * SUPERSAMPLE
    image = _vertical_gradient((width, height), _mix(background, (255, 255, 255), 0.35), background)
    draw = ImageDraw.Draw(image)
    rng = _rng(key)
    for _ in range(5):
        r = rng.uniform(0.15, 0.4) * width
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        draw.ellipse(
            [x - r, y - r, x + r, y + r],
            outline=_mix(background, (255, 255, 255), 0.5),
            width=4 * SUPERSAMPLE,
        )
    draw.text(
        (width / 2, height / 2), initials, font=_font(150 * SUPERSAMPLE), fill=(255, 255, 255), anchor="mm"
    )
    return image.resize(PORTRAIT_SIZE, Image.Resampling.LANCZOS)


def _draw_badge(name: str, tagline: str, colour: RGB, dark_text: bool = False) -> Image.Image:
    width, height = LOGO_SIZE[0] * SUPERSAMPLE, LOGO_SIZE[1] * SUPERSAMPLE
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    margin = 8 * SUPERSAMPLE
    draw.rounded_rectangle(
        [margin, margin, width - margin, height - margin], radius=28 * SUPERSAMPLE, fill=colour
    )
    ink = (30, 30, 40) if dark_text else (255, 255, 255)
    size = 64 * SUPERSAMPLE
    while size > 20 and draw.textlength(name, font=_font(size)) > width - 2 * margin - 40 * SUPERSAMPLE:
        size -= 2 * SUPERSAMPLE
    centre_y = height * (0.42 if tagline else 0.5)
    draw.text((width / 2, centre_y), name, font=_font(size), fill=ink, anchor="mm")
    if tagline:
        draw.text((width / 2, height * 0.75), tagline, font=_font(24 * SUPERSAMPLE), fill=ink, anchor="mm")
    return image.resize(LOGO_SIZE, Image.Resampling.LANCZOS)


# ---------------------------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------------------------

_SCENES: dict[str, tuple[Scene, Text]] = {
    "story-r": (
        Scene(
            (64, 72, 140),
            (250, 170, 120),
            (255, 226, 160),
            ((96, 84, 120), (70, 60, 92), (44, 38, 62)),
            "mountains",
            1,
        ),
        t(
            "夕暮れの山並みと、遠くを見つめる一人の人影を描いたイラスト",
            "Illustration of mountains at dusk and a lone figure looking into the distance",
        ),
    ),
    "story-olena": (
        Scene(
            (120, 170, 230),
            (255, 228, 150),
            (255, 214, 90),
            ((90, 120, 170), (70, 140, 110), (40, 96, 80)),
            "city",
            2,
        ),
        t(
            "青空と黄色い光の下、街並みの前に並ぶ母と娘の人影を描いたイラスト",
            "Illustration of a mother and daughter before a city skyline under a blue and yellow sky",
        ),
    ),
    "story-rahim": (
        Scene(
            (250, 190, 140),
            (255, 236, 210),
            (255, 160, 90),
            ((180, 140, 120), (140, 104, 92), (96, 70, 66)),
            "city",
            5,
        ),
        t(
            "朝焼けの街を背に並んで立つ家族5人の人影を描いたイラスト",
            "Illustration of a family of five standing together against a city at sunrise",
        ),
    ),
    "story-esther": (
        Scene(
            (90, 160, 150),
            (240, 236, 190),
            (255, 250, 220),
            ((110, 150, 110), (80, 126, 90), (52, 96, 70)),
            "fields",
            1,
        ),
        t(
            "やわらかな光に包まれた緑の丘と、一人の人影を描いたイラスト",
            "Illustration of green hills in soft light with a single figure",
        ),
    ),
    "story-dawit": (
        Scene(
            (200, 80, 60),
            (255, 200, 110),
            (255, 236, 170),
            ((160, 90, 60), (126, 70, 50), (90, 50, 40)),
            "fields",
            1,
        ),
        t(
            "スパイスを思わせる赤と橙の空の下に広がる畑を描いたイラスト",
            "Illustration of fields under a red and orange sky, warm as spices",
        ),
    ),
    "story-thiha": (
        Scene(
            (30, 40, 90),
            (110, 90, 170),
            (230, 230, 255),
            ((60, 60, 120), (44, 44, 96), (28, 28, 66)),
            "city",
            1,
        ),
        t(
            "夜の街の明かりと月、窓辺に立つ一人の人影を描いたイラスト",
            "Illustration of a city at night under the moon, with one figure",
        ),
    ),
    "story-karim": (
        Scene(
            (150, 180, 200),
            (240, 220, 190),
            (255, 240, 200),
            ((120, 120, 130), (104, 110, 120), (70, 76, 88)),
            "factory",
            1,
        ),
        t(
            "煙突から白い煙が上がる工場と丘を描いたイラスト",
            "Illustration of a factory with white smoke rising from its chimneys, among hills",
        ),
    ),
    "story-jean-paul": (
        Scene(
            (60, 140, 170),
            (250, 210, 140),
            (255, 220, 120),
            ((60, 120, 110), (40, 100, 84), (26, 74, 60)),
            "river",
            1,
        ),
        t(
            "大きな川が流れる緑の大地と夕日を描いたイラスト",
            "Illustration of a wide river through green land at sunset",
        ),
    ),
}

_AVATARS: dict[str, tuple[str, RGB, Text]] = {
    "portrait-matsumura": (
        "TM",
        (60, 120, 170),
        t("松村さんのイニシャル「TM」のアバター", "Avatar with the initials TM"),
    ),
    "portrait-mizutamari": (
        "SM",
        (200, 110, 80),
        t("水溜さんのイニシャル「SM」のアバター", "Avatar with the initials SM"),
    ),
    "portrait-unpublished": (
        "K",
        (120, 120, 120),
        t("イニシャル「K」のアバター", "Avatar with the initial K"),
    ),
}

# name on the badge, tagline, colour, dark text, alt text
_BADGES: dict[str, tuple[str, str, RGB, bool, Text]] = {
    "logo-news-zero": (
        "news zero",
        "NTV",
        (20, 30, 60),
        False,
        t("日本テレビ「news zero」", "news zero (Nippon TV)"),
    ),
    "logo-hodo-station": (
        "Hodo Station",
        "TV Asahi",
        (200, 40, 50),
        False,
        t("テレビ朝日「報道ステーション」", "Hodo Station (TV Asahi)"),
    ),
    "logo-nikkei": ("NIKKEI", "", (16, 56, 120), False, t("日本経済新聞", "The Nikkei")),
    "logo-deutsche-welle": (
        "DW",
        "Deutsche Welle",
        (10, 60, 130),
        False,
        t("ドイツ国営放送 Deutsche Welle", "Deutsche Welle"),
    ),
    "logo-nhk-world": ("NHK WORLD", "JAPAN", (230, 230, 235), True, t("NHK WORLD-JAPAN", "NHK WORLD-JAPAN")),
    "logo-asahi": ("Asahi Shimbun", "", (180, 20, 40), False, t("朝日新聞", "The Asahi Shimbun")),
    "logo-japan-times": ("The Japan Times", "", (30, 30, 30), False, t("The Japan Times", "The Japan Times")),
    "logo-yahoo-news": (
        "Yahoo! News",
        "Japan",
        (120, 30, 160),
        False,
        t("Yahoo!ニュース", "Yahoo! News Japan"),
    ),
    "logo-guardian": (
        "The Guardian",
        "UK",
        (10, 40, 90),
        False,
        t("The Guardian（英国）", "The Guardian (UK)"),
    ),
    "logo-yamaha-motor": (
        "YAMAHA MOTOR",
        "",
        (235, 235, 240),
        True,
        t("ヤマハ発動機株式会社", "Yamaha Motor Co., Ltd."),
    ),
    "logo-konica-minolta": (
        "KONICA MINOLTA",
        "",
        (235, 240, 250),
        True,
        t("コニカミノルタ株式会社", "Konica Minolta, Inc."),
    ),
    "logo-komorebi-systems": (
        "Komorebi Systems",
        "fictional",
        (70, 140, 90),
        False,
        t("こもれびシステムズ株式会社（架空）", "Komorebi Systems (fictional)"),
    ),
    "logo-tsubasa-logistics": (
        "Tsubasa Logistics",
        "fictional",
        (40, 110, 170),
        False,
        t("つばさ倉庫ロジスティクス株式会社（架空）", "Tsubasa Warehouse Logistics (fictional)"),
    ),
    "logo-hidamari-kitchen": (
        "Hidamari Kitchen",
        "fictional",
        (230, 150, 60),
        False,
        t("株式会社ひだまりキッチン（架空）", "Hidamari Kitchen (fictional)"),
    ),
    "logo-enishi-care": (
        "Enishi Care",
        "fictional",
        (170, 90, 130),
        False,
        t("社会福祉法人えにし会（架空）", "Enishi Social Welfare Corporation (fictional)"),
    ),
    "logo-forbes-asia": (
        "30 UNDER 30",
        "Forbes Asia",
        (20, 20, 20),
        False,
        t("Forbes 30 Under 30 Asia", "Forbes 30 Under 30 Asia"),
    ),
    "logo-forbes-japan": (
        "30 UNDER 30",
        "Forbes JAPAN",
        (150, 120, 40),
        False,
        t("Forbes JAPAN 30 UNDER 30", "Forbes JAPAN 30 Under 30"),
    ),
    "logo-social-innovation": (
        "Social Innovation",
        "Award of Excellence",
        (50, 130, 120),
        False,
        t("ソーシャルイノベーション・チャレンジ 優秀賞", "Social Innovation Challenge award"),
    ),
    "logo-diversity-award": (
        "Diverse Workplace",
        "Award",
        (110, 70, 150),
        False,
        t("ダイバーシティ・ワークプレイス賞", "Diverse Workplace Award"),
    ),
}


def _catalogue() -> dict[str, DemoImage]:
    images = {
        "campaign-hero": DemoImage(
            "campaign-hero",
            t(
                "あたたかな夕焼けの下、肩を寄せ合って並ぶ大勢の人々の人影を描いたイラスト",
                "Illustration of many people standing side by side under a warm sunset",
            ),
            _draw_campaign_hero,
            "JPEG",
        )
    }
    for key, (scene, alt) in _SCENES.items():
        images[key] = DemoImage(key, alt, lambda key=key, scene=scene: _draw_scene(key, scene), "JPEG")
    for key, (initials, colour, alt) in _AVATARS.items():
        images[key] = DemoImage(
            key, alt, lambda key=key, i=initials, c=colour: _draw_avatar(key, i, c), "PNG"
        )
    for key, (name, tagline, colour, dark, alt) in _BADGES.items():
        images[key] = DemoImage(
            key,
            t(f"{alt['ja']}のロゴ", f"{alt['en']} logo"),
            lambda n=name, tl=tagline, c=colour, d=dark: _draw_badge(n, tl, c, d),
            "PNG",
        )
    return images


IMAGES: dict[str, DemoImage] = _catalogue()

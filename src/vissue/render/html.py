"""The issue as one standalone web page: templates/issue.html with the page's data.

Everything is in the page (CSS inline, figures as inline SVG, no script, no font or image from
elsewhere but the issue's own image), so it works offline and can be mailed or archived as one
file. Record text is escaped by Jinja2's autoescape; the reference list is citeproc-py's HTML,
which escapes what it prints. The figures' geometry is worked out here, the template only draws.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from markupsafe import Markup

from .. import __version__
from ..issue import IssueWork, Sentence, VirtualIssue
from . import (
    ThemeGroup,
    author_display,
    authors_short,
    doi_url,
    editorial_paragraphs,
    language_code,
    scope_text,
    theme_groups,
    work_label,
    year_label,
)
from .citations import reference_list, style_title

# Theme colours: distinct for the common colour-vision deficiencies, each at least 4.5:1 on white.
PALETTE = ("#1f5fa6", "#b83d0b", "#0b7358", "#8b3a8f", "#8a5a00", "#3d4f7a", "#a0324a", "#2f6b2f")
OTHER_COLOUR = "#6b7280"  # works of no theme
TYPE_LABELS = {"review": "Review", "book": "Book", "book-chapter": "Book chapter",
               "proceedings-paper": "Conference paper", "thesis": "Thesis", "report": "Report",
               "editorial": "Editorial", "book-review": "Book review", "correction": "Correction",
               "letter": "Letter", "preprint": "Preprint", "dataset": "Dataset"}


def render_html(issue: VirtualIssue, *, style: str | None = None) -> str:
    return _environment().get_template("issue.html").render(page_data(issue, style=style))


@cache
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("vissue.render", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


# ---- the page's data ---------------------------------------------------------------------------

def page_data(issue: VirtualIssue, *, style: str | None = None) -> dict[str, Any]:
    groups = theme_groups(issue)
    colours = {g.id: (PALETTE[(g.number - 1) % len(PALETTE)] if g.id else OTHER_COLOUR) for g in groups}
    works = {w.id: w for w in issue.works}
    editorial = editorial_paragraphs(issue)
    style_name = style or issue.journal.citation_style or "apa"
    references = reference_list(issue, style=style_name, output="html")
    return {
        "lang": "en",
        "title": issue.title,
        "journal": issue.journal,
        "journal_url": safe_url(issue.journal.url),
        "created": _date(issue.created),
        "vissue": issue.vissue or __version__,
        "counts": {"works": len(issue.works), "themes": len(issue.themes)},
        "lead": [[_sentence(s, works) for s in p] for p in editorial.lead],
        "body": [[_sentence(s, works) for s in p] for p in editorial.body],
        "image": _image(issue),
        "themes": [_theme(g, colours[g.id]) for g in groups],
        "map": map_figure(issue, groups, colours),
        "timeline": timeline_figure(groups, colours),
        "references": [{"key": r.key, "html": _link_urls(r.text)} for r in references],
        "style_title": style_title(style_name),
        "scope": scope_text(issue),
    }


def safe_url(url: str | None) -> str | None:
    """An address a page may link or load: http(s), a data: image, or a relative path."""
    if not url:
        return None
    url = url.strip()
    scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    if scheme is None:
        return url  # relative: beside the page
    if scheme.group(1).lower() in ("http", "https") or url.lower().startswith("data:image/"):
        return url
    return None


def _date(created: str) -> str | None:
    if not created:
        return None
    try:
        moment = datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return created
    return f"{moment.day} {moment:%B %Y}"


def _sentence(sentence: Sentence, works: dict[int, IssueWork]) -> dict[str, Any]:
    named = [works[i] for i in sentence.works if i in works]
    if named:
        tooltip = "Drawn from: " + "; ".join(
            f"{authors_short(w)} ({year_label(w)}), {w.title}" for w in named)
    elif sentence.part == "event":
        tooltip = "From the editor's account of the event"
    else:
        tooltip = "Written for this issue"
    if sentence.edited:
        tooltip += " (edited by the editor)"
    return {"id": sentence.id, "text": sentence.text, "tooltip": tooltip,
            "works": " ".join(str(w.id) for w in named), "part": sentence.part}


def _image(issue: VirtualIssue) -> dict[str, str] | None:
    if issue.image is None:
        return None
    src = safe_url(issue.image.url)
    if src is None:
        return None
    return {"src": src, "caption": issue.image.caption, "credit": issue.image.credit,
            "alt": issue.image.caption or "Image of the event"}


def _theme(group: ThemeGroup, colour: str) -> dict[str, Any]:
    return {"id": group.id, "anchor": f"theme-{group.id or 'other'}", "label": group.label,
            "number": group.number, "colour": colour, "works": [_work(w) for w in group.works]}


def _work(work: IssueWork) -> dict[str, Any]:
    doi = work.ids.get("doi")
    code = language_code(work.language)
    details = []
    if work.volume:
        details.append(f"{work.volume}" + (f"({work.issue})" if work.issue else ""))
    elif work.issue:
        details.append(f"no. {work.issue}")
    if work.pages:
        details.append(f"pp. {work.pages.replace('-', '–')}")
    return {
        "id": work.id,
        "anchor": f"work-{work.id}",
        "title": work.title,
        "url": doi_url(doi),
        "doi": doi,
        "authors": [author_display(a) for a in work.authors],
        "year": year_label(work),
        "venue": work.venue,
        "details": ", ".join(details),
        "type": TYPE_LABELS.get(work.doc_type),
        "abstract": [p.strip() for p in re.split(r"\n\s*\n", work.abstract or "") if p.strip()],
        "keywords": work.keywords,
        "lang": code if code and code.split("-")[0] != "en" else None,
    }


_URL = re.compile(r"(https?://[^\s<>\"]+?)([.,;]?)(?=\s|<|$)")


def _link_urls(reference_html: str) -> Markup:
    """citeproc-py's escaped HTML with its URLs (DOIs) made links."""
    return Markup(_URL.sub(r'<a href="\1">\1</a>\2', reference_html))


# ---- figures -----------------------------------------------------------------------------------

CHAR_WIDTH = 6.4  # px of an average character at the figures' 12 px labels


@dataclass
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: Box) -> float:
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0


@dataclass
class Label:
    text: str
    x: float
    y: float
    anchor: str  # start | middle | end


@dataclass
class Figure:
    width: int
    height: int
    title: str
    description: str
    items: list[dict[str, Any]] = field(default_factory=list)  # what the SVG draws
    legend: list[dict[str, Any]] = field(default_factory=list)  # colour, label
    text: list[dict[str, Any]] = field(default_factory=list)  # the figure as text: heading, entries


def _label_box(text: str, x: float, y: float, anchor: str) -> Box:
    width = len(text) * CHAR_WIDTH
    x0 = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
    return Box(x0 - 1, y - 10, x0 + width + 1, y + 3)


def _place_label(text: str, cx: float, cy: float, r: float, taken: list[Box], bounds: Box) -> Label:
    """Beside its dot where it overlaps least with labels and dots already placed."""
    d = r + 4
    options = [(cx + d, cy + 4, "start"), (cx - d, cy + 4, "end"), (cx, cy - d - 2, "middle"),
               (cx, cy + d + 10, "middle"), (cx + d - 2, cy - d + 2, "start"),
               (cx - d + 2, cy - d + 2, "end"), (cx + d - 2, cy + d + 8, "start"),
               (cx - d + 2, cy + d + 8, "end")]
    best: tuple[float, int, Label, Box] | None = None
    for n, (x, y, anchor) in enumerate(options):
        box = _label_box(text, x, y, anchor)
        cost = sum(box.overlap(t) for t in taken)
        outside = max(0, bounds.x0 - box.x0) + max(0, box.x1 - bounds.x1) + max(0, bounds.y0 - box.y0) + max(0, box.y1 - bounds.y1)
        cost += outside * 50
        if best is None or (cost, n) < (best[0], best[1]):
            best = (cost, n, Label(text, round(x, 1), round(y, 1), anchor), box)
        if cost == 0:
            break
    assert best is not None
    taken.append(best[3])
    return best[2]


def map_figure(issue: VirtualIssue, groups: list[ThemeGroup], colours: dict[str | None, str]) -> Figure | None:
    """The candidates on the 2-D map of the issue (``issue.map``), coloured by theme, the
    selected works large and labelled; None when the issue has no map."""
    points = [p for p in issue.map if isinstance(p.get("x"), int | float) and isinstance(p.get("y"), int | float)]
    if not points:
        return None
    width, height, margin = 720, 460, 34
    xs = [float(p["x"]) for p in points]
    ys = [float(p["y"]) for p in points]
    dx, dy = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    # One scale keeps distances; each axis may stretch up to half as much again to use the room.
    scale = min((width - 2 * margin) / dx, (height - 2 * margin) / dy)
    sx = min((width - 2 * margin) / dx, scale * 1.5)
    sy = min((height - 2 * margin) / dy, scale * 1.5)
    ox = (width - sx * (max(xs) - min(xs))) / 2
    oy = (height - sy * (max(ys) - min(ys))) / 2
    works = {w.id: w for w in issue.works}
    labels = {g.id: g.label for g in groups}
    theme_of = {w.id: g.id for g in groups for w in g.works}

    def position(p: dict[str, Any]) -> tuple[float, float]:
        return (round(ox + sx * (float(p["x"]) - min(xs)), 1),
                round(height - oy - sy * (float(p["y"]) - min(ys)), 1))  # y up

    dots: list[dict[str, Any]] = []
    chosen = [p for p in points if p.get("selected") and p.get("id") in works]
    others = [p for p in points if p not in chosen]
    for p in others:
        cx, cy = position(p)
        theme = p.get("theme")
        dots.append({"cx": cx, "cy": cy, "r": 4.5, "colour": colours.get(theme, OTHER_COLOUR),
                     "selected": False, "href": None, "label": None,
                     "tooltip": f"{p.get('title') or 'A candidate'} (not selected"
                                + (f"; nearest theme: {labels[theme]})" if theme in labels else ")")})
    taken = [Box(cx - 8, cy - 8, cx + 8, cy + 8) for cx, cy in (position(p) for p in chosen)]
    bounds = Box(2, 2, width - 2, height - 2)
    for p in chosen:
        cx, cy = position(p)
        work = works[p["id"]]
        theme = theme_of.get(work.id)
        dots.append({"cx": cx, "cy": cy, "r": 7.5, "colour": colours.get(theme, OTHER_COLOUR),
                     "selected": True, "href": f"#work-{work.id}",
                     "label": _place_label(work_label(work), cx, cy, 7.5, taken, bounds),
                     "tooltip": f"{work.title} — {labels.get(theme, 'no theme')}"})
    figure = Figure(width, height, "A map of the themes",
                    f"{len(points)} candidate works placed by the similarity of their content: works "
                    f"close together are alike. The {len(chosen)} selected works are the large, "
                    "labelled dots; the small dots are candidates that were not selected. "
                    "Colours are the themes: " + "; ".join(
                        f"{g.label} ({len(g.works)} works)" for g in groups) + ".")
    figure.items = dots
    figure.legend = [{"colour": colours[g.id], "label": g.label} for g in groups]
    nearby = {g.id: sum(1 for p in others if p.get("theme") == g.id) for g in groups}
    figure.text = [{"heading": g.label, "colour": colours[g.id],
                    "entries": [f"{authors_short(w)} ({year_label(w)}), {w.title}" for w in g.works]
                    + ([f"and {nearby[g.id]} candidate{'s' if nearby[g.id] != 1 else ''} not selected "
                        "closest to this theme"] if nearby.get(g.id) else [])} for g in groups]
    return figure


def timeline_figure(groups: list[ThemeGroup], colours: dict[str | None, str]) -> Figure | None:
    """The selected works by year of publication, one lane a theme; works with no year stand
    in a last column, 'n.d.'."""
    works = [w for g in groups for w in g.works]
    if not works:
        return None
    years = [w.year for w in works if w.year]
    width, left, right, top = 720, 16, 16, 30
    undated = any(not w.year for w in works)
    first, last = (min(years) - 1, max(years) + 1) if years else (0, 0)
    nd_width = 84 if undated else 0
    plot_right = width - right - nd_width
    step = (plot_right - left) / max(last - first, 1) if years else 0

    def x_of(work: IssueWork) -> float:
        if not work.year:
            return width - right - nd_width / 2
        return left + step * (work.year - first)

    lanes: list[dict[str, Any]] = []
    y = top
    for g in groups:
        rows: list[list[tuple[float, float]]] = []  # the spans taken in each row of the lane
        placed = []
        for work in sorted(g.works, key=lambda w: (w.year or 10**6, work_label(w))):
            x = x_of(work)
            text = work_label(work).rsplit(" ", 1)[0]
            label_width = len(text) * CHAR_WIDTH
            right_side = x + 10 + label_width <= width - 4
            span = (x - 8, x + 10 + label_width) if right_side else (x - 10 - label_width, x + 8)
            row = next((i for i, taken in enumerate(rows)
                        if all(span[1] + 4 < a or span[0] - 4 > b for a, b in taken)), None)
            if row is None:
                rows.append([])
                row = len(rows) - 1
            rows[row].append(span)
            placed.append({"x": round(x, 1), "row": row, "text": text,
                           "label_x": round(x + 10 if right_side else x - 10, 1),
                           "anchor": "start" if right_side else "end",
                           "tooltip": f"{work.title} ({year_label(work)})"})
        for item in placed:
            item["cy"] = round(y + 26 + item["row"] * 22, 1)
        height = 26 + max(len(rows), 1) * 22
        lanes.append({"label": g.label, "colour": colours.get(g.id, OTHER_COLOUR), "y": y,
                      "label_y": y + 12, "height": height, "works": placed})
        y += height + 6
    axis_y = y + 4
    ticks = []
    if years:
        span = last - first
        every = 1 if span <= 12 else 2 if span <= 24 else 5 if span <= 60 else 10
        for year in range(first, last + 1):
            if year % every == 0 and min(years) - 1 <= year <= max(years) + 1:
                ticks.append({"x": round(left + step * (year - first), 1), "text": str(year)})
    figure = Figure(width, int(axis_y + 26), "A timeline of the selected works",
                    f"The {len(works)} selected works by year of publication, one row a theme"
                    + (f"; {sum(1 for w in works if not w.year)} with no year in their records "
                       "stand in the last column, n.d." if undated else "."))
    figure.items = [{"lanes": lanes, "axis_y": axis_y, "ticks": ticks, "left": left,
                     "plot_right": plot_right,
                     "nd": {"x": width - right - nd_width / 2} if undated else None}]
    figure.legend = [{"colour": colours.get(g.id, OTHER_COLOUR), "label": g.label} for g in groups]
    figure.text = [{"heading": row["year"], "entries": row["works"]} for row in _by_year(works, groups)]
    return figure


def _by_year(works: list[IssueWork], groups: list[ThemeGroup]) -> list[dict[str, Any]]:
    """The timeline as text: each year with its works, 'n.d.' last."""
    theme_label = {w.id: g.label for g in groups for w in g.works}
    years = sorted({w.year for w in works if w.year})
    rows = [{"year": str(y), "works": [f"{authors_short(w)}, {w.title} ({theme_label[w.id]})"
                                       for w in works if w.year == y]} for y in years]
    undated = [f"{authors_short(w)}, {w.title} ({theme_label[w.id]})" for w in works if not w.year]
    if undated:
        rows.append({"year": "n.d.", "works": undated})
    return rows

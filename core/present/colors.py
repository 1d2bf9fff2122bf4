"""One fixed colour per stance, the same on every page, chart and highlight.

Okabe–Ito's colour-blind-safe palette (Okabe & Ito 2008) for eight stances, its
black swapped for a mid grey and a ninth from Paul Tol's "bright" scheme, so
every colour stays visible on Streamlit's light (#ffffff) and dark (#0e1117)
backgrounds. Confrontational stances take the warm colours, conciliatory ones
the cool colours, so a chart reads at a glance even before the legend.
"""
from __future__ import annotations

from core.schema import STANCES

STANCE_COLORS: dict[str, str] = {
    "demand": "#D55E00",      # vermillion
    "warning": "#E69F00",     # orange
    "accusation": "#AA3377",  # Tol purple
    "rejection": "#CC79A7",   # reddish purple
    "denial": "#F0E442",      # yellow
    "assertion": "#999999",   # grey
    "support": "#0072B2",     # blue
    "dialogue": "#56B4E9",    # sky blue
    "concession": "#009E73",  # bluish green
}
UNKNOWN_COLOR = "#7F7F7F"

assert set(STANCE_COLORS) == set(STANCES), "every stance of the contract needs exactly one colour"


def stance_color(stance: str | None) -> str:
    return STANCE_COLORS.get(stance or "", UNKNOWN_COLOR)


def stance_rgba(stance: str | None, alpha: float) -> str:
    """The stance colour as CSS rgba(), for translucent highlight backgrounds that keep text readable."""
    h = stance_color(stance).lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


def text_color(stance: str | None) -> str:
    """Black or white, whichever reads better written on the stance colour (WCAG relative luminance)."""
    h = stance_color(stance).lstrip("#")
    lin = [(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4) for c in (int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))]
    luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#FFFFFF"

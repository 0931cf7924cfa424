#!/usr/bin/env python3
"""Writes the Emergence app icon: a smiley emerging from pixel noise, top left to bottom right.

The SVG is drawn from a fixed seed, so rerunning this script reproduces it byte for byte; the
PNG sizes are rendered from it with rsvg-convert (Debian librsvg2-bin). Both are committed, so a
build needs neither this script nor rsvg-convert:

    packaging/icons/make_icon.py   # rewrites packaging/icons/*.svg and *.png
"""
import math
import pathlib
import random
import subprocess

APP_ID = "io.github.emergence.Emergence"
PNG_SIZES = (32, 48, 64, 128, 256)
HERE = pathlib.Path(__file__).resolve().parent

TILE = (8, 8, 240)  # x, y, side of the rounded square in a 256 x 256 view box
CELLS = 16          # noise pixels per side


def smoothstep(edge0, edge1, x):
    t = min(max((x - edge0) / (edge1 - edge0), 0.0), 1.0)
    return t * t * (3 - 2 * t)


def noise_cells(rng):
    """One square per cell with a Gaussian RGB colour, its opacity the noise level there."""
    x0, y0, side = TILE
    cell = side / CELLS
    rects = []
    for row in range(CELLS):
        for col in range(CELLS):
            # 0 at the top-left corner, 1 at the bottom-right one; the jitter frays the front.
            progress = (row + col + 1) / (2 * CELLS - 1) + rng.uniform(-0.12, 0.12)
            level = 1.0 - smoothstep(0.25, 0.68, progress)
            rgb = [min(max(int(rng.gauss(128, 60)), 0), 255) for _ in range(3)]
            if level < 0.04:
                continue
            rects.append(
                f'<rect x="{x0 + col * cell:g}" y="{y0 + row * cell:g}" width="{cell:g}" '
                f'height="{cell:g}" fill="#{rgb[0]:02x}{rgb[1]:02x}{rgb[2]:02x}" '
                f'fill-opacity="{level:.2f}"/>')
    return rects


def svg():
    rng = random.Random(17)
    x0, y0, side = TILE
    c = x0 + side / 2
    smile = " ".join([
        f"M {c - 46:g} {c + 22:g}",
        f"Q {c:g} {c + 70:g} {c + 46:g} {c + 22:g}",
    ])
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">',
        "  <defs>",
        '    <linearGradient id="tile" x1="0" y1="0" x2="1" y2="1">',
        '      <stop offset="0" stop-color="#1f2140"/>',
        '      <stop offset="1" stop-color="#2d3a6b"/>',
        "    </linearGradient>",
        '    <radialGradient id="face" cx="0.4" cy="0.35" r="0.75">',
        '      <stop offset="0" stop-color="#ffe27a"/>',
        '      <stop offset="1" stop-color="#f5a524"/>',
        "    </radialGradient>",
        f'    <clipPath id="clip"><rect x="{x0}" y="{y0}" width="{side}" height="{side}" '
        'rx="48"/></clipPath>',
        "  </defs>",
        '  <g clip-path="url(#clip)">',
        f'    <rect x="{x0}" y="{y0}" width="{side}" height="{side}" fill="url(#tile)"/>',
        f'    <circle cx="{c:g}" cy="{c:g}" r="84" fill="url(#face)"/>',
        f'    <ellipse cx="{c - 28:g}" cy="{c - 20:g}" rx="11" ry="16" fill="#3b2410"/>',
        f'    <ellipse cx="{c + 28:g}" cy="{c - 20:g}" rx="11" ry="16" fill="#3b2410"/>',
        f'    <path d="{smile}" fill="none" stroke="#3b2410" stroke-width="12" '
        'stroke-linecap="round"/>',
        *("    " + r for r in noise_cells(rng)),
        "  </g>",
        "</svg>",
        "",
    ])


def main():
    scalable = HERE / f"{APP_ID}.svg"
    scalable.write_text(svg())
    for size in PNG_SIZES:
        subprocess.run(["rsvg-convert", "-w", str(size), "-h", str(size), "-o",
                        str(HERE / f"{APP_ID}-{size}.png"), str(scalable)], check=True)


if __name__ == "__main__":
    main()

"""The start-up plot of tools/ukcompare and tools/bench: hand-written SVG, no libraries."""
import math
import statistics

from ukcompare_lib import percentile


def svg_startup(series, path, title="start-up time (boot to exit)"):
    """A hand-written SVG: one row per series (label -> list of ns), every run a dot, a box
    from p25 to p75 with the median, whiskers to min and p99; log time axis in ms."""
    rows = [(k, sorted(v)) for k, v in series.items() if v]
    if not rows:
        return
    lo = min(v[0] for _, v in rows) / 1e6
    hi = max(v[-1] for _, v in rows) / 1e6
    steps = [m * 10.0 ** e for e in range(-3, 5) for m in (1, 2, 5)]
    lo_tick = max([t for t in steps if t <= lo * 0.95] or [steps[0]])
    hi_tick = min([t for t in steps if t >= hi * 1.05] or [steps[-1]])
    lo10, hi10 = math.log10(lo_tick), math.log10(hi_tick)
    left, right, top, row_h = 190, 40, 50, 46
    width, plot_w = 860, 860 - 190 - 40
    height = top + row_h * len(rows) + 50

    def x(ms):
        return left + (math.log10(ms) - lo10) / (hi10 - lo10) * plot_w

    palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
           'font-size="12">' % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>' % (left, _esc(title))]
    axis_y = top + row_h * len(rows) + 5
    for ms in steps:
        if lo_tick <= ms <= hi_tick:
            xx = x(ms)
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (xx, top - 5, xx, axis_y))
            out.append('<text x="%.1f" y="%d" text-anchor="middle">%g</text>' % (xx, axis_y + 16, ms))
    out.append('<text x="%d" y="%d" text-anchor="middle">milliseconds (log scale)</text>' %
               (left + plot_w // 2, axis_y + 34))
    for i, (label, v) in enumerate(rows):
        ms = [t / 1e6 for t in v]
        cy = top + row_h * i + row_h // 2
        color = palette[i % len(palette)]
        p25, med, p75 = percentile(ms, 25), statistics.median(ms), percentile(ms, 75)
        p99 = percentile(ms, 99)
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 10, cy - 2, _esc(label)))
        out.append('<text x="%d" y="%d" text-anchor="end" fill="#555" font-size="10">median %.3g ms, n=%d</text>'
                   % (left - 10, cy + 11, med, len(ms)))
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"/>' % (x(ms[0]), cy, x(p99), cy, color))
        out.append('<rect x="%.1f" y="%d" width="%.1f" height="18" fill="%s" fill-opacity="0.18" stroke="%s"/>'
                   % (x(p25), cy - 9, max(1.0, x(p75) - x(p25)), color, color))
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="3"/>'
                   % (x(med), cy - 11, x(med), cy + 11, color))
        for j, t in enumerate(ms):
            jitter = ((j * 7919) % 13 - 6) * 1.2
            out.append('<circle cx="%.1f" cy="%.1f" r="2" fill="%s" fill-opacity="0.55"/>' % (x(t), cy + jitter, color))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def _esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

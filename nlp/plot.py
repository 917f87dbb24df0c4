"""Charts for ``gkreport query themes --plot FILE.png``, with Chinese labels that render.

Imported only when ``--plot`` is given (matplotlib takes a second to import). Chinese text
needs a CJK font: matplotlib's default DejaVu Sans has no Chinese glyphs and draws boxes
(tofu). The font is looked up among installed ones by family (WenQuanYi Micro Hei, which
the project installs from Debian's fonts-wqy-microhei, Noto Sans CJK, Source Han Sans …),
then by file name among system fonts matplotlib's cache has not seen; ``GKREPORT_FONT``
may name a font file. A font is only used if it has the glyphs the chart needs.
"""

from __future__ import annotations

import os
from pathlib import Path

from nlp.errors import GkError

CJK_FAMILIES = (
    "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Zen Hei", "Droid Sans Fallback", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC",
    "Noto Sans CJK JP", "AR PL UMing CN", "AR PL UKai CN",
)
CJK_FILE_HINTS = ("wqy", "notosanscjk", "notoserifcjk", "notosanssc", "sourcehansans", "droidsansfallback",
                  "msyh", "simhei", "pingfang", "uming", "ukai")
PROBE = "问题主题报告年度占比"


def _has_glyphs(path: str, text: str = PROBE) -> bool:
    try:
        from matplotlib.ft2font import FT2Font

        font = FT2Font(path)
        return all(font.get_char_index(ord(ch)) for ch in text)
    except Exception:  # noqa: BLE001 - an unreadable font file is simply not used
        return False


def cjk_font() -> str:
    """The file of a font that draws Chinese; E305 (with what to install) if there is none."""
    from matplotlib import font_manager

    env = os.environ.get("GKREPORT_FONT")
    if env:
        if not _has_glyphs(env):
            raise GkError("E305", env, "GKREPORT_FONT names a font without Chinese glyphs (or no font)")
        return env
    by_name = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in by_name and _has_glyphs(by_name[family]):
            return by_name[family]
    for path in sorted(font_manager.findSystemFonts()):
        if any(h in Path(path).name.lower().replace("-", "").replace("_", "") for h in CJK_FILE_HINTS) and _has_glyphs(path):
            return path
    raise GkError("E305", None, "no font with Chinese glyphs found: install one (Debian/Ubuntu: "
                  "apt-get install fonts-wqy-microhei) or set GKREPORT_FONT=/path/to/font.ttf")


def themes_chart(res, by: str | None, path: str) -> None:
    """Share of reports per theme: lines over years for --by year, a heat map for other groupings."""
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)
        from matplotlib import font_manager
        from matplotlib.figure import Figure
    except ImportError:
        raise GkError("E304", path, "matplotlib (pip install 'gkreport[query]')") from None
    from nlp.query import THEMES_ZH

    font_path = cjk_font()
    font_manager.fontManager.addfont(font_path)
    family = font_manager.FontProperties(fname=font_path).get_name()
    rc = {"font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"], "axes.unicode_minus": False}
    records = res.records()
    groups = sorted({str(r["group"]) for r in records})
    themes = [t for t in THEMES_ZH if any(r["theme"] == t for r in records)]
    share = {(str(r["group"]), r["theme"]): (r["share"] or 0) * 100 for r in records}
    if not groups or not themes:
        raise GkError("E305", path, "nothing to draw: no problem statements match the filters")
    with matplotlib.rc_context(rc):
        if by == "year":
            fig = Figure(figsize=(10, 5.6), dpi=120)
            ax = fig.add_subplot(1, 1, 1)
            colors = matplotlib.colormaps["tab20"]
            for k, t in enumerate(themes):
                ys = [share.get((g, t), 0.0) for g in groups]
                ax.plot(groups, ys, marker="o", linewidth=1.8, color=colors(k % 20), label=THEMES_ZH[t])
            ax.set_xlabel("报告年度")
            ax.set_ylabel("承认该问题的报告占比（%）")
            ax.set_title("各年度政府信息公开年报中承认的问题主题")
            ax.grid(True, alpha=0.3)
            ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, title="问题主题")
        else:
            import numpy as np

            grid = np.array([[share.get((g, t), 0.0) for g in groups] for t in themes])
            fig = Figure(figsize=(max(6, 1.0 * len(groups) + 3), 0.45 * len(themes) + 2), dpi=120)
            ax = fig.add_subplot(1, 1, 1)
            im = ax.imshow(grid, cmap="Blues", aspect="auto", vmin=0, vmax=max(100.0, float(grid.max())))
            ax.set_xticks(range(len(groups)), groups, rotation=30, ha="right")
            ax.set_yticks(range(len(themes)), [THEMES_ZH[t] for t in themes])
            for i in range(len(themes)):
                for j in range(len(groups)):
                    ax.text(j, i, f"{grid[i, j]:.0f}%", ha="center", va="center", fontsize=8,
                            color="white" if grid[i, j] > 60 else "black")
            ax.set_title("承认各问题主题的报告占比（%）")
            fig.colorbar(im, ax=ax, shrink=0.8)
        fig.tight_layout()
        try:
            fig.savefig(path)
        except (OSError, ValueError) as e:
            raise GkError("E301", path, str(e)) from None

"""Cell formats of the unit workbook: one place, so every sheet looks like the same form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xlsxwriter.workbook import Workbook

INPUT_FILL = "#FFF7D6"  # pale yellow: type here
FORMULA_FILL = "#ECEFF4"  # grey: calculated, locked
HEADER_FILL = "#D9E2F3"
TITLE_BLUE = "#1F3864"


@dataclass(frozen=True)
class Styles:
    title: Any
    subtitle: Any
    section: Any
    header: Any
    header_group: Any
    key: Any
    label: Any
    code: Any
    plain: Any
    text: Any
    text_wrap: Any
    ident_value: Any
    nip: Any
    input: Any
    input_wrap: Any
    input_number: Any
    input_nip: Any
    input_default: Any
    formula: Any
    formula_pct: Any
    formula_num: Any
    formula_ak: Any
    formula_text: Any
    end: Any
    guide: Any
    guide_head: Any
    warn_fill: Any
    missing_fill: Any
    bad_fill: Any
    good_fill: Any
    input_cf: Any


def make_styles(wb: Workbook) -> Styles:
    def fmt(**props: Any) -> Any:
        base = {"font_name": "Calibri", "font_size": 10, "valign": "top"}
        base.update(props)
        return wb.add_format(base)

    border = {"border": 1, "border_color": "#9AA5B1"}
    return Styles(
        title=fmt(bold=True, font_size=14, font_color=TITLE_BLUE, valign="vcenter"),
        subtitle=fmt(italic=True, font_color="#444444"),
        section=fmt(bold=True, font_size=11, font_color=TITLE_BLUE),
        header=fmt(bold=True, bg_color=HEADER_FILL, text_wrap=True, align="center", **border),
        header_group=fmt(bold=True, bg_color="#B4C6E7", align="center", **border),
        key=fmt(font_size=8, font_color="#888888"),
        label=fmt(bold=True, **border),
        # A period code in the narrow No column: shrunk, never cut ("TAHUNAN").
        code=fmt(bold=True, shrink=True, font_size=8, **border),
        plain=fmt(),
        text=fmt(**border),
        text_wrap=fmt(text_wrap=True, **border),
        ident_value=fmt(**border),
        nip=fmt(num_format="@", **border),
        input=fmt(locked=False, bg_color=INPUT_FILL, **border),
        input_wrap=fmt(locked=False, bg_color=INPUT_FILL, text_wrap=True, **border),
        input_number=fmt(
            locked=False, bg_color=INPUT_FILL, num_format="0", align="center", **border
        ),
        input_nip=fmt(locked=False, bg_color=INPUT_FILL, num_format="@", **border),
        input_default=fmt(locked=False, text_wrap=True),
        formula=fmt(bg_color=FORMULA_FILL, **border),
        formula_pct=fmt(bg_color=FORMULA_FILL, num_format="0.##", align="center", **border),
        formula_num=fmt(bg_color=FORMULA_FILL, num_format="#,##0.##", align="center", **border),
        formula_ak=fmt(bg_color=FORMULA_FILL, num_format="0.00", align="center", **border),
        formula_text=fmt(bg_color=FORMULA_FILL, text_wrap=True, **border),
        end=fmt(italic=True, font_size=8, font_color="#888888", top=1),
        guide=fmt(text_wrap=True, font_size=11),
        guide_head=fmt(bold=True, font_size=12, font_color=TITLE_BLUE),
        warn_fill=wb.add_format({"bg_color": "#FCE4D6", "font_color": "#9C3D00"}),
        missing_fill=wb.add_format({"bg_color": "#FFEB9C"}),
        bad_fill=wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "bold": True}),
        good_fill=wb.add_format({"bg_color": "#C6EFCE", "font_color": "#006100", "bold": True}),
        input_cf=wb.add_format({"bg_color": INPUT_FILL, "border": 1, "border_color": "#9AA5B1"}),
    )

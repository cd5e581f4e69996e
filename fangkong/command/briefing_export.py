"""The daily briefing as a Word document and a spreadsheet, laid out like a government
report: red title, issue number, issuing body and date over a red rule, sections numbered
一、二、三, figures and tables under each."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from fangkong.command.daily_briefing import Briefing
from fangkong.core.charts import chart_png
from fangkong.core.figures import BriefingTable, Figure

RED = (0xC0, 0x00, 0x00)
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
CHART_WIDTH_CM = 15.5  # the text width of an A4 page with the document's default margins


def figure_text(figure: Figure) -> str:
    return f"{figure.value}{figure.unit}"


def _set_font(
    run: Any,
    name: str,
    size: float,
    *,
    bold: bool = False,
    color: tuple[int, int, int] | None = None,
) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = RGBColor(*color)
    # Word picks the East Asian font from its own attribute, not from font.name.
    r_pr = run._element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(r_fonts)
    r_fonts.set(qn("w:eastAsia"), name)


def _red_rule(paragraph: Any) -> None:
    from docx.oxml.ns import qn

    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.makeelement(qn("w:pBdr"), {})
    bottom = borders.makeelement(
        qn("w:bottom"),
        {qn("w:val"): "single", qn("w:sz"): "18", qn("w:space"): "1", qn("w:color"): "C00000"},
    )
    borders.append(bottom)
    p_pr.append(borders)


def _docx_table(document: Any, header: list[str], rows: list[list[object]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=False):
        cell.text = ""
        _set_font(cell.paragraphs[0].add_run(str(text)), HEADING_FONT, 10.5, bold=True)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            cell.text = ""
            _set_font(
                cell.paragraphs[0].add_run("" if value is None else str(value)), BODY_FONT, 10.5
            )


def briefing_docx(briefing: Briefing) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    document = Document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(title.add_run(briefing.title), TITLE_FONT, 26, bold=True, color=RED)
    number = document.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(number.add_run(_("第%(n)s期") % {"n": briefing.number}), BODY_FONT, 16)
    masthead = document.add_paragraph()
    _set_font(masthead.add_run(briefing.issuer), BODY_FONT, 14)
    _set_font(masthead.add_run("\u3000" * 4 + briefing.date_line), BODY_FONT, 14)
    _red_rule(masthead)
    for ordinal, section in briefing.numbered_sections:
        heading = document.add_paragraph()
        _set_font(heading.add_run(f"{ordinal}、{section.title}"), HEADING_FONT, 16)
        for text in section.paragraphs:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = None
            _set_font(paragraph.add_run("\u3000\u3000" + text), BODY_FONT, 14)
        if section.figures:
            _docx_table(
                document,
                [_("指标"), _("数值")],
                [[f.label, figure_text(f)] for f in section.figures],
            )
        for table in section.tables:
            caption = document.add_paragraph()
            _set_font(caption.add_run(table.title), HEADING_FONT, 12)
            _docx_table(document, list(table.header), table.rows)
        for chart in section.charts:
            caption = document.add_paragraph()
            _set_font(caption.add_run(chart.title), HEADING_FONT, 12)
            document.add_picture(io.BytesIO(chart_png(chart)), width=Cm(CHART_WIDTH_CM))
    closing = document.add_paragraph()
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _set_font(closing.add_run(briefing.issuer), BODY_FONT, 14)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def briefing_xlsx(briefing: Briefing) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("日报")
    thin = Side(style="thin")
    boxed = Border(left=thin, right=thin, top=thin, bottom=thin)
    width = 5
    sheet.append([briefing.title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(name=TITLE_FONT, size=20, bold=True, color="C00000")
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([_("第%(n)s期") % {"n": briefing.number}])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet["A2"].alignment = Alignment(horizontal="center")
    sheet.append([briefing.issuer, None, None, briefing.date_line])
    sheet.append([])

    def boxed_rows(header: list[str], rows: list[list[object]]) -> None:
        sheet.append(list(header))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
            cell.border = boxed
        for row in rows:
            sheet.append(["" if v is None else v for v in row])
            for cell in sheet[sheet.max_row]:
                cell.border = boxed

    for ordinal, section in briefing.numbered_sections:
        sheet.append([f"{ordinal}、{section.title}"])
        sheet.cell(row=sheet.max_row, column=1).font = Font(name=HEADING_FONT, size=14, bold=True)
        for text in section.paragraphs:
            sheet.append([text])
        if section.figures:
            boxed_rows(
                [_("指标"), _("数值"), _("单位")],
                [[f.label, f.value, f.unit] for f in section.figures],
            )
        for table in section.tables:
            _table_title(sheet, table)
            boxed_rows(list(table.header), table.rows)
        sheet.append([])
    sheet.column_dimensions["A"].width = 34
    for column in "BCDE":
        sheet.column_dimensions[column].width = 18
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _table_title(sheet: Any, table: BriefingTable) -> None:
    from openpyxl.styles import Font

    sheet.append([table.title])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)

#!/usr/bin/env python3
"""Generates the project's own sample reports (synthetic, not real publications).

Every sample is a made-up agency's report in one of the two national formats, written in one
of the forms agencies publish: an HTML page (GBK-encoded, rowspan/colspan), a DOCX (gridSpan,
vMerge), tab-flattened text, and LibreOffice-style one-cell-a-line text. Next to each sample,
`<name>.truth.json` holds the value of every printed cell (null = printed blank or dash) in the
format of ../shared/tools/score.py, so tests and users can check the extractor on them.

Run from the repository root: python3 samples/generate.py
Only the standard library is used; the output is deterministic.
"""
import json
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))

T3_COLS = ["natural_person", "commercial_enterprise", "research_institution",
           "public_interest_org", "legal_service_org", "other_org", "total"]

# (row key, label cells as printed: list of (text, rowspan, colspan) for the label columns)
T3_ROWS_2021 = [
    ("table3.new_received", "一、本年新收政府信息公开申请数量"),
    ("table3.carried_over", "二、上年结转政府信息公开申请数量"),
    ("table3.result.granted", "（一）予以公开"),
    ("table3.result.partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("table3.result.denied.state_secret", "1.属于国家秘密"),
    ("table3.result.denied.prohibited_by_law", "2.其他法律行政法规禁止公开"),
    ("table3.result.denied.three_securities_one_stability", "3.危及“三安全一稳定”"),
    ("table3.result.denied.third_party_rights", "4.保护第三方合法权益"),
    ("table3.result.denied.internal_affairs", "5.属于三类内部事务信息"),
    ("table3.result.denied.process_info", "6.属于四类过程性信息"),
    ("table3.result.denied.enforcement_case_file", "7.属于行政执法案卷"),
    ("table3.result.denied.administrative_query", "8.属于行政查询事项"),
    ("table3.result.unable.not_held", "1.本机关不掌握相关政府信息"),
    ("table3.result.unable.needs_creation", "2.没有现成信息需要另行制作"),
    ("table3.result.unable.unclear_after_correction", "3.补正后申请内容仍不明确"),
    ("table3.result.not_processed.petition_complaint", "1.信访举报投诉类申请"),
    ("table3.result.not_processed.repeated", "2.重复申请"),
    ("table3.result.not_processed.publication", "3.要求提供公开出版物"),
    ("table3.result.not_processed.excessive_requests", "4.无正当理由大量反复申请"),
    ("table3.result.not_processed.confirm_or_reissue", "5.要求行政机关确认或重新出具已获取信息"),
    ("table3.result.other.no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("table3.result.other.fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("table3.result.other.other", "3.其他"),
    ("table3.result_total", "（七）总计"),
    ("table3.carried_forward", "四、结转下年度继续办理"),
]
T3_ROWS_2019 = [r for r in T3_ROWS_2021 if not r[0].startswith("table3.result.other.")]
T3_ROWS_2019.insert(T3_ROWS_2019.index(("table3.result_total", "（七）总计")),
                    ("table3.result.other.total", "（六）其他处理"))
GROUPS = {"table3.result.denied": "（三）不予公开", "table3.result.unable": "（四）无法提供",
          "table3.result.not_processed": "（五）不予处理", "table3.result.other": "（六）其他处理"}


def group_of(key):
    """The group row a table-三 row sits under (the single 2019 （六） row has none)."""
    if key == "table3.result.other.total":
        return None
    return next((g for g in GROUPS if key.startswith(g + ".")), None)


def spans(n):
    """Column spans of n value cells in the 3 value columns of table 二."""
    return {1: [3], 2: [1, 2], 3: [1, 1, 1]}[n]
T4_GROUPS = ["admin_review", "litigation_direct", "litigation_after_review"]
T4_COLS = ["upheld", "corrected", "other_result", "pending", "total"]


def t3_values(outcomes, carried_over, carried_forward, rows):
    """Builds a consistent table 三 from per-row natural-person / enterprise counts."""
    vals = {}
    for key, _ in rows:
        vals[key] = [0] * 7
    for key, (np, ent) in outcomes.items():
        vals[key][0], vals[key][1] = np, ent
    total = [0] * 7
    for key, _ in rows:
        if key.startswith("table3.result.") and key != "table3.result_total":
            for c in range(6):
                total[c] += vals[key][c]
    vals["table3.result_total"] = total
    vals["table3.carried_over"][:2] = carried_over
    vals["table3.carried_forward"][:2] = carried_forward
    vals["table3.new_received"] = [total[c] + vals["table3.carried_forward"][c] - vals["table3.carried_over"][c]
                                   for c in range(7)]
    for key in vals:
        vals[key][6] = sum(vals[key][:6])
    return vals


def spec_2021():
    t2 = [("第二十条第（一）项", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
           [("规章", "table2.art20_1.regulations", ["issued", "repealed", "in_force"], [0, 0, 3]),
            ("行政规范性文件", "table2.art20_1.normative_docs", ["issued", "repealed", "in_force"], [12, 4, 158])]),
          ("第二十条第（五）项", ["信息内容", "本年处理决定数量"],
           [("行政许可", "table2.art20_5.licensing", ["decisions"], [4527])]),
          ("第二十条第（六）项", ["信息内容", "本年处理决定数量"],
           [("行政处罚", "table2.art20_6.penalty", ["decisions"], [1318]),
            ("行政强制", "table2.art20_6.coercion", ["decisions"], [0])]),
          ("第二十条第（八）项", ["信息内容", "本年收费金额（单位：万元）"],
           [("行政事业性收费", "table2.art20_8.admin_fees", ["amount_wan_yuan"], [326.78])])]
    outcomes = {"table3.result.granted": (61, 3), "table3.result.partially_granted": (12, 0),
                "table3.result.denied.third_party_rights": (2, 0), "table3.result.denied.process_info": (4, 1),
                "table3.result.unable.not_held": (37, 2), "table3.result.unable.needs_creation": (5, 0),
                "table3.result.not_processed.repeated": (3, 0), "table3.result.other.no_correction": (6, 0),
                "table3.result.other.other": (1, 0)}
    t3 = t3_values(outcomes, [4, 0], [9, 1], T3_ROWS_2021)
    t4 = {"admin_review": [3, 1, 0, 1, 5], "litigation_direct": [2, 0, 0, 1, 3], "litigation_after_review": [0, 0, 0, 0, 0]}
    return {"template": "2021", "year": 2023, "agency": "示例县人民政府", "t2": t2, "t3_rows": T3_ROWS_2021,
            "t3": t3, "t4": t4, "blank_zero_t3": False, "published": "2024-01-26"}


def spec_2019():
    t2 = [("第二十条第（一）项", ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
           [("规章", "table2.art20_1.regulations", ["new_made", "new_published", "total_published"], [0, 0, 0]),
            ("规范性文件", "table2.art20_1.normative_docs", ["new_made", "new_published", "total_published"], [7, 7, 96])]),
          ("第二十条第（五）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
           [("行政许可", "table2.art20_5.licensing", ["prev_year_items", "yearly_change", "decisions"], [87, -3, 2210]),
            ("其他对外管理服务事项", "table2.art20_5.other_mgmt_services", ["prev_year_items", "yearly_change", "decisions"], [12, 0, 45])]),
          ("第二十条第（六）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
           [("行政处罚", "table2.art20_6.penalty", ["prev_year_items", "yearly_change", "decisions"], [301, 12, 96]),
            ("行政强制", "table2.art20_6.coercion", ["prev_year_items", "yearly_change", "decisions"], [18, 0, 4])]),
          ("第二十条第（八）项", ["信息内容", "上一年项目数量", "本年增/减"],
           [("行政事业性收费", "table2.art20_8.admin_fees", ["prev_year_items", "yearly_change"], [5, -1])]),
          ("第二十条第（九）项", ["信息内容", "采购项目数量", "采购总金额"],
           [("政府集中采购", "table2.art20_9.central_procurement", ["projects", "amount"], [14, 1386000])])]
    outcomes = {"table3.result.granted": (23, 2), "table3.result.partially_granted": (4, 0),
                "table3.result.denied.state_secret": (1, 0), "table3.result.unable.not_held": (9, 1),
                "table3.result.not_processed.petition_complaint": (2, 0), "table3.result.other.total": (1, 0)}
    t3 = t3_values(outcomes, [2, 0], [3, 0], T3_ROWS_2019)
    t4 = {"admin_review": [1, 0, 0, 0, 1], "litigation_direct": [0, 0, 0, 0, 0], "litigation_after_review": [0, 0, 0, 0, 0]}
    return {"template": "2019", "year": 2020, "agency": "示例市生态环境局", "t2": t2, "t3_rows": T3_ROWS_2019,
            "t3": t3, "t4": t4, "blank_zero_t3": True, "published": "2021-01-29"}


def printed(spec, key, col, v):
    """What a cell prints: 2019 samples leave zero cells blank except the totals of key rows."""
    if spec["blank_zero_t3"] and v == 0 and not (col == "total" and key in (
            "table3.new_received", "table3.result_total", "table3.carried_forward")):
        return ""
    return str(v)


def truth(spec, name):
    cells = {}
    for _, _, rows in spec["t2"]:
        for _, key, cols, vals in rows:
            for c, v in zip(cols, vals):
                cells[f"{key}.{c}"] = v
    for key, _ in spec["t3_rows"]:
        for c, v in zip(T3_COLS, spec["t3"][key]):
            cells[f"{key}.{c}"] = v if printed(spec, key, c, v) != "" else None
    for g in T4_GROUPS:
        for c, v in zip(T4_COLS, spec["t4"][g]):
            cells[f"table4.{g}.{c}"] = v
    return {"id": name, "template": spec["template"], "year": spec["year"], "agency": spec["agency"],
            "note": "synthetic sample generated by samples/generate.py", "cells": cells}


def title(spec):
    return f"{spec['agency']}{spec['year']}年政府信息公开工作年度报告"


def prose(spec):
    t3 = spec["t3"]
    return [
        "一、总体情况",
        f"（示例数据，非真实报告）{spec['year']}年，本机关认真贯彻《中华人民共和国政府信息公开条例》，"
        f"全年共收到政府信息公开申请{t3['table3.new_received'][6]}件。",
        "二、主动公开政府信息情况",
    ]


def grid_rows(spec):
    """The three tables as rows of (text, rowspan, colspan) cells."""
    tables = []
    t2 = []
    for caption, header, rows in spec["t2"]:
        t2.append([(caption, 1, 4)])
        t2.append([(header[0], 1, 1)] + [(h, 1, c) for h, c in zip(header[1:], spans(len(header) - 1))])
        for label, _, _, vals in rows:
            t2.append([(label, 1, 1)] + [(str(v), 1, c) for v, c in zip(vals, spans(len(vals)))])
    tables.append(t2)
    t3 = [[("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), ("申请人情况", 1, 7)],
          [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
          [("商业企业", 1, 1), ("科研机构", 1, 1), ("社会公益组织", 1, 1), ("法律服务机构", 1, 1), ("其他", 1, 1)]]
    rows = spec["t3_rows"]
    n_result = sum(1 for k, _ in rows if k.startswith("table3.result"))
    seen_groups = set()
    for key, label in rows:
        vals = [(printed(spec, key, c, v), 1, 1) for c, v in zip(T3_COLS, spec["t3"][key])]
        if not key.startswith("table3.result"):
            t3.append([(label, 1, 3)] + vals)
            continue
        cells = []
        if key == "table3.result.granted":
            cells.append(("三、本年度办理结果", n_result, 1))
        group = group_of(key)
        if group:
            if group not in seen_groups:
                seen_groups.add(group)
                size = sum(1 for k, _ in rows if group_of(k) == group)
                cells.append((GROUPS[group], size, 1))
            cells.append((label, 1, 1))
        else:
            cells.append((label, 1, 2))
        t3.append(cells + vals)
    tables.append(t3)
    t4 = [[("行政复议", 1, 5), ("行政诉讼", 1, 10)],
          [(h, 2, 1) for h in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]]
          + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
          [(h, 1, 1) for h in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2],
          [(str(v), 1, 1) for g in T4_GROUPS for v in spec["t4"][g]]]
    tables.append(t4)
    return tables


HEADINGS = ["三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]
TAIL = ["五、存在的主要问题及改进情况", "（示例文字）信息公开工作仍有改进空间。", "六、其他需要报告的事项", "无。"]


def html_cell(text, rowspan, colspan):
    """A <td>: blank cells print &nbsp;, header words broken over lines become paragraphs."""
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    if text == "":
        body = "&nbsp;"
    elif text in ("商业企业", "科研机构"):
        body = f"<p>{text[:2]}</p><p>{text[2:]}</p>"
    else:
        body = text
    return f"<td{attrs}>{body}</td>"


def html(spec):
    out = ['<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
           f"<title>{title(spec)}_政府信息公开年报_示例网站</title>",
           f'<meta name="PubDate" content="{spec["published"]} 09:30"></head><body>',
           '<div class="nav">首页 &gt; 政务公开 &gt; 政府信息公开年报</div>',
           f"<h1>{title(spec)}</h1>"]
    out += [f"<p>{p}</p>" for p in prose(spec)]
    for i, table in enumerate(grid_rows(spec)):
        if i > 0:
            out.append(f"<p>{HEADINGS[i - 1]}</p>")
        out.append('<table border="1" cellspacing="0">')
        for row in table:
            out.append("<tr>" + "".join(html_cell(t, r, c) for t, r, c in row) + "</tr>")
        out.append("</table>")
    out += [f"<p>{p}</p>" for p in TAIL]
    out.append("</body></html>")
    return "\n".join(out).encode("gb18030")


def expand(table):
    """Grid positions → (text, is_origin, vmerge) with spans expanded."""
    grid, pending = [], {}
    for row in table:
        line, c = [], 0
        cells = list(row)
        while cells or any(k >= c for k in pending):
            if c in pending:
                text, left, width = pending[c]
                for _ in range(width):
                    line.append((text, False, "continue", 1))
                if left > 1:
                    pending[c] = (text, left - 1, width)
                else:
                    del pending[c]
                c += width
                continue
            if not cells:
                break
            text, r, cs = cells.pop(0)
            line.append((text, True, "restart" if r > 1 else None, cs))
            for _ in range(cs - 1):
                line.append(None)
            if r > 1:
                pending[c] = (text, r - 1, cs)
            c += cs
        grid.append(line)
    return grid


def docx(spec):
    def para(t):
        return "<w:p><w:r><w:t xml:space=\"preserve\">" + t.replace("&", "&amp;").replace("<", "&lt;") + "</w:t></w:r></w:p>"
    body = [para(title(spec))] + [para(p) for p in prose(spec)]
    for i, table in enumerate(grid_rows(spec)):
        if i > 0:
            body.append(para(HEADINGS[i - 1]))
        body.append("<w:tbl>")
        for line in expand(table):
            body.append("<w:tr>")
            for cell in line:
                if cell is None:
                    continue
                text, origin, vmerge, span = cell
                props = ""
                if span > 1:
                    props += f'<w:gridSpan w:val="{span}"/>'
                if vmerge == "restart":
                    props += '<w:vMerge w:val="restart"/>'
                elif vmerge == "continue":
                    props += "<w:vMerge/>"
                content = para(text) if origin else "<w:p/>"
                body.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>")
            body.append("</w:tr>")
        body.append("</w:tbl>")
    body += [para(p) for p in TAIL]
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
           + "".join(body) + "</w:body></w:document>")
    from io import BytesIO
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [
            ("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
            ("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'),
            ("word/document.xml", doc),
        ]:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def flattened(spec, tabbed):
    """Tab-flattened (a TAB before each cell, a blank line between rows) or one cell a line."""
    lines = [title(spec), ""] + [p for p in prose(spec)]
    for i, table in enumerate(grid_rows(spec)):
        if i > 0:
            lines += ["", HEADINGS[i - 1]]
        for line in expand(table):
            cells = [c for c in line if c is not None]
            if tabbed:
                lines.append("")
                lines += ["\t" + (text if origin else "") for text, origin, _, _ in cells]
            else:
                lines += [(text if origin else "") for text, origin, _, _ in cells]
    lines += [""] + TAIL
    return ("\n".join(lines) + "\n").encode("utf-8")


def main():
    samples = {
        "county-2023-v2021.html": (spec_2021(), html),
        "county-2023-v2021.docx": (spec_2021(), docx),
        "county-2023-v2021.tab.txt": (spec_2021(), lambda s: flattened(s, True)),
        "bureau-2020-v2019.html": (spec_2019(), html),
        "bureau-2020-v2019.docx": (spec_2019(), docx),
        "bureau-2020-v2019.lo.txt": (spec_2019(), lambda s: flattened(s, False)),
    }
    for name, (spec, render) in samples.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(render(spec))
        with open(os.path.join(HERE, name + ".truth.json"), "w", encoding="utf-8") as f:
            json.dump(truth(spec, name), f, ensure_ascii=False, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()

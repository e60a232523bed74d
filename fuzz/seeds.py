#!/usr/bin/env python3
"""Generates the seed corpora of the fuzz targets into fuzz/corpus/<target>/.

Seeds come from the project's own samples/ (synthetic reports) and from small synthetic inputs
written here: hostile shapes (deep nesting, huge spans, entity declarations, broken zips) and
run-together digit rows. Nothing is copied from outside the project.

Run from anywhere: python3 fuzz/seeds.py
Only the standard library is used; the output is deterministic.
"""
import io
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "samples")
CORPUS = os.path.join(HERE, "corpus")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def docx(document_xml, extra=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        if document_xml is not None:
            z.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def body(inner):
    return ('<?xml version="1.0"?><w:document xmlns:w="x"><w:body>%s</w:body></w:document>'
            % inner)


STSONG = (b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
          b" /DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
          b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >>"
          b" /DW 1000 /W [1 95 500] >>] >>")


def minimal_pdf(line, content=None, font=b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"):
    """A valid one-page PDF (xref offsets computed) that shows the ASCII `line` in a standard
    font, or draws `content` with `font` as /F1."""
    if content is None:
        content = b"BT /F1 12 Tf 72 712 Td (" + line.encode("ascii") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        font,
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def ruled_table():
    """A content stream: a 3 × 4 ruled table (the first row one spanned cell) of CJK and
    digits in UCS-2 codes."""
    def show(x, y, text):
        return b"BT /F1 10 Tf %d %d Td <%s> Tj ET\n" % (x, y, text.encode("utf-16-be").hex().encode())
    out = b"0.5 w\n"
    for y in (780, 760, 740, 720):
        out += b"50 %d m 500 %d l S\n" % (y, y)
    for x in (50, 500):
        out += b"%d 720 m %d 780 l S\n" % (x, x)
    for x in (200, 300, 400):
        out += b"%d 720 m %d 760 l S\n" % (x, x)
    out += show(200, 766, "第二十条第（一）项")
    for y, cells in ((746, ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]),
                     (726, ["规章", "5", "0", "12"])):
        for x, text in zip((55, 205, 305, 405), cells):
            out += show(x, y, text)
    out += show(50, 700, "（二）部分公开 3 0 0 0 0 0 3")
    return out


def main():
    samples = sorted(os.listdir(SAMPLES))
    for name in samples:
        if name.endswith(".json") or name.endswith(".py"):
            continue
        with open(os.path.join(SAMPLES, name), "rb") as f:
            data = f.read()
        put("extract", name, data)
        if name.endswith(".html"):
            put("html", name, data)
        elif name.endswith(".docx"):
            put("docx", name, data)
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                put("docx", name + ".document.xml", z.read("word/document.xml"))
        else:
            put("text", name, data)

    # Word 97-2003: nianbao-doc's fixtures (LibreOffice's .doc of the samples); the extract
    # target reads them through the OLE2 sniff and the doc reader.
    fixtures = os.path.join(HERE, "..", "crates", "doc", "tests", "fixtures")
    for name in sorted(os.listdir(fixtures)):
        with open(os.path.join(fixtures, name), "rb") as f:
            put("extract", name, f.read())

    html = {
        "nested.html": "<table><tr><td>" * 40 + "x" + "</td></tr></table>" * 40,
        "spans.html": "<table><tr><td colspan=1000000 rowspan=100000>a<td rowspan=3>b"
                      "<tr><td>c<tr><td>d</table>",
        "unclosed.html": "<table><tr><td>一、本年新收<td>7<tr><td>二、上年结转<td>0",
        "script.html": "<script>var a='<td>'</script><!-- <table> --><p>一、总体情况</p>",
        "meta.html": '<meta charset="gbk"><meta name="PubDate" content="2024-01-31">'
                     "<title>某局2023年政府信息公开工作年度报告</title>",
        "entities.html": "<p>&amp;&lt;&#x4e00;&#19968;&bogus;&#99999999;</p>",
        "attrs.html": "<td colspan='2\" rowspan=\"x'>a</td><td colspan=>b<td =c>",
    }
    for name, text in html.items():
        put("html", name, text)
        put("extract", name, text)
    put("html", "utf16.html", "\ufeff<p>年度报告</p>".encode("utf-16-le"))

    xml = {
        "bomb.xml": '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;">]>' + body("<w:p><w:r><w:t>&b;</w:t></w:r></w:p>"),
        "merge.xml": body("<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/>"
                          "<w:gridSpan w:val=\"3\"/></w:tcPr><w:p><w:r><w:t>三、</w:t></w:r></w:p></w:tc>"
                          "</w:tr><w:tr><w:trPr><w:gridBefore w:val=\"2\"/></w:trPr><w:tc><w:tcPr>"
                          "<w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>"),
        "deep.xml": body("<w:tbl><w:tr><w:tc>" * 30 + "x" + "</w:tc></w:tr></w:tbl>" * 30),
        "skip.xml": body("<w:p><w:del><w:r><w:delText>x</w:delText></w:r></w:del>"
                         "<w:r><w:instrText>PAGE</w:instrText><w:tab/><w:br/><w:t>&#x4e00;</w:t></w:r></w:p>"),
    }
    for name, text in xml.items():
        put("docx", name, text)
        put("docx", name + ".docx", docx(text))
    put("docx", "no-document.docx", docx(None, {"word/other.xml": "<x/>"}))
    put("extract", "no-document.docx", docx(None, {"word/other.xml": "<x/>"}))

    text = {
        "tabs.txt": "标题\n\n" + "\t一、本年新收\n\t7\n\t\n\n" * 6 + "四、结论\n",
        "lines.txt": "一、本年新收政府信息公开申请数量\n7\n0\n\n-\n",
        "md.md": "# 标题\n| 类别 | 数据1 |\n|---|---|\n| 予以公开 | 290 |\n\n正文\n",
        "runs.txt": "一、本年新收政府信息公开申请数量640020470二、上年结转政府信息公开申请数量0000000"
                    "三、本年度办理结果（一）予以公开270020130（三）不予公开1.属于国家秘密0000000"
                    "2.其他法律行政法规禁止公开0000000四、结转下年度继续办理 0 0 00 00 0\n",
    }
    for name, t in text.items():
        put("text", name, t)
        put("extract", name, t)

    # PDF: small hand-made files, and the corpus's text-layer PDFs when ../../shared is there
    # (read in place into the local, untracked fuzz corpus).
    pdfs = {
        "empty.pdf": b"%PDF-1.4\n%%EOF\n",
        "deep.pdf": b"%PDF-1.4\n1 0 obj\n" + b"[" * 900 + b"]" * 900 + b"\nendobj\n%%EOF\n",
        "stream.pdf": b"%PDF-1.4\n1 0 obj\n<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 712 Td (abc) Tj ET\n"
                      b"endstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
    }
    pdfs["text.pdf"] = minimal_pdf("(1) granted 5 0 0 0 0 0 5")
    pdfs["table.pdf"] = minimal_pdf("", ruled_table(), STSONG)
    for name, data in pdfs.items():
        put("pdf", name, data)
        put("extract", name, data)
    corpus = os.path.join(HERE, "..", "..", "shared", "corpus", "reports")
    for report in ["hongze-2023", "huaian-2024"]:
        path = os.path.join(corpus, report, "report.pdf")
        if os.path.isfile(path):
            with open(path, "rb") as f:
                put("pdf", report + ".pdf", f.read())

    # Solver: first byte = template/layout bits; each line = row selector byte + run.
    runs = [
        b"\x00\x00640020470\n\x01000000\n\x02270020130\n\x033 1 0 0 0 0 4\n",
        b"\x01\x0512345678901234567890\n\x06-1-2-3\n\x0712.5\xe4\xb8\x87\xe5\x85\x83\n",
        b"\x02" + b"\x04" + b"1" * 60 + b"\n",
        b"\x00" + b"".join(bytes([i]) + b"0000000\n" for i in range(40)),
    ]
    for i, r in enumerate(runs):
        put("solver", "seed%d" % i, r)


if __name__ == "__main__":
    main()

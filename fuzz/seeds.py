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


OFD_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def ofd_text(x, y, text, ctm=None):
    """A TextObject: `text` on the baseline y (mm) from x, one character every 4 mm."""
    return ('<ofd:TextObject ID="2" Boundary="%g %g 150 5" Font="3" Size="4"%s>'
            '<ofd:TextCode X="0" Y="4" DeltaX="g %d 4">%s</ofd:TextCode></ofd:TextObject>'
            % (x, y - 4, ' CTM="%s"' % ctm if ctm else "", max(len(text) - 1, 0), text))


def ofd_line(x0, y0, x1, y1):
    return ('<ofd:PathObject ID="3" Boundary="%g %g 1 1" LineWidth="0.3">'
            '<ofd:AbbreviatedData>M 0 0 L %g %g</ofd:AbbreviatedData></ofd:PathObject>'
            % (x0, y0, x1 - x0, y1 - y0))


def ofd_page(objects):
    return ('<ofd:Page %s><ofd:Template TemplateID="1"/><ofd:Content><ofd:Layer ID="4">%s'
            '</ofd:Layer></ofd:Content></ofd:Page>' % (OFD_NS, objects))


def ofd_table_page():
    """Table 二's first block, ruled: rows at 30-40-50-60 mm, columns 20-80-120-160-200; the
    caption row is one cell."""
    objects = ofd_text(20, 20, "二、主动公开政府信息情况")
    for y in (30, 40, 50, 60):
        objects += ofd_line(20, y, 200, y)
    for x in (20, 200):
        objects += ofd_line(x, 30, x, 60)
    for x in (80, 120, 160):
        objects += ofd_line(x, 40, x, 60)
    objects += ofd_text(60, 37, "第二十条第（一）项")
    for y, cells in ((47, ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]),
                     (57, ["规章", "5", "0", "12"])):
        for x, text in zip((22, 82, 122, 162), cells):
            objects += ofd_text(x, y, text)
    objects += ('<ofd:PathObject ID="5" Boundary="20 70 180 0.3" Stroke="false" Fill="true">'
                '<ofd:AbbreviatedData>M 0 0 L 180 0 L 180 0.3 L 0 0.3 C</ofd:AbbreviatedData>'
                '</ofd:PathObject>')
    objects += ofd_text(20, 80, "（二）部分公开 3 0 0 0 0 0 3", ctm="1 0 0 1 0 0")
    return ofd_page(objects)


def ofd_package(page, template=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", '<ofd:OFD %s><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml'
                   '</ofd:DocRoot></ofd:DocBody></ofd:OFD>' % OFD_NS)
        z.writestr("Doc_0/Document.xml",
                   '<ofd:Document %s><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297'
                   '</ofd:PhysicalBox></ofd:PageArea><ofd:TemplatePage ID="1" '
                   'BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData><ofd:Pages>'
                   '<ofd:Page ID="2" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages>'
                   '</ofd:Document>' % OFD_NS)
        z.writestr("Doc_0/Pages/Page_0/Content.xml", page)
        z.writestr("Doc_0/Tpls/Tpl_0/Content.xml",
                   template or ofd_page(ofd_text(20, 290, "第一页")))
    return buf.getvalue()


def ole2_patched(data, change):
    """A copy of the OLE2 file `data` with `change(bytes, sector_size, fat)` applied; `fat`
    maps a sector to the offset of its FAT entry (the first 109 FAT sectors)."""
    b = bytearray(data)
    shift = int.from_bytes(b[0x1E:0x20], "little")
    size = 1 << shift
    fat_sectors = [int.from_bytes(b[0x4C + 4 * i:0x50 + 4 * i], "little") for i in range(109)]
    fat_sectors = [s for s in fat_sectors if s < 0xFFFFFFFA]

    def fat(sector):
        per = size // 4
        return (fat_sectors[sector // per] + 1) * size + 4 * (sector % per)
    change(b, size, fat)
    return bytes(b)


def ole2_directory_entry(b, size, fat, name):
    """The offset of the directory entry called `name` (walking the directory chain)."""
    sector = int.from_bytes(b[0x30:0x34], "little")
    want = name.encode("utf-16-le")
    seen = 0
    while sector < 0xFFFFFFFA and seen < 1000:
        start = (sector + 1) * size
        for at in range(start, start + size, 128):
            if b[at:at + len(want)] == want:
                return at
        sector = int.from_bytes(b[fat(sector):fat(sector) + 4], "little")
        seen += 1
    return None


def doc_seeds(fixture):
    """Hostile compound files made from a real .doc: a directory chain that loops, a FAT
    chain that loops, a WordDocument stream declared 2 GiB long, and one that starts past the
    end of the file."""
    out = {}

    def loop_directory(b, size, fat):
        sector = int.from_bytes(b[0x30:0x34], "little")
        b[fat(sector):fat(sector) + 4] = sector.to_bytes(4, "little")
    out["directory-loop.doc"] = ole2_patched(fixture, loop_directory)

    def loop_stream(b, size, fat):
        at = ole2_directory_entry(b, size, fat, "WordDocument")
        if at is not None:
            start = int.from_bytes(b[at + 0x74:at + 0x78], "little")
            nxt = int.from_bytes(b[fat(start):fat(start) + 4], "little")
            if nxt < 0xFFFFFFFA:
                b[fat(nxt):fat(nxt) + 4] = start.to_bytes(4, "little")
    out["chain-loop.doc"] = ole2_patched(fixture, loop_stream)

    def oversized(b, size, fat):
        at = ole2_directory_entry(b, size, fat, "WordDocument")
        if at is not None:
            b[at + 0x78:at + 0x80] = (0x7FFFFFFF).to_bytes(8, "little")
    out["oversized-stream.doc"] = ole2_patched(fixture, oversized)

    def past_end(b, size, fat):
        at = ole2_directory_entry(b, size, fat, "WordDocument")
        if at is not None:
            b[at + 0x74:at + 0x78] = (0x00FFFFF0).to_bytes(4, "little")
    out["stream-past-end.doc"] = ole2_patched(fixture, past_end)
    out["truncated.doc"] = fixture[:len(fixture) // 3]
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
            data = f.read()
        put("extract", name, data)
        put("doc", name, data)
        for seed, mutated in doc_seeds(data).items():
            put("doc", name + "." + seed, mutated)

    # OFD: a ruled table page (with a template, a CTM and a filled rule) as a whole package
    # and as the page XML the target wraps; hostile shapes of text codes and paths.
    table = ofd_table_page()
    put("ofd", "table.ofd", ofd_package(table))
    put("ofd", "table.xml", table)
    put("extract", "table.ofd", ofd_package(table))
    ofd_hostile = {
        "huge-repeat.xml": ofd_page('<ofd:TextObject ID="2" Boundary="0 0 1 1" Size="4">'
                                    '<ofd:TextCode X="0" Y="4" DeltaX="g 18446744073709551615 4 '
                                    'g 99999999999 1">一二三</ofd:TextCode></ofd:TextObject>'),
        "long-deltas.xml": ofd_page('<ofd:TextObject ID="2" Boundary="0 0 1 1" Size="4">'
                                    '<ofd:TextCode X="0" Y="4" DeltaX="%s">一二</ofd:TextCode>'
                                    '</ofd:TextObject>' % " ".join(["1.5"] * 3000)),
        "deep.xml": ofd_page("<ofd:PageBlock>" * 200 + ofd_text(10, 10, "深") + "</ofd:PageBlock>" * 200),
        "curves.xml": ofd_page('<ofd:PathObject ID="3" Boundary="10 10 50 50" CTM="0 1 -1 0 5 5">'
                               '<ofd:AbbreviatedData>S 0 0 L 10 0 Q 1 1 2 2 B 1 2 3 4 5 6 A 1 1 0 1 1 '
                               '9 9 C Z L 0 10 M1 1 L</ofd:AbbreviatedData></ofd:PathObject>'),
        "cdata.xml": ofd_page('<ofd:TextObject ID="2" Boundary="0 0 1 1" Size="4"><ofd:TextCode '
                              'X="0" Y="4" DeltaY="g 2 5"><![CDATA[一<二>]]>&amp;&#x4e00;'
                              '</ofd:TextCode></ofd:TextObject>'),
    }
    for name, xml in ofd_hostile.items():
        put("ofd", name, xml)

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

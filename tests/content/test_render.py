"""render_markdown: an XSS corpus that must come out harmless, and the Markdown that must survive."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from lms.content.render import ALLOWED_TAGS, URL_SCHEMES, render_markdown

FORBIDDEN_TAGS = {
    "script", "iframe", "svg", "style", "object", "embed", "form", "base", "meta", "link", "math",
    "input", "button", "textarea", "frame", "frameset", "applet", "video", "audio", "source",
    "template", "noscript", "details", "div", "select", "option", "marquee",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcset", "background", "poster", "xlink:href"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.tags.append(("!--", []))


def parse(output: str) -> _Collector:
    collector = _Collector()
    collector.feed(output)
    collector.close()
    return collector


def browser_scheme(url: str) -> str | None:
    """The scheme a browser would see: C0 controls and spaces trimmed, tabs and newlines removed."""
    cleaned = re.sub(r"[\t\n\r]", "", re.sub(r"^[\x00-\x20]+|[\x00-\x20]+$", "", url))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else None


def assert_harmless(output: str) -> None:
    parsed = parse(output)
    for tag, attrs in parsed.tags:
        assert tag != "!--", f"comment kept: {output!r}"
        assert tag not in FORBIDDEN_TAGS, f"<{tag}> kept: {output!r}"
        assert tag in ALLOWED_TAGS, f"<{tag}> is not in the allowlist: {output!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} kept: {output!r}"
            assert name not in {"style", "srcdoc", "formaction", "action", "xmlns", "background"}, output
            if name in URL_ATTRIBUTES and value is not None:
                scheme = browser_scheme(value)
                assert scheme is None or scheme in URL_SCHEMES, f"{name}={value!r} in {output!r}"
            if name == "class":
                assert tag == "code" and all(word.startswith("language-") for word in (value or "").split())
    # No markup may hide in the text: every "<" the author typed is escaped again on output.
    assert "<script" not in "".join(parsed.text).lower() or "&lt;script" in output.lower()


XSS_PAYLOADS = [
    # javascript: in every Markdown link and image form
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik]( javascript:alert(1) )",
    "[klik](<javascript:alert(1)>)",
    '[klik](javascript:alert(1) "judul")',
    "![gambar](javascript:alert(1))",
    "![gambar](JAVASCRIPT:alert(1))",
    "[klik][ref]\n\n[ref]: javascript:alert(1)",
    "![gambar][ref]\n\n[ref]: javascript:alert(1)",
    "[ref]\n\n[ref]: javascript:alert(1)",
    '[klik][ref]\n\n[ref]: <javascript:alert(1)> "judul"',
    "<javascript:alert(1)>",
    "<JaVaScRiPt:alert(document.cookie)>",
    # entity-encoded, percent-encoded, split schemes
    "[klik](&#106;avascript:alert(1))",
    "[klik](&#x6A;avascript:alert(1))",
    "[klik](&#X6a;&#x61;vascript:alert(1))",
    "[klik](&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58alert(1))",
    "[klik](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116:alert(1))",
    "[klik](javascript&#58;alert(1))",
    "[klik](javascript&colon;alert(1))",
    "![g](&#106;avascript:alert(1))",
    "[klik][r]\n\n[r]: &#x6A;avascript:alert(1)",
    "[klik](%6Aavascript:alert(1))",
    "[klik](javascript%3Aalert(1))",
    "[klik](<java\nscript:alert(1)>)",
    "[klik](<java\tscript:alert(1)>)",
    "[klik](java&#x09;script:alert(1))",
    "[klik](java&#10;script:alert(1))",
    "[klik](&#x20;javascript:alert(1))",
    "[klik](&#14;javascript:alert(1))",
    "[klik](\x00javascript:alert(1))",
    # data: and vbscript:
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![g](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[klik][d]\n\n[d]: data:text/html,<script>alert(1)</script>",
    "<data:text/html,alert(1)>",
    "[klik](DaTa:text/html,alert(1))",
    "[klik](vbscript:msgbox(1))",
    "[klik](VBScript:MsgBox(1))",
    # raw HTML
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    '<img src="x" width="100" style="position:fixed" onload=alert(1)>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<a style="position:fixed;top:0;left:0" href="https://x.example">menutupi halaman</a>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#14;javascript:alert(1)">x</a>',
    '<form action="javascript:alert(1)"><input type=submit><button formaction=javascript:alert(1)>x</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<div onclick="alert(1)">x</div>',
    '<h1 id="x" onclick="alert(1)">x</h1>',
    '<code class="language-x&quot; onclick=alert(1)">x</code>',
    '<code class="evil" onmouseover="alert(1)">x</code>',
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '<table><tr><td background="javascript:alert(1)" style="x">x</td></tr></table>',
    '<a href="mailto:x@example.org" onclick="alert(1)">surel</a>',
    "<textarea><script>alert(1)</script></textarea>",
    # HTML comment tricks and mutation XSS
    "<!-- --><script>alert(1)</script><!-- -->",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<!-- [klik](javascript:alert(1)) -->",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    # Markdown inside attributes, and attribute breakouts
    '<a href="[x](javascript:alert(1))">y</a>',
    '<img src="![x](javascript:alert(1))">',
    "[<img src=x onerror=alert(1)>](https://x.example)",
    '![" onerror="alert(1)](https://x.example/a.png)',
    '[x](https://x.example/" onmouseover="alert(1))',
    '[x](https://x.example "judul\\" onmouseover=\\"alert(1)")',
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "[a](https://ok.example) [b](javascript:alert(1)) ![c](vbscript:x)",
]


def test_the_corpus_is_large_enough() -> None:
    assert len(XSS_PAYLOADS) >= 50
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_is_neutralised(payload: str) -> None:
    assert_harmless(render_markdown(payload))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_is_neutralised_with_a_url_rewriter(payload: str) -> None:
    assert_harmless(render_markdown(payload, url_rewriter=lambda url: "/media/abc?name=" + url))


def test_the_checker_itself_catches_unsafe_html() -> None:
    for unsafe in (
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" java\tscript:alert(1)">x</a>',
        '<img src="x" onerror="alert(1)">',
        "<script>alert(1)</script>",
        '<p style="color:red">x</p>',
        "<div>x</div>",
    ):
        with pytest.raises(AssertionError):
            assert_harmless(unsafe)


@pytest.mark.parametrize("template", ["{{7*7}}", "{{ config }}", "{% if true %}ya{% endif %}", "{# komentar #}"])
def test_template_syntax_stays_literal(template: str) -> None:
    output = render_markdown(f"Hasilnya {template} saja.")
    assert template in "".join(parse(output).text)
    assert "49" not in output


def test_code_spans_and_blocks_escape_html() -> None:
    output = render_markdown("`<b>tebal</b>`\n\n```\n<i>miring</i>\n```")
    assert "&lt;b&gt;tebal&lt;/b&gt;" in output
    assert "&lt;i&gt;miring&lt;/i&gt;" in output
    assert "<b>" not in output and "<i>" not in output


def test_table() -> None:
    output = render_markdown("| Pilar | Inti |\n|:---|---:|\n| Cakap | Alat |\n| Etika | Netiket |")
    parsed = parse(output)
    names = [tag for tag, _ in parsed.tags]
    assert names[:2] == ["table", "thead"]
    assert names.count("td") == 4
    assert ("th", [("align", "left")]) in parsed.tags
    assert ("td", [("align", "right")]) in parsed.tags
    assert "style" not in output


def test_fenced_code_keeps_its_language_class() -> None:
    output = render_markdown("```python\nprint('halo')\n```")
    assert '<pre><code class="language-python">' in output
    assert "print(&#x27;halo&#x27;)" in output or "print('halo')" in output


def test_headings_get_ids() -> None:
    output = render_markdown("# Empat Pilar\n\n## Cek fakta dengan SIFT")
    assert '<h1 id="empat-pilar">Empat Pilar</h1>' in output
    assert '<h2 id="cek-fakta-dengan-sift">' in output


def test_external_link_gets_noopener() -> None:
    output = render_markdown("[Kominfo](https://www.komdigi.go.id/berita)")
    assert parse(output).tags == [
        ("p", []),
        ("a", [("href", "https://www.komdigi.go.id/berita"), ("rel", "noopener noreferrer")]),
    ]


@pytest.mark.parametrize("url", ["HTTP://contoh.go.id", "//contoh.go.id/a"])
def test_other_external_forms_get_noopener(url: str) -> None:
    assert 'rel="noopener noreferrer"' in render_markdown(f'<a href="{url}">x</a>')


@pytest.mark.parametrize("url", ["02-pelajaran-lanjut.md", "#bagian-dua", "/katalog", "media/panduan.pdf"])
def test_relative_link_gets_no_rel(url: str) -> None:
    output = render_markdown(f"[lanjut]({url})")
    assert parse(output).tags == [("p", []), ("a", [("href", url)])]


def test_raw_rel_is_not_kept() -> None:
    output = render_markdown('<a href="/x" rel="opener">x</a>')
    assert "rel" not in output


def test_mailto_is_allowed_without_rel() -> None:
    output = render_markdown("[Tulis ke BKPP](mailto:bkpp@semarangkota.go.id) dan <admin@semarangkota.go.id>")
    links = [dict(attrs) for tag, attrs in parse(output).tags if tag == "a"]
    assert [link["href"] for link in links] == ["mailto:bkpp@semarangkota.go.id", "mailto:admin@semarangkota.go.id"]
    assert all("rel" not in link for link in links)


def test_url_rewriter_is_applied_to_relative_media_only() -> None:
    seen: list[str] = []

    def rewrite(url: str) -> str:
        seen.append(url)
        return "/media/0123abcd?f=" + url

    output = render_markdown(
        "![Diagram](media/diagram.svg)\n\n[Unduh](media/panduan.pdf)\n\n"
        "![Luar](https://contoh.go.id/a.png) [atas](#atas) [akar](/katalog) [surel](mailto:a@b.go.id)",
        url_rewriter=rewrite,
    )
    assert seen == ["media/diagram.svg", "media/panduan.pdf"]
    attrs = [dict(attrs) for tag, attrs in parse(output).tags if tag in {"a", "img"}]
    assert attrs[0] == {"alt": "Diagram", "src": "/media/0123abcd?f=media/diagram.svg"}
    assert attrs[1] == {"href": "/media/0123abcd?f=media/panduan.pdf"}
    assert attrs[2]["src"] == "https://contoh.go.id/a.png"
    assert [a["href"] for a in attrs[3:]] == ["#atas", "/katalog", "mailto:a@b.go.id"]


def test_url_rewriter_output_is_escaped() -> None:
    output = render_markdown("![x](media/a.png)", url_rewriter=lambda url: '/m/"><script>alert(1)</script>')
    assert "<script" not in output
    assert "/m/&quot;&gt;&lt;script&gt;" in output


def test_url_rewriter_is_not_given_rejected_urls() -> None:
    seen: list[str] = []
    render_markdown("[x](javascript:alert(1)) ![y](data:image/png;base64,AAAA)", url_rewriter=seen.append)
    assert seen == []


def test_safe_raw_html_is_kept_and_sizes_are_numbers() -> None:
    output = render_markdown(
        'H<sub>2</sub>O, m<sup>2</sup>, <del>lama</del><br><img src="a.png" width="120" height="5em">'
    )
    assert "<sub>2</sub>" in output and "<sup>2</sup>" in output and "<del>lama</del>" in output
    assert 'width="120"' in output and "height" not in output


def test_sane_lists_keep_start_number() -> None:
    output = render_markdown("3. tiga\n4. empat")
    assert '<ol start="3">' in output


def test_attr_list_is_not_enabled() -> None:
    output = render_markdown("# Judul {: onclick=alert(1) }\n\n[x](https://a.example){: onmouseover=alert(1) }")
    assert_harmless(output)
    text = "".join(parse(output).text)
    assert "{: onclick=alert(1) }" in text and "{: onmouseover=alert(1) }" in text

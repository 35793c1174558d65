"""User text in Markdown (captions, messages, help tooltips): shown exactly as written, never as markup; the only
link is the app's own, to a checked http/https address, shown as its site."""
import html
import re

from hypothesis import given, strategies as st

from lib import ui
from lib.provenance import domain, first_url

PUNCT = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: str) -> str:
    """What a reader sees of escaped text: backslash escapes and entities resolved, word joiners invisible."""
    return html.unescape(PUNCT.sub(r"\1", markdown)).replace("\u2060", "")


@given(st.text())
def test_escaped_text_reads_exactly_as_written(s):
    assert shown(ui.text(s)) == " ".join(s.split())


@given(st.text(alphabet=st.sampled_from(list("\\`*_{}[]()#+-!|~$:.@=<>^%/ab w1\n"))))
def test_no_markdown_character_is_left_unescaped(s):
    out = ui.text(s)
    assert "<" not in out and ">" not in out and "\n" not in out
    unescaped = re.sub(r"\\.", "", out)  # drop every escaped character
    assert not set(unescaped) & set("`*_{}[]()#+-!|~$"), out
    assert not re.match(r"\d+[.)]", out), out  # an ordered list
    assert not re.search(r"[:@](?!\u2060)", out), out  # Streamlit's icons and autolinks start at : and @


def test_streamlit_rewrites_are_broken_by_an_invisible_joiner():
    out = ui.text(":material_pets: :streamlit: www.evil.invalid mail@evil.invalid http://evil.invalid")
    assert not re.search(r":material_\w+:", out)  # the joiner sits after the colon
    assert not re.search(r"www\.", out, re.IGNORECASE)
    assert not re.search(r"@[\w-]", out)
    assert "http://" not in out


def test_first_url_accepts_only_checked_web_addresses():
    assert first_url("Báo cáo 2024, https://bhxh.gov.vn/tin-tuc/a(b).html.") == \
        "https://bhxh.gov.vn/tin-tuc/a%28b%29.html"
    assert first_url("javascript:alert(1)") is None
    assert first_url("see javascript:alert(1)//http://") is None
    assert first_url("http://user:pw@evil.invalid/") is None  # a user name hides the real host
    assert first_url('<img src="http://evil.invalid/a.png">') == "http://evil.invalid/a.png"
    assert first_url("http://ex<b>ample.org/") is None
    assert first_url("HTTP://BHXH.GOV.VN:8080/x y") == "http://bhxh.gov.vn:8080/x"
    assert domain("https://www.bhxh.gov.vn:8080/x") == "bhxh.gov.vn"


def test_a_source_link_is_the_sites_name_linked_to_the_checked_address():
    link = ui.source_link("![x](http://evil.invalid/a.png) **b**")
    assert link == "[evil.invalid](http://evil.invalid/a.png)", link
    assert ui.source_link("[click](javascript:alert(1))") == ui.text("[click](javascript:alert(1))")
    assert "](" not in ui.source_link("Báo cáo (không có đường dẫn)")

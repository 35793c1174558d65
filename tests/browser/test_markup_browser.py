"""Issue 12: user text is always text. Files whose names, sources, notes and target documents carry HTML, Markdown
images and links, `javascript:` URLs and Streamlit directives are uploaded; every page is visited (in the same
session), the Overview's help tooltips and the map's tooltip are opened; the test fails on any request to an address
from the data, on any element built from it (image, script, bold text, icon, a link other than the app's own link to
a checked web address shown as its domain), and on any script that runs."""
from __future__ import annotations

import re

import pytest

from .helpers import assert_clean, settle
from .test_map_browser import _hover, _map_frame, _screen_point, _wait_drawn

pytestmark = pytest.mark.browser

EVIL = "evil.invalid"  # never resolves; a request to it is still seen by the browser before it fails
PAYLOAD = (f'<img src="http://{EVIL}/html.png" onerror="alert(1)"> ![img](http://{EVIL}/md.png) '
           f'[jslink](javascript:alert(2)) <a href="javascript:alert(3)">ahref</a> **BOLDMARK** _EMMARK_ '
           f':material/pets: :material_pets: :streamlit: :red[REDMARK] <script>alert(4)</script> www.{EVIL} mail@{EVIL} $x^2$')
FILE_NAME = "**BOLDMARK** ![i](evil.png) [l](javascript:alert(5)) <b>TAGMARK<b> :material_pets: :streamlit:.csv"


def _check_no_markup(page, where: str) -> None:
    """No element on the page was built from the uploaded text."""
    found = page.evaluate(r"""(evil) => {
        const out = [];
        // Text from the data inside an element means markup was built from it unless the text still shows the
        // markup characters as written (the app may put a whole name in bold: "Your file **{name}**").
        const literal = {BOLDMARK: '**BOLDMARK**', EMMARK: '_EMMARK_', TAGMARK: 'TAGMARK<', REDMARK: ':red[REDMARK]'};
        const marked = (el) => Object.entries(literal).some(([m, lit]) => {
            const text = el.innerText || '';
            return text.includes(m) && !text.includes(lit);
        });
        for (const a of document.querySelectorAll('a[href]')) {
            const href = a.getAttribute('href') || '';
            if (/^\s*javascript:/i.test(href)) out.push('javascript link: ' + a.outerHTML.slice(0, 200));
            if ((href.includes(evil) || href.includes('evil.png')) && a.innerText.trim() !== evil)
                out.push('link not shown as its domain: ' + a.outerHTML.slice(0, 200));
        }
        for (const el of document.querySelectorAll('[src], [srcset], [data-src], [style*="url("]'))
            for (const attr of ['src', 'srcset', 'data-src', 'style'])
                if (/evil/.test(el.getAttribute(attr) || '')) out.push('resource from data: ' + el.outerHTML.slice(0, 200));
        for (const el of document.querySelectorAll('strong, b, em, i, h1, h2, h3, h4, h5, h6, del, code, li, blockquote'))
            if (marked(el)) out.push('markup from data: ' + el.outerHTML.slice(0, 200));
        for (const el of document.querySelectorAll('[data-testid="stIconMaterial"], [data-testid="stIconEmoji"]'))
            if (/pets/.test(el.innerText)) out.push('icon from data: ' + el.outerHTML.slice(0, 200));
        for (const el of document.querySelectorAll('.stMarkdownColoredText, .stMarkdownColoredBackground, .stMarkdownBadge, .katex'))
            if (marked(el) || /REDMARK/.test(el.innerText) || el.classList.contains('katex')) out.push('directive from data: ' + el.outerHTML.slice(0, 200));
        for (const el of document.querySelectorAll('img[alt="Streamlit logo"], [role="img"][aria-label="pets icon"]'))
            out.push('image from data: ' + el.outerHTML.slice(0, 200));
        for (const el of document.querySelectorAll('script'))
            if ((el.textContent || '').includes('alert(')) out.push('script from data');
        return out;
    }""", EVIL)
    assert not found, f"{where}: {found}"


@pytest.fixture
def uploaded(watched, app_url, tmp_path):
    """A session with a data file and a targets file whose text carries every kind of markup, uploaded as a user
    does on the Data page (English)."""
    page = watched.page
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    payload = PAYLOAD.replace('"', '""')
    data = tmp_path / FILE_NAME
    data.write_text("province,year,hi_coverage_pct,si_coverage_pct,source,note\n"
                    f'Nghệ An,2024,93.5,31.5,"{payload}","{payload}"\n', encoding="utf-8")
    targets = tmp_path / "targets <i>TAGMARK<i> _EMMARK_.csv"
    targets.write_text("province,metric,year,kind,value,document,source\n"
                       f'Nghệ An,hi_coverage_pct,2030,point,97.5,"{payload}","http://{EVIL}/doc ""{payload}"""\n',
                       encoding="utf-8")
    page.goto(f"{app_url}/data?lang=en&area=province:40&year=2024")
    settle(page)
    page.get_by_role("tab", name="Upload").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files([str(data), str(targets)])
    page.get_by_text("loaded 2 values").first.wait_for(timeout=60000)
    page.get_by_text("loaded 1 values").first.wait_for(timeout=60000)
    settle(page)
    page.get_by_role("tab", name="Upload").click()
    # the file name, as written, in the message saying it was loaded
    page.locator('[data-testid="stAlertContentSuccess"]', has_text="**BOLDMARK**").first.wait_for(timeout=30000)
    _check_no_markup(page, "Data page after the upload")
    page.get_by_role("tab", name="Datasets").click()
    _check_no_markup(page, "Data page, datasets")
    yield page, requests, dialogs
    evil = [u for u in requests if EVIL in u or "evil.png" in u]
    assert not evil, f"the browser fetched addresses from the data: {evil}"
    assert dialogs == [], f"script from the data ran: {dialogs}"
    assert watched.external == set(), f"requests left the machine: {watched.external}"


def _go(page, name: str) -> None:
    """Open a page from the sidebar, in the same session (the uploads stay)."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=name).first.click()
    settle(page)


def test_uploaded_markup_is_text_on_every_page_in_tooltips_and_on_the_map(uploaded):
    page, requests, dialogs = uploaded
    # Overview: the uploaded value with its source in the metric's help tooltip, and the uploaded target.
    _go(page, "Overview")
    page.get_by_text("93.50%").first.wait_for(timeout=60000)
    _check_no_markup(page, "Overview")
    icons = page.locator('[data-testid="stMain"] [data-testid="stMetric"] [data-testid="stTooltipHoverTarget"]')
    assert icons.count() >= 2
    for i in range(icons.count()):
        icons.nth(i).hover()
        tip = page.locator('[data-testid="stTooltipContent"]').last
        tip.wait_for(state="visible", timeout=10000)
        _check_no_markup(page, f"Overview help tooltip {i}")
        page.mouse.move(0, 0)
    icons.first.hover()
    page.locator('[data-testid="stTooltipContent"]', has_text="BOLDMARK").first.wait_for(timeout=10000)
    tip_text = page.locator('[data-testid="stTooltipContent"]', has_text="BOLDMARK").first.inner_text().replace("\u2060", "")
    assert "![img](http://evil.invalid/md.png)" in tip_text and "**BOLDMARK**" in tip_text  # shown as written
    page.mouse.move(0, 0)
    expander = page.get_by_text("Sources").first  # the sources table with its links
    if expander.count():
        expander.click()
        settle(page)
        _check_no_markup(page, "Overview sources")

    # Map: Nghệ An's tooltip and panel (value, source, target document from the upload).
    _go(page, "Map")
    _wait_drawn(page)
    point = _screen_point(page, "province", "province:40")
    tooltip = _hover(page, point)
    assert tooltip.splitlines()[0] == "Nghệ An" or "Nghệ An" in tooltip.splitlines()[0]
    assert _map_frame(page).locator("#tip img, #tip a, #tip script").count() == 0
    _check_no_markup(page, "Map tooltip")
    page.mouse.click(*point)
    page.locator("h3", has_text="Nghệ An").first.wait_for(timeout=20000)
    settle(page)
    _check_no_markup(page, "Map with the panel of Nghệ An")
    links = page.locator(f'[data-testid="stMain"] a[href*="{EVIL}"]')
    for i in range(links.count()):  # the app's own link to the checked address: its domain, nothing else
        assert links.nth(i).inner_text().strip() == EVIL
        assert re.match(rf"^https?://{re.escape(EVIL)}/", links.nth(i).get_attribute("href"))
    assert_clean(page, allow_error_boxes=True)

    # The other pages (after the map: Collections switches the shared indicator to a collections one).
    for name in ("Progress", "Scenarios", "Collections", "Data"):
        _go(page, name)
        _check_no_markup(page, name)
        assert_clean(page, allow_error_boxes=True)

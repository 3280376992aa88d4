"""One offline checker for every HTML output (the dashboard, the Data Docs site).

The outputs are opened on office PCs without internet access, and they carry the institution's data: a page must
not ask another host for anything. :func:`external_refs` lists every request a page (or a folder of pages) would
make to another host:

- HTML: ``src`` / ``srcset`` / ``poster`` of any element, ``<object data>``, ``href`` of ``<link>`` and
  ``<base>``, ``href`` / ``xlink:href`` of SVG ``<image>``, ``<use>`` and ``<feImage>``;
- CSS ``url()`` and ``@import``, in ``<style>`` elements, in ``style`` attributes and in stylesheets (``.css``
  files of a folder, and local stylesheets a page links, followed through their local ``@import``\\ s);
- JavaScript in inline ``<script>`` elements and ``.js`` files: ``fetch()``, ``XMLHttpRequest.open()``,
  ``import()`` / ``import ... from``, ``importScripts()``, ``sendBeacon()``, ``new WebSocket / EventSource /
  Worker(...)`` and ``.src = ...`` with a literal URL.

"Another host" is any URL with an authority: ``https://host``, ``http://host``, ``file://``, and the
protocol-relative ``//host``. ``data:`` URIs, fragments and relative paths are local. Navigation links
(``<a href>``) and URLs that are only text (a platform's address in a table, a schema id in a library) are
requests only when someone clicks or reads them, and are not counted.

:func:`check_offline` is the gate ``netmedia run`` passes its outputs through: any such request fails the run,
but the few that ship inside an embedded library and never run in our pages (listed, each with why, in
``data/offline.toml``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from netmedia import paths

#: A URL that names a host: ``scheme://`` or protocol-relative ``//``.
_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.\-]*:)?//", re.IGNORECASE)
_URL = r"(?P<u>(?:[a-z][a-z0-9+.\-]*:)?//[^\s\"'`<>)]+)"
_Q = r"[\"'`]"
_CSS_PATTERNS = (
    ("css url()", re.compile(r"url\(\s*[\"']?\s*" + _URL, re.IGNORECASE)),
    ("css @import", re.compile(r"@import\s+[\"']\s*" + _URL, re.IGNORECASE)),
)
_CSS_LOCAL_IMPORT = re.compile(r"@import\s+(?:url\(\s*)?[\"']?(?P<u>[^\"')\s;]+)", re.IGNORECASE)
_JS_PATTERNS = (
    ("fetch", re.compile(r"\bfetch\s*\(\s*" + _Q + _URL, re.IGNORECASE)),
    ("xhr", re.compile(r"\.open\s*\(\s*" + _Q + r"[a-z]+" + _Q + r"\s*,\s*" + _Q + _URL, re.IGNORECASE)),
    ("js import", re.compile(r"\b(?:import|importScripts)\s*\(\s*" + _Q + _URL)),
    ("js import", re.compile(r"\b(?:import|from)\s+" + _Q + _URL)),
    ("beacon", re.compile(r"\bsendBeacon\s*\(\s*" + _Q + _URL)),
    ("js connection", re.compile(r"\bnew\s+(?:WebSocket|EventSource|Worker|SharedWorker)\s*\(\s*" + _Q + _URL)),
    ("js src", re.compile(r"\.src\s*=\s*" + _Q + _URL)),
)
_SRC_ATTRS = ("src", "poster")
_HREF_TAGS = {"link": ("href",), "base": ("href",), "image": ("href", "xlink:href"), "use": ("href", "xlink:href"),
              "feimage": ("href", "xlink:href"), "object": ("data",)}
_FILE_KINDS = {".html": "html", ".htm": "html", ".css": "css", ".js": "js"}


@dataclass(frozen=True)
class Ref:
    """A request to another host: the file it is in, what makes the request, and the URL."""

    file: str
    kind: str
    url: str


def is_remote(url: str) -> bool:
    """Whether ``url`` names another host (``scheme://...`` or ``//host``); ``data:`` and paths are local."""
    return bool(_REMOTE.match(url))


def css_refs(text: str) -> list[tuple[str, str]]:
    """(kind, URL) of every remote ``url()`` and ``@import`` in CSS text."""
    return [(kind, m["u"]) for kind, pat in _CSS_PATTERNS for m in pat.finditer(text)]


def js_refs(text: str) -> list[tuple[str, str]]:
    """(kind, URL) of every request to a literal remote URL in JavaScript text (URLs in plain strings are not)."""
    return [(kind, m["u"]) for kind, pat in _JS_PATTERNS for m in pat.finditer(text)]


class _Page(HTMLParser):
    """Collects the remote references of one page and the local stylesheets it links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str]] = []
        self.stylesheets: list[str] = []
        self.open_element: str | None = None  # "style" or "script" while inside one
        self.element_text: list[str] = []  # its text so far (the parser may hand it over in pieces)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        for attr in _SRC_ATTRS:
            if attr in values and is_remote(values[attr]):
                self.refs.append((attr, values[attr].strip()))
        for candidate in values.get("srcset", "").split(","):
            url = candidate.strip().split(" ")[0]
            if is_remote(url):
                self.refs.append(("srcset", url))
        for attr in _HREF_TAGS.get(tag, ()):
            if attr in values and is_remote(values[attr]):
                self.refs.append((f"{tag} {attr}", values[attr].strip()))
        if tag == "link" and "stylesheet" in values.get("rel", "").lower() and "href" in values:
            self.stylesheets.append(values["href"])
        if "style" in values:
            self.refs += css_refs(values["style"])
        if tag == "style" or (tag == "script" and "src" not in values):
            self.open_element, self.element_text = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag == self.open_element:
            text = "".join(self.element_text)
            self.refs += css_refs(text) if tag == "style" else js_refs(text)
            self.open_element = None

    def handle_data(self, data: str) -> None:
        if self.open_element:
            self.element_text.append(data)


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


def html_refs(text: str) -> list[tuple[str, str]]:
    """(kind, URL) of every remote reference in an HTML page's own text (not in the stylesheets it links)."""
    return _parse(text).refs


def _local_file(base: Path, ref: str) -> Path | None:
    """The file a relative reference from ``base``'s folder names, if it exists."""
    ref = ref.split("?")[0].split("#")[0]
    if not ref or is_remote(ref) or ":" in ref:
        return None
    target = (base.parent / ref).resolve()
    return target if target.is_file() else None


def _stylesheet_refs(css: Path, root: Path, seen: set[Path]) -> list[Ref]:
    """A local stylesheet's remote references, and those of the local stylesheets it imports."""
    if css in seen:
        return []
    seen.add(css)
    text = css.read_text(encoding="utf-8", errors="replace")
    out = [Ref(_name(css, root), kind, url) for kind, url in css_refs(text)]
    for m in _CSS_LOCAL_IMPORT.finditer(text):
        target = _local_file(css, m["u"])
        if target is not None:
            out += _stylesheet_refs(target, root, seen)
    return out


def _name(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def external_refs(path: str | Path) -> list[Ref]:
    """Every request to another host made by an HTML page, or by the pages, stylesheets and scripts of a folder.

    A page's local ``<link rel="stylesheet">`` files are read too (and their local ``@import``\\ s), also when they
    lie outside the folder."""
    path = Path(path).resolve()
    root = path if path.is_dir() else path.parent
    files = sorted(p for p in path.rglob("*") if p.suffix.lower() in _FILE_KINDS) if path.is_dir() else [path]
    seen: set[Path] = set()
    out: list[Ref] = []
    for f in files:
        if not f.is_file():
            continue
        kind = _FILE_KINDS.get(f.suffix.lower(), "html")
        if kind == "css":
            out += _stylesheet_refs(f, root, seen)
            continue
        text = f.read_text(encoding="utf-8", errors="replace")
        if kind == "js":
            out += [Ref(_name(f, root), k, u) for k, u in js_refs(text)]
            continue
        page = _parse(text)
        out += [Ref(_name(f, root), k, u) for k, u in page.refs]
        for href in page.stylesheets:
            target = _local_file(f, href)
            if target is not None:
                out += _stylesheet_refs(target, root, seen)
    return out


@dataclass(frozen=True)
class Dormant:
    """A request the gate lets through: code of an embedded library that never runs in our outputs
    (``data/offline.toml``)."""

    file: str
    kind: str
    url_prefix: str
    why: str

    def covers(self, ref: Ref) -> bool:
        return ref.file == self.file and ref.kind == self.kind and ref.url.startswith(self.url_prefix)


def dormant_refs() -> list[Dormant]:
    """The requests ``data/offline.toml`` lets through, each with why it never runs."""
    text = (paths.PACKAGE_DATA / "offline.toml").read_text(encoding="utf-8")
    return [Dormant(**d) for d in tomllib.loads(text).get("dormant", [])]


class ExternalReference(RuntimeError):
    """An HTML output (or a stylesheet or script it loads) asks another host for something."""


def check_offline(reports_dir: str | Path) -> list[Ref]:
    """The gate ``netmedia run`` passes its outputs through: raise :class:`ExternalReference` naming each file
    and reference when the pages under ``reports_dir`` make a request to another host (but the dormant ones of
    :func:`dormant_refs`); else the dormant references found, for the record."""
    allowed = dormant_refs()
    refs = external_refs(reports_dir)
    bad = [r for r in refs if not any(d.covers(r) for d in allowed)]
    if bad:
        lines = [f"  {r.file}: {r.kind} {r.url}" for r in bad[:20]]
        more = [f"  …… 另有 {len(bad) - 20} 处 / and {len(bad) - 20} more"] if len(bad) > 20 else []
        raise ExternalReference(
            f"{len(bad)} 处外部引用：以下输出在离线电脑上会向其他主机请求内容，请勿分发 / "
            f"{len(bad)} external references in the outputs under {Path(reports_dir)} "
            f"(they would ask another host for content on an offline PC):\n" + "\n".join(lines + more))
    return [r for r in refs if r not in bad]

"""Finish WeasyPrint's tagged PDF into the structure PDF/UA-1 asks for.

WeasyPrint (70) tags each page on its own: an element that runs over a page break becomes one
structure element per page (a table over two pages is two /Table elements, the second with its
repeated header row as real content), and what it prints in the page margins (running header, page
numbers) is marked as content but hung under no element. Its header cells name their data cells
with /Headers and /ID but the document has no /IDTree, and its link annotations describe
themselves by their target's id. The PDF alone cannot tell the second half of a split table from a
new table that starts a page, so while WeasyPrint tags, `fragments_marked` stamps each structure
element with the HTML element it was made from; `repair` then joins the pieces of each element,
makes the repeated header rows and everything printed in the margins artifacts, gives every header
cell its /Scope (dropping /Headers and /ID), names each link by its text, drops empty elements and
rebuilds the parent tree, so that no element is left detached.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pikepdf

SOURCE = "/KPISource"  # the HTML element a structure element was made from, while it is being repaired
REPEATED = {"/THead", "/TFoot"}  # what WeasyPrint prints again on each page a table runs over
KEEP_EMPTY = {"/TD", "/TH", "/TR"}  # an empty cell still holds its place in the table
PAGINATION = pikepdf.Dictionary(Type=pikepdf.Name("/Pagination"))


@contextmanager
def fragments_marked() -> Iterator[None]:
    """While WeasyPrint writes a PDF in this block, stamp each structure element it makes with a number
    naming the HTML element (and pseudo-element) behind it: the pieces of one element share it.

    It wraps WeasyPrint's own tagging function for the length of the block (one PDF at a time, as
    `kpi pack` makes them). A WeasyPrint without that function gets no stamps: its pieces stay apart,
    and tests/test_accessibility.py says so."""
    from weasyprint.pdf import tags

    build = getattr(tags, "_build_box_tree", None)
    if build is None:
        yield
        return
    numbers: dict[tuple, int] = {}
    alive: list = []  # keeps each element alive, so that its id() is never reused during the run

    def stamped(box, *args):
        element = getattr(box, "element", None)
        for made in build(box, *args):
            if element is not None:
                key = (id(element), getattr(box, "element_tag", None), type(box).__name__)
                if key not in numbers:
                    numbers[key] = len(numbers)
                    alive.append(element)
                made[SOURCE[1:]] = numbers[key]
            yield made

    tags._build_box_tree = stamped
    try:
        yield
    finally:
        tags._build_box_tree = build


class _LinkTexts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, str] = {}
        self._open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self._open.append((href, []))

    def handle_data(self, data):
        for _, parts in self._open:
            parts.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            href, parts = self._open.pop()
            text = " ".join("".join(parts).split())
            self.texts.setdefault(href.removeprefix("#"), text or href)


def link_descriptions(html: str) -> dict[str, str]:
    """Each link's target (an id without its '#', or a URL) and the words it is shown with."""
    parser = _LinkTexts()
    parser.feed(html)
    return parser.texts


def repair(path: Path, descriptions: Mapping[str, str] | None = None) -> None:
    """Rewrite the PDF at `path` in place; `descriptions` name each link target in words."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        root = pdf.Root.StructTreeRoot
        for element in _elements(root):
            _join_fragments(element)
        _prune_empty(root)
        for element in _elements(root):
            _scope_headers(element)
            if SOURCE in element:
                del element[SOURCE]
        claimed = _rebuild_parent_tree(pdf, root)
        for index, page in enumerate(pdf.pages):
            _mark_unclaimed_as_artifacts(pdf, page, claimed.get(index, set()))
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                _describe(annotation, descriptions or {})
        pdf.save(path)


def _is_element(node) -> bool:
    return isinstance(node, pikepdf.Dictionary) and "/S" in node


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _elements(node) -> Iterator[pikepdf.Dictionary]:
    """Every structure element under `node`, parents before their kids."""
    stack = [kid for kid in reversed(_kids(node)) if _is_element(kid)]
    while stack:
        element = stack.pop()
        yield element
        stack.extend(kid for kid in reversed(_kids(element)) if _is_element(kid))


def _join_fragments(element) -> None:
    """Join consecutive kids made from one HTML element; drop a table's repeated header rows."""
    kept, seen = [], set()
    for kid in _kids(element):
        source = int(kid[SOURCE]) if _is_element(kid) and SOURCE in kid else None
        if source is not None and kept and _is_element(kept[-1]) and kept[-1].get(SOURCE) == source:
            _absorb(kept[-1], kid)
            continue
        if source in seen and str(kid.S) in REPEATED:
            continue  # its marked content, claimed by no element, becomes a pagination artifact
        if source is not None:
            seen.add(source)
        kept.append(kid)
    element.K = pikepdf.Array(kept)


def _absorb(first, later) -> None:
    """Move the kids of `later` (the same element's next piece) to the end of `first`."""
    kids = _kids(first)
    for kid in _kids(later):
        if isinstance(kid, int) and "/Pg" in later and "/Pg" in first and later.Pg.objgen != first.Pg.objgen:
            kid = pikepdf.Dictionary(Type=pikepdf.Name("/MCR"), Pg=later.Pg, MCID=kid)
        elif _is_element(kid):
            kid.P = first
        kids.append(kid)
    first.K = pikepdf.Array(kids)


def _prune_empty(node) -> bool:
    """Drop elements that mark no content (empty pseudo-elements, boxes with only a background);
    True if `node` itself is now empty."""
    kept = [kid for kid in _kids(node) if not (_is_element(kid) and _prune_empty(kid))]
    node.K = pikepdf.Array(kept)
    return not kept and str(node.get("/S", "")) not in KEEP_EMPTY and "/StructTreeRoot" != node.get("/Type")


def _scope_headers(element) -> None:
    """Header cells in a table's head are column headers, others row headers (the templates' scope)."""
    kind = str(element.S)
    if kind == "/TH":
        row_group = element.P.P if "/P" in element and "/P" in element.P else None
        scope = "/Column" if row_group is not None and str(row_group.get("/S")) == "/THead" else "/Row"
        attributes = element.get("/A", pikepdf.Dictionary(O=pikepdf.Name("/Table")))
        attributes.Scope = pikepdf.Name(scope)
        element.A = attributes
        if "/ID" in element:
            del element["/ID"]
    if kind in ("/TD", "/TH") and "/A" in element and "/Headers" in element.A:
        del element.A["/Headers"]


def _rebuild_parent_tree(pdf, root) -> dict[int, set[int]]:
    """Point each marked content and annotation at the element that holds it now; returns the
    marked content ids each page's elements claim."""
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    claimed: dict[int, dict[int, object]] = {}
    annotations: dict[int, object] = {}
    for element in _elements(root):
        page = pages.get(element.Pg.objgen) if "/Pg" in element else None
        for kid in _kids(element):
            if isinstance(kid, int) and page is not None:
                claimed.setdefault(page, {})[int(kid)] = element
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                claimed.setdefault(pages[kid.Pg.objgen], {})[int(kid.MCID)] = element
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                annotations[int(kid.Obj.StructParent)] = element
    numbers = []
    for index, page in enumerate(pdf.pages):
        page.StructParents = index
        owners = claimed.get(index, {})
        size = max(owners, default=-1) + 1
        numbers += [index, pikepdf.Array([owners.get(mcid, None) for mcid in range(size)])]
    for key in sorted(annotations):
        numbers += [key, annotations[key]]
    next_key = max([len(pdf.pages) - 1, *annotations]) + 1
    root.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(numbers)))
    root.ParentTreeNextKey = next_key
    if "/IDTree" in root:
        del root["/IDTree"]
    return {page: set(owners) for page, owners in claimed.items()}


def _mark_unclaimed_as_artifacts(pdf, page, claimed: set[int]) -> None:
    """Marked content no element claims (margins, repeated header rows) becomes a pagination artifact."""
    instructions = pikepdf.parse_content_stream(page)
    changed = False
    for number, (operands, operator) in enumerate(instructions):
        if str(operator) != "BDC" or len(operands) != 2 or not isinstance(operands[1], pikepdf.Dictionary):
            continue
        mcid = operands[1].get("/MCID")
        if mcid is not None and int(mcid) not in claimed:
            instructions[number] = pikepdf.ContentStreamInstruction(
                [pikepdf.Name("/Artifact"), PAGINATION], pikepdf.Operator("BDC"))
            changed = True
    if changed:
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


def _describe(annotation, descriptions: Mapping[str, str]) -> None:
    """A link says in words where it goes: the text it is shown with, not its target's id."""
    if annotation.get("/Subtype") != "/Link":
        return
    target = annotation.get("/Dest")
    if target is None and "/A" in annotation:
        target = annotation.A.get("/URI")
    if target is None:
        return
    words = descriptions.get(str(target).removeprefix("#"))
    if words:
        annotation.Contents = pikepdf.String(words)

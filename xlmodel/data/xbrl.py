"""Read a filing's XBRL instance: contexts, units and facts, with their dimension members.

The instance (``*_htm.xml`` in the filing folder) is parsed with entity expansion, DTD
loading and network access off, so a hostile or broken file cannot expand or reach out.
Facts are returned as plain records; which of them feed the bridge is decided in
:mod:`xlmodel.data.segments`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from lxml import etree

XBRLI = "http://www.xbrl.org/2003/instance"
XBRLDI = "http://xbrl.org/2006/xbrldi"
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                              remove_comments=True)


class InstanceError(ValueError):
    """The instance document cannot be read; the message says why."""


@dataclass(frozen=True)
class Context:
    id: str
    start: dt.date | None
    end: dt.date  # the instant for balance-sheet contexts
    dimensions: tuple[tuple[str, str], ...]  # (axis, member) as prefix:LocalName, sorted

    @property
    def days(self) -> int | None:
        return None if self.start is None else (self.end - self.start).days + 1


@dataclass(frozen=True)
class Fact:
    concept: str  # prefix:LocalName, e.g. us-gaap:Revenues
    context: Context
    unit: str
    value: float
    decimals: str


def _qname(element, text: str) -> str:
    """A QName in the document's own prefix form, with the prefix resolved to a stable one."""
    prefix, _, local = text.strip().partition(":")
    if not local:
        return text.strip()
    namespace = element.nsmap.get(prefix, "")
    return f"{_stable_prefix(namespace, prefix)}:{local}"


def _stable_prefix(namespace: str, prefix: str) -> str:
    if "fasb.org/us-gaap" in namespace:
        return "us-gaap"
    if "fasb.org/srt" in namespace:
        return "srt"
    if "xbrl.sec.gov/dei" in namespace:
        return "dei"
    return prefix


def parse(content: bytes) -> list[Fact]:
    """Every numeric fact of the instance (text facts and nil facts are skipped)."""
    try:
        root = etree.fromstring(content, SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise InstanceError(f"malformed XML: {exc.msg} (line {exc.lineno})") from None
    if root.tag != f"{{{XBRLI}}}xbrl":
        raise InstanceError(f"not an XBRL instance (root element {etree.QName(root).localname})")
    contexts = {c.id: c for c in (_context(el) for el in root.iter(f"{{{XBRLI}}}context"))}
    units = {u.get("id"): _unit(u) for u in root.iter(f"{{{XBRLI}}}unit")}
    facts = []
    for el in root:
        if not isinstance(el.tag, str) or el.get("contextRef") is None or el.get("unitRef") is None:
            continue
        if el.get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true":
            continue
        context = contexts.get(el.get("contextRef"))
        if context is None:
            raise InstanceError(f"fact {etree.QName(el).localname} refers to a missing context {el.get('contextRef')}")
        facts.append(Fact(_concept(el), context, units.get(el.get("unitRef"), el.get("unitRef")), _value(el),
                          el.get("decimals", "")))
    return facts


def _concept(el) -> str:
    q = etree.QName(el)
    return f"{_stable_prefix(q.namespace or '', el.prefix or '')}:{q.localname}"


def _value(el) -> float:
    text = (el.text or "").strip().replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InstanceError(f"fact {etree.QName(el).localname} is not a number: {text[:30]!r}") from None
    scale = el.get("scale")  # inline-XBRL style scaling, when present
    if scale:
        value = value.scaleb(int(scale))
    if el.get("sign") == "-":
        value = -value
    return float(value)


def _context(el) -> Context:
    period = el.find(f"{{{XBRLI}}}period")
    if period is None:
        raise InstanceError(f"context {el.get('id')} has no period")
    instant = period.findtext(f"{{{XBRLI}}}instant")
    start = period.findtext(f"{{{XBRLI}}}startDate")
    end = period.findtext(f"{{{XBRLI}}}endDate")
    try:
        start_date = dt.date.fromisoformat(start.strip()[:10]) if start else None
        end_date = dt.date.fromisoformat((end or instant or "").strip()[:10])
    except ValueError:
        raise InstanceError(f"context {el.get('id')} has an unreadable period") from None
    dims = tuple(sorted((_qname(m, m.get("dimension", "")), _qname(m, m.text or ""))
                        for m in el.iter(f"{{{XBRLDI}}}explicitMember")))
    return Context(el.get("id"), start_date, end_date, dims)


def _unit(el) -> str:
    measures = [m.text.strip().split(":")[-1] for m in el.iter(f"{{{XBRLI}}}measure") if m.text]
    return "/".join(measures) if measures else el.get("id")

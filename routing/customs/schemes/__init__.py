"""Destination schemes: one function per way of taxing imports, chosen by the `scheme`
of the destination's rules file. Each takes a `Shipment` and returns an `Assessment`."""

from __future__ import annotations

from collections.abc import Callable

from routing.customs.assess import Assessment, no_import
from routing.customs.schemes.br import br
from routing.customs.schemes.cn import cn_cbec
from routing.customs.schemes.eaeu import eaeu
from routing.customs.schemes.idn import idn
from routing.customs.schemes.us import us
from routing.customs.schemes.vat_import import vat_import
from routing.customs.shipment import Shipment

Scheme = Callable[[Shipment], Assessment]

SCHEME_FUNCTIONS: dict[str, Scheme] = {
    "vat_import": vat_import,
    "br": br,
    "eaeu": eaeu,
    "id": idn,
    "us": us,
    "cn_cbec": cn_cbec,
    "none": no_import,
}

__all__ = ["SCHEME_FUNCTIONS", "Scheme"]

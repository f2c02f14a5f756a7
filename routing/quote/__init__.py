"""The quote engine: for one order, the ranked shipping options of the network, each
priced leg by leg, landed (duties, taxes, fees), promised and tagged.

    quote(order, network)        # Quote: options (cheapest first), excluded routes, rates
    product_promises(...)        # a product page's dates and price range per destination

It uses the network, customs and promise engines; nothing else imports it but the doors.
"""

from routing.quote.engine import Engine, engine_for, quote
from routing.quote.product import DestinationPromise, Window, product_order, product_promises
from routing.quote.records import Excluded, Leg, Line, Message, Option, PromiseDates, Quote

__all__ = [
    "DestinationPromise",
    "Engine",
    "Excluded",
    "Leg",
    "Line",
    "Message",
    "Option",
    "PromiseDates",
    "Quote",
    "Window",
    "engine_for",
    "product_order",
    "product_promises",
    "quote",
]

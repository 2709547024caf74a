"""The UK postcode format (no lookup service is reachable, so this is all a postcode can be checked
against before the outward-code table in panel.places.services).

What counts as a postcode that can exist:

- the six shapes of the Royal Mail format (A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA,
  AA9A 9AA) with the letters each position allows (GOV.UK data standards catalogue: no Q, V or X
  first; no I, J or Z second; a district's closing letter only from the allowed sets; the inward
  code never uses C, I, K, M, O or V);
- an area (the leading letters) that exists: the 121 areas of the UK, the Crown dependencies
  (GY, JE, IM) and the non-geographic BX and BF (British Forces Post Office);
- a closing letter on the district (SW1A) only in the central London areas that use them;
- GIR 0AA, Girobank's postcode in Bootle.

Every well-formed postcode is normalised to "FY1 1AA". Postcodes that exist but where nobody can
live in Lancashire and South Cumbria (GIR 0AA, BX, BF, the Crown dependencies) are well-formed:
the place lookup says they are outside the area. BFPO numbers ("BFPO 123") and the overseas
territories' codes (STHL 1ZZ, GX11 1AA, KY1-1001) are not UK postcodes and are refused as a field
error: the panel asks for the postcode of the home someone lives in.
"""

from __future__ import annotations

import re

# The postcode areas in use (Wikipedia, "List of postcode districts in the United Kingdom",
# from Royal Mail's Postcode Address File): 121 UK areas, 3 Crown dependencies, 2 non-geographic.
_AREA_LIST = """
    AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY
    E EC EH EN EX FK FY G GL GU HA HD HG HP HR HS HU HX IG IP IV KA KT KW KY L LA LD LE LL LN LS
    LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO
    SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE
    GY JE IM BX BF
"""
POSTCODE_AREAS = frozenset(_AREA_LIST.split())
#: Only central London's districts end in a letter (E1W, N1C, NW1W, SE1P, SW1A, W1A, EC1A, WC2H).
AREAS_WITH_LETTERED_DISTRICTS = frozenset({"E", "EC", "N", "NW", "SE", "SW", "W", "WC"})
GIROBANK = "GIR 0AA"

_OUTWARD_PATTERN = (
    r"[A-PR-UWYZ](?:[0-9][0-9]?|[A-HK-Y][0-9][0-9]?|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])"
)
_POSTCODE = re.compile(rf"({_OUTWARD_PATTERN})([0-9][ABD-HJLNP-UW-Z]{{2}})")
_OUTWARD = re.compile(_OUTWARD_PATTERN)
_AREA = re.compile(r"[A-Z]+")


class InvalidPostcode(ValueError):
    """The text is not a UK postcode that can exist."""


def postcode_area(outward: str) -> str:
    """The area letters of an outward code ('FY' of 'FY1', 'SW' of 'SW1A')."""
    match = _AREA.match(outward)
    return match.group(0) if match else ""


def _outward_can_exist(outward: str) -> bool:
    area = postcode_area(outward)
    if area not in POSTCODE_AREAS:
        return False
    return not outward[-1].isalpha() or area in AREAS_WITH_LETTERED_DISTRICTS


def normalise_postcode(text: str) -> str:
    """Return the postcode as 'FY1 1AA', or raise InvalidPostcode."""
    compact = re.sub(r"\s+", "", (text or "").upper())
    if compact == GIROBANK.replace(" ", ""):
        return GIROBANK
    match = _POSTCODE.fullmatch(compact)
    if not match or not _outward_can_exist(match.group(1)):
        raise InvalidPostcode(text)
    return f"{match.group(1)} {match.group(2)}"


def outward_code(postcode: str) -> str:
    """The outward code ('FY1') of a normalised postcode."""
    return postcode.split(" ", 1)[0]


def is_outward_code(text: str) -> bool:
    """True for an outward code that can exist, such as FY1 or SW1A."""
    code = (text or "").strip().upper()
    return bool(_OUTWARD.fullmatch(code)) and _outward_can_exist(code)

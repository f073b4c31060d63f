"""The ISO 639 codes people type for the languages someone speaks or an organisation offers ("fr, nl; ar"),
read the same way by the forms, the imports and the facilitators' own details."""
import re

from django.utils.translation import gettext as _

LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2,3}$")


def language_codes(value) -> list[str]:
    """"fr, NL; ar/fr" or a list → ["fr", "nl", "ar"] (lower case, each once, in order); a ValueError whose
    message names the codes that are not two or three letters."""
    parts = value if isinstance(value, list | tuple) else re.split(r"[,;/]", value or "")
    codes = list(dict.fromkeys(str(part).strip().lower() for part in parts if str(part).strip()))
    wrong = [code for code in codes if not LANGUAGE_CODE_RE.match(code)]
    if wrong:
        raise ValueError(_("Not a language code: %(codes)s. Use two or three letters, e.g. fr, nl, ar.")
                         % {"codes": ", ".join(wrong)})
    return codes

"""Participant identity: pseudonyms, and who is answering in this kernel.

Names are never required.  A participant picks a pseudonym (or is given one) on the
landing page; the server keeps a random secret for them in a cookie, and the store keeps only
its hash.  Voilà passes the request's ``Cookie`` header to the page's kernel (configured with
``VoilaConfiguration.http_header_envs``), so the kernel finds its participant from the secret;
putting another pseudonym in a link reaches no one's answers.

Behind JupyterHub (``WorkshopConfig.identity = "hub"``) there is no pseudonym form: the hub user
who owns the single-user server is the participant, shown under a pseudonym made from their
username (``hub_pseudonym``).
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import secrets
import unicodedata
from http.cookies import CookieError, SimpleCookie

PSEUDONYM_MAX = 40
PARTICIPANT_COOKIE = "workshop_participant"
# How a pooled kernel proves itself to the server that started it (``coproduction_kit/server/kernel_keys.py``):
# its own key, given in its environment and sent back as a header; and, under HTTPS, the
# server's certificate, which the kernel trusts alone.
KERNEL_KEY_ENV = "WORKSHOP_KERNEL_KEY"
KERNEL_KEY_HEADER = "X-Workshop-Kernel-Key"
SERVER_CERT_ENV = "WORKSHOP_SERVER_CERT"
PSEUDONYM_RULE = (
    "A pseudonym is 1 to 40 characters, with at least one letter: letters (any alphabet), digits, "
    "'-' and '_'. No spaces or other signs. Names that look alike count as one name."
)


class PseudonymError(ValueError):
    """The pseudonym breaks the rule; the message says what is allowed."""


def validate_pseudonym(raw: str) -> str:
    """The pseudonym in its stored form (Unicode NFKC), or PseudonymError saying what is allowed.

    NFKC folds compatibility forms into the letters they stand for, so a full-width ``ｓａｍ`` is
    stored, and taken, as ``sam``.
    """
    if not isinstance(raw, str):
        raise PseudonymError(PSEUDONYM_RULE)
    pseudonym = unicodedata.normalize("NFKC", raw.strip())
    if not pseudonym:
        raise PseudonymError("Please choose a pseudonym. " + PSEUDONYM_RULE)
    if len(pseudonym) > PSEUDONYM_MAX:
        raise PseudonymError(f"That pseudonym has {len(pseudonym)} characters. " + PSEUDONYM_RULE)
    for position, char in enumerate(pseudonym):
        if not _allowed(char, position):
            shown = char if char.isprintable() and not char.isspace() else repr(char)
            raise PseudonymError(f"{shown!s} is not allowed in a pseudonym. " + PSEUDONYM_RULE)
    if not any(unicodedata.category(char).startswith("L") for char in pseudonym):
        raise PseudonymError("A pseudonym needs at least one letter. " + PSEUDONYM_RULE)
    return pseudonym


def _allowed(char: str, position: int) -> bool:
    category = unicodedata.category(char)
    return (
        char in "-_"
        or category.startswith("L")
        or category == "Nd"
        # combining marks, needed by many scripts, but never first
        or (category in ("Mn", "Mc") and position > 0)
    )


def pseudonym_key(pseudonym: str) -> str:
    """What makes two pseudonyms the same one: 'Sam', 'sam', 'ｓａｍ' and 'ѕam' (with a Cyrillic
    letter) are not four people.

    Compatibility forms are folded (NFKC); each character is replaced by the representative of
    the characters Unicode lists as confusable with it (UTS #39's confusables, as a skeleton is
    made), before and after case folding (capital I looks like small l, not like small i), so
    names a reader cannot tell apart share one key.
    """
    skeleton = confusable_skeleton(unicodedata.normalize("NFKC", pseudonym))
    return confusable_skeleton(unicodedata.normalize("NFKC", skeleton.casefold()))


def confusable_skeleton(text: str) -> str:
    """``text`` with every character replaced by its confusable class's representative (UTS #39)."""
    table = _confusable_classes()
    mapped = "".join(table.get(char, char) for char in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", mapped)


@functools.cache
def _confusable_classes() -> dict[str, str]:
    """Each confusable character mapped to one representative of all it can be confused with.

    The data is Unicode's confusables list as packaged by ``confusable_homoglyphs``; characters
    joined through any chain of confusions share the representative with the lowest code point.
    """
    import confusable_homoglyphs

    with open(os.path.join(os.path.dirname(confusable_homoglyphs.__file__), "confusables.json"),
              encoding="utf-8") as data:
        pairs = json.load(data)
    parent: dict[str, str] = {}

    def root(char: str) -> str:
        while parent.get(char, char) != char:
            parent[char] = parent.get(parent[char], parent[char])
            char = parent[char]
        return char

    for char, homoglyphs in pairs.items():
        for homoglyph in homoglyphs:
            other = homoglyph["c"].strip("\u200e\u200f")  # the list wraps some in direction marks
            if len(char) == 1 and len(other) == 1:
                first, second = sorted((root(char), root(other)))
                parent[second] = first
    return {char: root(char) for char in parent}


_ADJECTIVES = "calm brave bright clear gentle kind quiet steady swift warm wise bold".split()
_NOUNS = "heron maple river cedar otter willow finch harbour meadow comet lark birch".split()


def suggest_pseudonym() -> str:
    """A friendly random pseudonym such as ``calm-heron-27``."""
    return f"{secrets.choice(_ADJECTIVES)}-{secrets.choice(_NOUNS)}-{secrets.randbelow(90) + 10}"


def token_from_cookie_header(header: str | None) -> str | None:
    if not header:
        return None
    try:
        cookie = SimpleCookie()
        cookie.load(header)
    except CookieError:
        return None
    morsel = cookie.get(PARTICIPANT_COOKIE)
    return morsel.value if morsel else None


def preheated() -> bool:
    """True in a kernel from Voilà's pool, started before anyone asked for its page."""
    return os.environ.get("VOILA_PREHEAT") == "True"


def served_by_voila() -> bool:
    """True in a kernel started for a Voilà page (as opposed to JupyterLab or a test run)."""
    return preheated() or os.environ.get("SERVER_SOFTWARE", "").startswith("voila")


def wait_for_request() -> None:
    """Block until Voilà hands this pooled kernel to a request; its headers then join os.environ.

    Voilà's own ``voila.utils.wait_for_request`` speaks the same protocol (one JSON message on
    the ``/voila/query/<kernel id>`` socket) but imports Voilà's server side, about 45 MB more in
    every kernel; this reads the message with the Tornado the kernel already has.  The socket
    opens only with the key the server gave this kernel (``coproduction_kit.server.kernel_keys``), once; over
    HTTPS the server's own certificate is the one trusted.
    """
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    base = os.environ.get("VOILA_WS_BASE_URL") or os.environ.get("VOILA_SERVER_URL", "/")
    certificate = os.environ.get(SERVER_CERT_ENV)
    scheme = "wss" if certificate else "ws"
    url = (f"{scheme}://{os.environ.get('VOILA_APP_IP', '127.0.0.1')}:{os.environ.get('VOILA_APP_PORT', '8866')}"
           f"{base}voila/query/{os.environ['VOILA_KERNEL_ID']}")
    options = {"ssl_options": trusting(certificate)} if certificate else {}
    request = HTTPRequest(url, headers={KERNEL_KEY_HEADER: os.environ.pop(KERNEL_KEY_ENV, "")},
                          connect_timeout=10, **options)

    async def receive() -> str | None:
        connection = await websocket_connect(request)
        try:
            return await connection.read_message()
        finally:
            connection.close()

    message = asyncio.run(receive())
    for name, value in json.loads(message or "{}").items():
        os.environ[name] = value


def trusting(certificate: str | os.PathLike):
    """An SSL context that trusts exactly this (self-signed) certificate: the workshop server's own.

    Used on loopback only (a pooled kernel, ``workshop serve`` waiting for its server), so the
    host name is not checked: the certificate itself is what is pinned.
    """
    import ssl

    context = ssl.create_default_context(cafile=str(certificate))
    context.check_hostname = False
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    return context


def request_token() -> str | None:
    """The participant secret sent with the page request for this kernel.

    A preheated kernel blocks here until its request arrives (``wait_for_request``).
    """
    if preheated():
        wait_for_request()
    return token_from_cookie_header(os.environ.get("HTTP_COOKIE"))


# Behind JupyterHub -----------------------------------------------------------------------------
# Each person has their own single-user server, started by the hub with JUPYTERHUB_USER in its
# environment; the server and its kernels (which inherit it) therefore know whose they are.


def hub_user() -> str | None:
    """The JupyterHub user owning this server and its kernels, or None outside a hub."""
    return os.environ.get("JUPYTERHUB_USER") or None


def hub_pseudonym(username: str) -> str:
    """The pseudonym shown for a hub user: the username itself when the rule allows it.

    Otherwise a form that does: an e-mail address keeps the part before ``@``, and every sign
    the rule refuses becomes ``-`` (``jo.doe@uni.ca`` is shown as ``jo-doe``).
    """
    try:
        return validate_pseudonym(username)
    except PseudonymError:
        pass
    local = unicodedata.normalize("NFC", username.strip()).split("@", 1)[0]
    kept = "".join(char if _allowed(char, position) else "-" for position, char in enumerate(local))
    kept = "-".join(part for part in kept.split("-") if part)[:PSEUDONYM_MAX].strip("-")
    try:
        return validate_pseudonym(kept)
    except PseudonymError:  # nothing usable was left, e.g. a name made only of signs
        return "participant"

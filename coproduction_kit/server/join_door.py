"""The participants' server on the room's network: the join token, and HTTPS.

With ``workshop serve --lan`` the participants' server listens on the room's network, and the
participant link carries a join token that ``serve`` makes anew at every start (256 random bits,
carried by the QR code on the join card, never typed).  Here:

- ``JoinTokenIdentityProvider`` compares the token in constant time and counts wrong tries per
  client address: past ``guesses_per_minute`` in a minute, that address gets a plain "too many
  tries" page (HTTP 429) until the minute has passed;
- ``ServesTls`` makes a Voilà application (the participants', the co-facilitators') speak HTTPS;
- ``self_signed_certificate`` makes the certificate for ``--tls auto`` and ``fingerprint`` gives
  the SHA-256 fingerprint that ``serve`` prints, for participants to compare with what their
  browser shows.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import ipaddress
import ssl
import time
from collections import defaultdict, deque
from pathlib import Path

from jupyter_server.auth.identity import PasswordIdentityProvider
from tornado import web
from traitlets import Int

from coproduction_kit.core.private_files import write_private

TOO_MANY_TRIES = ("Too many wrong join links from this device in the last minute. "
                  "Wait a minute, then open the link from the join card again.")


class WrongTries:
    """Wrong secrets offered per client address in the last minute; past the limit, 429."""

    def __init__(self, per_minute: int, message: str = ""):
        self.per_minute, self.message = per_minute, message or TOO_MANY_TRIES
        self._wrong: dict[str, deque] = defaultdict(deque)

    def refuse_if_limited(self, handler) -> None:
        tries = self._wrong[handler.request.remote_ip]
        cutoff = time.monotonic() - 60
        while tries and tries[0] < cutoff:
            tries.popleft()
        if len(tries) >= self.per_minute:
            raise web.HTTPError(429, self.message, reason="Too Many Requests")

    def count(self, handler) -> None:
        self._wrong[handler.request.remote_ip].append(time.monotonic())


class JoinTokenIdentityProvider(PasswordIdentityProvider):
    """The join token, checked in constant time, with wrong tries limited per client address."""

    guesses_per_minute = Int(
        10, help="Wrong join tokens one client address may try in a minute before it is refused (429)."
    ).tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._tries = WrongTries(self.guesses_per_minute)

    def _matches(self, handler, offered: str) -> bool:
        """True for the right token; a wrong one is counted, and may lock the address out."""
        self._tries.refuse_if_limited(handler)
        if self.token and hmac.compare_digest(offered.encode(), self.token.encode()):
            return True
        self._tries.count(handler)
        return False

    async def get_user_token(self, handler):
        offered = self.get_token(handler)
        if not offered or not self.token:
            return None
        if not self._matches(handler, offered):
            return None
        user = self.get_user_cookie(handler)
        if hasattr(user, "__await__"):
            user = await user
        return user or self.generate_anonymous_user(handler)

    def process_login_form(self, handler):
        typed = handler.get_argument("password", default="")
        if typed and self._matches(handler, typed):
            return self.generate_anonymous_user(handler)
        return None


class ServesTls:
    """Mixed into a Voilà application with ``certfile``/``keyfile`` traits: HTTPS when a certificate is given."""

    def listen(self):
        if self.certfile:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.certfile, self.keyfile or None)
            self.app.listen = functools.partial(self.app.listen, ssl_options=context)
        return super().listen()

    def _url(self, ip):
        return super()._url(ip).replace("http://", "https://", 1) if self.certfile else super()._url(ip)


def self_signed_certificate(folder: Path, hosts: list[str]) -> tuple[Path, Path]:
    """A new key and self-signed certificate for ``hosts`` (addresses or names), both 0600."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    names = []
    for host in dict.fromkeys([*hosts, "127.0.0.1", "localhost"]):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Workshop server (this laptop)")])
    today = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(today - datetime.timedelta(hours=1)).not_valid_after(today + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "tls-cert.pem", folder / "tls-key.pem"
    write_private(key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
    write_private(cert_path, certificate.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def fingerprint(cert_path: Path) -> str:
    """The certificate's SHA-256 fingerprint as browsers show it (AB:CD:…)."""
    from cryptography import x509

    from cryptography.hazmat.primitives.serialization import Encoding

    certificate = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
    digest = hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))

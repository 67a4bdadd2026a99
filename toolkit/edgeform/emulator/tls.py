"""The local certificate `edgeform serve --tls` answers HTTPS with.

Self-signed, for loopback's names only (localhost, 127.0.0.1, ::1) plus any the caller adds,
valid 30 days, kept in the project's .edgeform/tls/ (the key readable by its owner only)
and made again when it no longer covers the names or is about to expire. Clients trust it by
file: `curl --cacert .edgeform/tls/cert.pem https://127.0.0.1:8443/`. It is never a CA:
it cannot vouch for any other name.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

LOOPBACK_NAMES: Final = ("localhost", "127.0.0.1", "::1")
VALID_DAYS: Final = 30
RENEW_BEFORE: Final = datetime.timedelta(days=1)


@dataclass(frozen=True)
class LocalCertificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert, self.key)
        return context


def local_certificate(
    folder: Path, names: Sequence[str] = (), now: datetime.datetime | None = None
) -> LocalCertificate:
    """The certificate in `folder` for loopback and `names`, made when missing or stale."""
    wanted = sorted({*LOOPBACK_NAMES, *names})
    made = LocalCertificate(folder / "cert.pem", folder / "key.pem")
    moment = now or datetime.datetime.now(datetime.UTC)
    if not _current(made, wanted, moment):
        _make(made, wanted, moment)
    return made


def _current(made: LocalCertificate, wanted: list[str], now: datetime.datetime) -> bool:
    from cryptography import x509

    if not (made.cert.is_file() and made.key.is_file()):
        return False
    try:
        cert = x509.load_pem_x509_certificate(made.cert.read_bytes())
    except ValueError:
        return False
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    covered = {str(n) for n in sans.get_values_for_type(x509.DNSName)}
    covered |= {str(ip) for ip in sans.get_values_for_type(x509.IPAddress)}
    return set(wanted) <= covered and cert.not_valid_after_utc - RENEW_BEFORE > now


def _make(made: LocalCertificate, names: list[str], now: datetime.datetime) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "edgeform serve (local)")])
    alternative: list[x509.GeneralName] = []
    for name in names:
        try:
            alternative.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alternative.append(x509.DNSName(name))
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    made.cert.parent.mkdir(parents=True, exist_ok=True)
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(made.key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key_bytes)
    made.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))

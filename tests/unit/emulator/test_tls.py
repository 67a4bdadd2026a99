"""serve --tls's local certificate: made once, kept while it covers the names and has more
than a day left, made again otherwise."""

from __future__ import annotations

import datetime

from cryptography import x509

from edgeform.emulator.tls import VALID_DAYS, local_certificate

NOW = datetime.datetime(2026, 12, 6, tzinfo=datetime.UTC)


def names_of(path):
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(n) for n in sans.get_values_for_type(x509.DNSName)} | {
        str(ip) for ip in sans.get_values_for_type(x509.IPAddress)
    }


def test_the_certificate_is_kept_while_current_and_remade_when_not(tmp_path):
    made = local_certificate(tmp_path, now=NOW)
    first = made.cert.read_bytes()
    assert names_of(made.cert) == {"localhost", "127.0.0.1", "::1"}
    assert (
        local_certificate(tmp_path, now=NOW + datetime.timedelta(days=5)).cert.read_bytes() == first
    )
    wider = local_certificate(tmp_path, ["www.example.test"], now=NOW)
    assert "www.example.test" in names_of(wider.cert)
    second = wider.cert.read_bytes()
    late = NOW + datetime.timedelta(days=VALID_DAYS - 1, hours=1)
    assert local_certificate(tmp_path, ["www.example.test"], now=late).cert.read_bytes() != second

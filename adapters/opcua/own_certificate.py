"""Making an installation's own OPC UA application certificate: RSA 2048, SHA-256, self-signed, valid
five years, with the ApplicationUri ``urn:<host>:tolka:<role>`` and the host's names and addresses,
usable by a server and a client.

:meth:`adapters.opcua.pki.Pki.own` decides when one is made (missing or expired) and where it goes.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import logging
import os
import socket
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from adapters.opcua.certificates import describe_certificate

__all__ = ["KEY_BITS", "VALID_DAYS", "host_names", "make_own_certificate"]

logger = logging.getLogger("tolka.pki")

VALID_DAYS = 5 * 365
KEY_BITS = 2048


def host_names() -> tuple[list[str], list[ipaddress.IPv4Address | ipaddress.IPv6Address]]:
    """This host's names and addresses, loopback included."""
    host = socket.gethostname()
    names = list(dict.fromkeys([host, socket.getfqdn(), "localhost"]))
    addresses: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [
        ipaddress.ip_address("127.0.0.1"),
        ipaddress.ip_address("::1"),
    ]
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(host, None):
            with contextlib.suppress(ValueError):
                address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
                if address not in addresses:
                    addresses.append(address)
    return [n for n in names if n], addresses


def make_own_certificate(cert_file: Path, key_file: Path, role: str) -> None:
    """Make a new key and self-signed certificate for ``role`` and write them (the key mode 0600),
    each through a temporary file beside it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    cert = _self_signed_certificate(key, role)
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    temporary = key_file.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key_bytes)
    os.replace(temporary, key_file)
    key_file.chmod(0o600)
    temporary = cert_file.with_suffix(".tmp")
    temporary.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    os.replace(temporary, cert_file)
    logger.info("made the own certificate %s (%s)", cert_file, describe_certificate(cert))


def _self_signed_certificate(key: rsa.RSAPrivateKey, role: str) -> x509.Certificate:
    """The certificate of ``key`` for this host and ``role``, signed by itself."""
    host = socket.gethostname()
    names, addresses = host_names()
    uri = f"urn:{host}:tolka:{role}"
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"Tolka {role}@{host}"[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Tolka"),
            x509.NameAttribute(NameOID.DOMAIN_COMPONENT, host[:63] or "localhost"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    alternative: list[x509.GeneralName] = [x509.UniformResourceIdentifier(uri)]
    alternative += [x509.DNSName(n) for n in names]
    alternative += [x509.IPAddress(a) for a in addresses]
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=True,
                data_encipherment=True,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )

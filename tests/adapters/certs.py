"""Certificates for the tests: self-signed or issued by a test CA, valid or expired, for any URI and host."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class Made:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey
    cert_path: Path
    key_path: Path


def make_certificate(
    folder: Path,
    name: str,
    uri: str = "",
    hosts: tuple[str, ...] = ("127.0.0.1", "localhost"),
    *,
    issuer: Made | None = None,
    ca: bool = False,
    days: tuple[int, int] = (-1, 365),
    uses: tuple[x509.ObjectIdentifier, ...] = (
        ExtendedKeyUsageOID.SERVER_AUTH,
        ExtendedKeyUsageOID.CLIENT_AUTH,
    ),
) -> Made:
    """A certificate ``name`` valid from ``days[0]`` to ``days[1]`` days from now, with ``uri`` and
    ``hosts`` as subject alternative names, signed by ``issuer`` (self-signed without one)."""
    folder.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    names: list[x509.GeneralName] = [x509.UniformResourceIdentifier(uri)] if uri else []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + dt.timedelta(days=days[0]))
        .not_valid_after(now + dt.timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not ca,
                key_encipherment=not ca,
                data_encipherment=not ca,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    if uses and not ca:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(uses)), critical=False)
    cert = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    cert_path, key_path = folder / f"{name}.der", folder / f"{name}.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return Made(cert, key, cert_path, key_path)


def make_crl(folder: Path, ca: Made, revoked: tuple[x509.Certificate, ...] = ()) -> Path:
    """The revocation list of ``ca`` listing ``revoked``."""
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.cert.subject)
        .last_update(now - dt.timedelta(days=1))
        .next_update(now + dt.timedelta(days=30))
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(cert.serial_number).revocation_date(now).build()
        )
    crl = builder.sign(ca.key, hashes.SHA256())
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{ca.cert_path.stem}.crl"
    path.write_bytes(crl.public_bytes(serialization.Encoding.DER))
    return path

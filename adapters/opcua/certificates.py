"""Single X.509 certificates as OPC UA applications use them: reading, naming and describing one, and
the checks of one certificate on its own (who signed it, its revocation list's signature, the host
names and uses it allows).

The folder of certificates an installation trusts, and the checks of a whole chain against it, are
:class:`adapters.opcua.pki.Pki`'s; the errors of both are here.

Example:
    >>> describe_certificate(read_certificate(Path("peer.der")))  # doctest: +SKIP
    "'PLC-01' urn:plc-01:vendor:server valid 2024-01-01 to 2029-01-01, thumbprint 3F2A..."
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import re
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from translator.errors import TolkaError

__all__ = [
    "CertificateRefusedError",
    "PkiError",
    "application_uri_of",
    "check_use",
    "crl_signed_by",
    "describe_certificate",
    "file_name",
    "is_ca",
    "names_host",
    "read_certificate",
    "read_crl",
    "self_signed",
    "signed_by",
    "subject_alt_names",
    "thumbprint",
]

logger = logging.getLogger("tolka.pki")


class PkiError(TolkaError):
    """A certificate file that cannot be read or used (names the file and why)."""


class CertificateRefusedError(TolkaError):
    """A peer's certificate was refused: the OPC UA status code and the reason in words.

    Attributes:
        status: the StatusCode name (``BadCertificateUntrusted``, ``BadCertificateTimeInvalid``, ...).
        rejected: where an unknown certificate was copied (to trust it), or None.
    """

    def __init__(self, status: str, reason: str, rejected: Path | None = None) -> None:
        self.status = status
        self.rejected = rejected
        super().__init__(f"{reason} ({status})")


def thumbprint(cert: x509.Certificate) -> str:
    """The SHA-1 thumbprint OPC UA applications show (upper-case hex)."""
    return cert.fingerprint(hashes.SHA1()).hex().upper()


def read_certificate(path: Path) -> x509.Certificate:
    """A DER or PEM certificate file.

    Raises:
        PkiError: no such file, or not a certificate (names the file).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PkiError(f"{path}: {exc.strerror or exc}") from None
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise PkiError(f"{path}: not an X.509 certificate (DER or PEM)") from None


def read_crl(path: Path, *, quiet: bool = False) -> x509.CertificateRevocationList | None:
    """A DER or PEM revocation list file, or None when it cannot be read (logged unless ``quiet``)."""
    try:
        data = path.read_bytes()
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except (OSError, ValueError):
        if not quiet:
            logger.warning("the revocation list %s cannot be read; it is ignored", path)
        return None


def _common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else "certificate"


def subject_alt_names(cert: x509.Certificate) -> x509.SubjectAlternativeName | None:
    """The certificate's subject alternative names (URIs, DNS names, IP addresses), or None."""
    with contextlib.suppress(x509.ExtensionNotFound):
        return cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return None


def application_uri_of(cert: x509.Certificate) -> str:
    """The ApplicationUri of a certificate (its first URI subject alternative name), or ``""``."""
    san = subject_alt_names(cert)
    uris = san.get_values_for_type(x509.UniformResourceIdentifier) if san else []
    return uris[0] if uris else ""


def describe_certificate(cert: x509.Certificate) -> str:
    """One line: common name, ApplicationUri, validity, thumbprint."""
    return (
        f"{_common_name(cert)!r} {application_uri_of(cert) or '(no ApplicationUri)'} valid "
        f"{cert.not_valid_before_utc:%Y-%m-%d} to {cert.not_valid_after_utc:%Y-%m-%d}, "
        f"thumbprint {thumbprint(cert)}"
    )


def file_name(cert: x509.Certificate) -> str:
    """The file name a certificate is kept under: ``<common name>_<thumbprint>.der``."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", _common_name(cert)).strip("_") or "certificate"
    return f"{safe}_{thumbprint(cert)}.der"


def is_ca(cert: x509.Certificate) -> bool:
    """Whether the certificate is a CA's (its BasicConstraints say so)."""
    with contextlib.suppress(x509.ExtensionNotFound):
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    return False


def self_signed(cert: x509.Certificate) -> bool:
    """Whether the certificate is its own issuer, signature checked."""
    if cert.issuer != cert.subject:
        return False
    return signed_by(cert, cert)


def signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether ``issuer``'s key signed ``cert``."""
    try:
        cert.verify_directly_issued_by(issuer)
    except Exception:  # InvalidSignature, a key type that cannot sign certificates
        return False
    return True


def crl_signed_by(crl: x509.CertificateRevocationList, issuer: x509.Certificate) -> bool:
    """Whether ``issuer``'s key signed the revocation list."""
    key: Any = issuer.public_key()
    try:
        return bool(crl.is_signature_valid(key))
    except (TypeError, ValueError):
        return False


def names_host(san: x509.SubjectAlternativeName | None, host: str) -> bool:
    """Whether the subject alternative names hold ``host``: an IP address, or a DNS name (``*.`` too)."""
    if san is None:
        return False
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        wanted = host.lower().rstrip(".")
        return any(
            _dns_matches(name.lower().rstrip("."), wanted) for name in san.get_values_for_type(x509.DNSName)
        )
    return address in san.get_values_for_type(x509.IPAddress)


def _dns_matches(pattern: str, host: str) -> bool:
    if pattern.startswith("*."):
        return host.count(".") == pattern.count(".") and host.endswith(pattern[1:])
    return pattern == host


def check_use(cert: x509.Certificate, peer: str) -> None:
    """When the certificate limits its uses, it must allow the peer's role.

    Raises:
        CertificateRefusedError: ``BadCertificateUseNotAllowed``.
    """
    with contextlib.suppress(x509.ExtensionNotFound):
        uses = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        wanted = ExtendedKeyUsageOID.SERVER_AUTH if peer == "server" else ExtendedKeyUsageOID.CLIENT_AUTH
        if wanted not in uses and ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE not in uses:
            raise CertificateRefusedError(
                "BadCertificateUseNotAllowed",
                f"the {peer} certificate {describe_certificate(cert)} does not allow use by a {peer}",
            )

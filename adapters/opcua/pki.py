"""Tolka's OPC UA certificates: its own, and which peers it trusts, in the folder layout OPC UA
applications share (OPC 10000-12, F.1; the layout of UA-.NETStandard, open62541 and node-opcua)::

    <pki>/own/certs/tolka.der        this installation's application certificate
    <pki>/own/private/tolka.pem      its private key (mode 0600)
    <pki>/trusted/certs/             peers (or the CAs that issued them) trusted
    <pki>/trusted/crl/               revocation lists of the trusted CAs
    <pki>/issuers/certs/             CAs that may complete a chain but are not trusted on their own
    <pki>/issuers/crl/               their revocation lists
    <pki>/rejected/                  certificates that were refused, to trust after a look

A peer's certificate is accepted when it, or a CA of its chain, is in ``trusted/certs`` (or it is the
installation's own, which only its holder of the private key can present); every
certificate of the chain is inside its validity period, every CA's revocation list is present and
does not list the one below it; the ApplicationUri the peer states is in the certificate; and, when
Tolka is the client, the host name of the URL it connected to is among the certificate's DNS names
or IP addresses. An unknown certificate is refused (``BadCertificateUntrusted``), copied to
``rejected/``, and one log line says how to trust it. ``trust_all`` accepts every certificate and
says so on every connection: for tests, never for a plant.

The own certificate is made on first use: RSA 2048, SHA-256, self-signed, valid five years, with the
ApplicationUri ``urn:<host>:tolka:application`` and the host's names and addresses. It is the one
application certificate of the installation (client and server): trust it once on every peer.

Reading, describing and checking single certificates, and the errors, are in
:mod:`adapters.opcua.certificates`; making the own certificate in :mod:`adapters.opcua.own_certificate`.

Example:
    >>> Pki(Path("tolka-data/pki")).trusted_certs
    PosixPath('tolka-data/pki/trusted/certs')
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import itertools
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from adapters.opcua.certificates import (
    CertificateRefusedError,
    PkiError,
    application_uri_of,
    check_use,
    crl_signed_by,
    describe_certificate,
    file_name,
    is_ca,
    names_host,
    read_certificate,
    read_crl,
    self_signed,
    signed_by,
    subject_alt_names,
    thumbprint,
)
from adapters.opcua.own_certificate import make_own_certificate

__all__ = [
    "CertificateRefusedError",
    "Pki",
    "PkiError",
    "describe_certificate",
    "read_certificate",
    "thumbprint",
]

logger = logging.getLogger("tolka.pki")

OWN_NAME = "tolka"
_CERT_SUFFIXES = (".der", ".pem", ".crt", ".cer")
_CRL_SUFFIXES = (".crl", ".der", ".pem")

Validator = Callable[[x509.Certificate, Any], Awaitable[None]]
"""What asyncua calls with a peer's certificate and ApplicationDescription (raises to refuse)."""


@dataclass
class Pki:
    """One installation's PKI folder (see the module docstring).

    Attributes:
        root: the folder (made on first use).
        trust_all: accept every peer certificate, logged on each connection (tests only).
        role: the last part of the ApplicationUri of a certificate made here (the demo's simulated
            machines have their own).
        last_refusal: the last certificate this PKI refused, for the caller's error message.
    """

    root: Path
    trust_all: bool = False
    role: str = "application"
    last_refusal: CertificateRefusedError | None = field(default=None, compare=False)

    @property
    def own_cert(self) -> Path:
        return self.root / "own" / "certs" / f"{OWN_NAME}.der"

    @property
    def own_key(self) -> Path:
        return self.root / "own" / "private" / f"{OWN_NAME}.pem"

    @property
    def trusted_certs(self) -> Path:
        return self.root / "trusted" / "certs"

    @property
    def trusted_crl(self) -> Path:
        return self.root / "trusted" / "crl"

    @property
    def issuers_certs(self) -> Path:
        return self.root / "issuers" / "certs"

    @property
    def issuers_crl(self) -> Path:
        return self.root / "issuers" / "crl"

    @property
    def rejected(self) -> Path:
        return self.root / "rejected"

    def make_folders(self) -> None:
        for folder in (
            self.own_cert.parent,
            self.trusted_certs,
            self.trusted_crl,
            self.issuers_certs,
            self.issuers_crl,
            self.rejected,
        ):
            folder.mkdir(parents=True, exist_ok=True)
        self.own_key.parent.mkdir(parents=True, exist_ok=True)
        self.own_key.parent.chmod(0o700)

    # -- the own certificate ---------------------------------------------------------------------

    def own(self) -> tuple[Path, Path]:
        """The own certificate and key files, made when missing or expired (a new one must be trusted
        again by every peer: a log line says so)."""
        self.make_folders()
        with self._locked():
            if self.own_cert.is_file() and self.own_key.is_file():
                cert = read_certificate(self.own_cert)
                if cert.not_valid_after_utc > datetime.datetime.now(datetime.UTC) + datetime.timedelta(
                    days=1
                ):
                    return self.own_cert, self.own_key
                logger.warning(
                    "the own certificate %s has expired; a new one is made: trust it again on "
                    "every server and client that talks to Tolka",
                    self.own_cert,
                )
            make_own_certificate(self.own_cert, self.own_key, self.role)
        return self.own_cert, self.own_key

    def application_uri(self) -> str:
        """The installation's ApplicationUri, as its certificate says (made on first use)."""
        return application_uri_of(read_certificate(self.own()[0]))

    def own_certificate(self) -> x509.Certificate:
        return read_certificate(self.own()[0])

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Several processes (proxy workers) may start at once: one makes the certificate."""
        with (self.root / "own" / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    # -- trusting -----------------------------------------------------------------------------------

    def trust(self, path: Path, *, issuer: bool = False) -> Path:
        """Trust a certificate (or add a CA's revocation list): copied into ``trusted/`` (``issuers/``
        with ``issuer``); a file taken from ``rejected/`` leaves it.

        Raises:
            PkiError: the file is neither a certificate nor a revocation list.
        """
        self.make_folders()
        certs, crls = (
            (self.issuers_certs, self.issuers_crl) if issuer else (self.trusted_certs, self.trusted_crl)
        )
        if not path.is_file():
            raise PkiError(f"{path}: no such file")
        try:
            cert = read_certificate(path)
        except PkiError:
            crl = read_crl(path, quiet=True)
            if crl is None:
                raise PkiError(f"{path}: neither a certificate nor a revocation list (DER or PEM)") from None
            where = crls / (path.stem + ".crl")
            where.write_bytes(crl.public_bytes(serialization.Encoding.DER))
            return where
        where = certs / file_name(cert)
        where.write_bytes(cert.public_bytes(serialization.Encoding.DER))
        rejected = self.rejected / file_name(cert)
        if rejected.exists() and rejected.resolve() != where.resolve():
            rejected.unlink()
        if path.resolve().parent == self.rejected.resolve() and path.exists():
            path.unlink()
        return where

    def certificates(self, folder: Path) -> list[tuple[Path, x509.Certificate]]:
        """The readable certificates of a folder (unreadable files are skipped with a log line)."""
        found = []
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.suffix.lower() in _CERT_SUFFIXES and path.is_file():
                    try:
                        found.append((path, read_certificate(path)))
                    except PkiError as exc:
                        logger.warning("%s; it is ignored", exc)
        return found

    def _crls(self) -> list[x509.CertificateRevocationList]:
        lists = []
        for folder in (self.trusted_crl, self.issuers_crl):
            if folder.is_dir():
                for path in sorted(folder.iterdir()):
                    if path.suffix.lower() in _CRL_SUFFIXES and path.is_file():
                        crl = read_crl(path)
                        if crl is not None:
                            lists.append(crl)
        return lists

    # -- checking a peer ----------------------------------------------------------------------------

    def check(
        self,
        cert: x509.Certificate,
        *,
        application_uri: str | None = None,
        host: str | None = None,
        peer: str = "server",
    ) -> None:
        """Accept ``cert`` of a peer or raise `CertificateRefusedError` (see the module docstring).

        Args:
            application_uri: the ApplicationUri the peer states (checked against the certificate).
            host: when Tolka is the client: the host name or address it connected to.
            peer: ``server`` or ``client``: the use the certificate must allow.
        """
        trusted = self.certificates(self.trusted_certs)
        issuers = self.certificates(self.issuers_certs)
        chain = self._chain(cert, [c for _, c in trusted + issuers])
        trusted_prints = {thumbprint(c) for _, c in trusted}
        if self.own_cert.is_file():  # the installation's own processes (proxy and its clients) trust it
            trusted_prints.add(thumbprint(read_certificate(self.own_cert)))
        if not any(thumbprint(c) in trusted_prints for c in chain):
            if self.trust_all:
                logger.warning(
                    "--trust-all accepts the untrusted %s certificate %s",
                    peer,
                    describe_certificate(cert),
                )
                return
            raise self._reject(cert, peer)
        if not self_signed(chain[-1]):  # an issuer that is neither in trusted/ nor in issuers/
            raise CertificateRefusedError(
                "BadCertificateChainIncomplete",
                f"the {peer} certificate {describe_certificate(cert)} has no complete chain of CAs",
            )
        now = datetime.datetime.now(datetime.UTC)
        for position, link in enumerate(chain):
            if not link.not_valid_before_utc <= now <= link.not_valid_after_utc:
                status = "BadCertificateTimeInvalid" if position == 0 else "BadCertificateIssuerTimeInvalid"
                raise CertificateRefusedError(
                    status, f"the {peer} certificate {describe_certificate(link)} is outside its validity"
                )
        self._check_revocation(chain, peer)
        san = subject_alt_names(cert)
        if application_uri is not None and application_uri not in (
            san.get_values_for_type(x509.UniformResourceIdentifier) if san else []
        ):
            raise CertificateRefusedError(
                "BadCertificateUriInvalid",
                f"the {peer} states the ApplicationUri {application_uri!r} but its certificate "
                f"{describe_certificate(cert)} is for another",
            )
        if host is not None and not names_host(san, host):
            raise CertificateRefusedError(
                "BadCertificateHostNameInvalid",
                f"the {peer} certificate {describe_certificate(cert)} is not for the host {host!r}",
            )
        check_use(cert, peer)

    def _chain(self, cert: x509.Certificate, known: list[x509.Certificate]) -> list[x509.Certificate]:
        """``cert`` and the CAs above it found among ``known`` (signatures checked), leaf first."""
        chain = [cert]
        while not self_signed(chain[-1]) and len(chain) < 10:
            issuer = next(
                (c for c in known if c.subject == chain[-1].issuer and is_ca(c) and signed_by(chain[-1], c)),
                None,
            )
            if issuer is None:
                break
            chain.append(issuer)
        return chain

    def _check_revocation(self, chain: list[x509.Certificate], peer: str) -> None:
        crls = self._crls()
        for below, issuer in itertools.pairwise(chain):
            lists = [crl for crl in crls if crl.issuer == issuer.subject and crl_signed_by(crl, issuer)]
            if not lists:
                raise CertificateRefusedError(
                    "BadCertificateRevocationUnknown",
                    f"no revocation list of the CA {describe_certificate(issuer)} (put it in "
                    f"{self.trusted_crl} or {self.issuers_crl})",
                )
            if any(crl.get_revoked_certificate_by_serial_number(below.serial_number) for crl in lists):
                raise CertificateRefusedError(
                    "BadCertificateRevoked",
                    f"the {peer} certificate {describe_certificate(below)} is revoked",
                )

    def _reject(self, cert: x509.Certificate, peer: str) -> CertificateRefusedError:
        self.rejected.mkdir(parents=True, exist_ok=True)
        where = self.rejected / file_name(cert)
        where.write_bytes(cert.public_bytes(serialization.Encoding.DER))
        return CertificateRefusedError(
            "BadCertificateUntrusted",
            f"refused the unknown {peer} certificate {describe_certificate(cert)}; if it is the one you "
            f"expect, trust it: tolka pki trust {where} (or move the file into {self.trusted_certs})",
            rejected=where,
        )

    def validator(self, *, peer: str, host: str | None = None) -> Validator:
        """The check asyncua runs on a peer's certificate (client: on the server's, with ``host``;
        server: on each client's). A refusal raises asyncua's ServiceError with its status code and
        is kept in `last_refusal`; a refused client is logged here (a refused server is reported by
        whoever tried to connect)."""
        from asyncua.common.utils import ServiceError
        from asyncua.ua.status_codes import StatusCodes

        async def validate(cert: x509.Certificate, description: Any) -> None:
            try:
                self.check(
                    cert,
                    application_uri=getattr(description, "ApplicationUri", None),
                    host=host,
                    peer=peer,
                )
            except CertificateRefusedError as refusal:
                self.last_refusal = refusal
                if peer == "client":
                    logger.warning("%s", refusal)
                raise ServiceError(getattr(StatusCodes, refusal.status)) from None

        return validate

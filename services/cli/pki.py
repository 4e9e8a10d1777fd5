"""``tolka pki``: Tolka's OPC UA certificates — show its own, trust a peer's, list what is there."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from services.cli.errors import reports_errors
from services.cli.opcua import DEFAULT_PKI, PkiOption

__all__ = ["pki_app"]

pki_app = typer.Typer(
    name="pki",
    help="Tolka's OPC UA certificates, in the folder layout OPC UA applications share: own/ (Tolka's, made "
    "on first use), trusted/certs and trusted/crl (peers and CAs trusted, their revocation lists), "
    "issuers/ (CAs that only complete chains), rejected/ (refused certificates, to trust after a look).",
    no_args_is_help=True,
)


@pki_app.command("trust")
@reports_errors
def trust_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Certificates (DER or PEM) of servers or clients, or of the CAs that issued them, or "
            "revocation lists of those CAs; typically files from the rejected/ folder.",
            show_default=False,
        ),
    ],
    pki: PkiOption = DEFAULT_PKI,
    issuer: Annotated[
        bool,
        typer.Option("--issuer", help="A CA that only completes chains (issuers/), not trusted on its own."),
    ] = False,
) -> None:
    """Trust a peer: copy its certificate into trusted/certs (a revocation list into trusted/crl).
    A file taken from rejected/ leaves it. Look at what you trust: 'tolka pki list' shows it.

    Examples:

        tolka pki trust tolka-data/pki/rejected/PLC_01_3F2A....der

        tolka pki trust --issuer plant-ca.der plant-ca.crl
    """
    from adapters.opcua.pki import Pki, describe_certificate, read_certificate

    folder = Pki(pki)
    for file in files:
        where = folder.trust(file, issuer=issuer)
        what = describe_certificate(read_certificate(where)) if where.suffix == ".der" else "revocation list"
        print(f"trusted {what}\n  in {where}")


@pki_app.command("own")
@reports_errors
def own_command(pki: PkiOption = DEFAULT_PKI) -> None:
    """Print Tolka's own certificate (made now if missing): the file to trust on servers and clients."""
    from adapters.opcua.pki import Pki, describe_certificate

    folder = Pki(pki)
    cert, _ = folder.own()
    print(f"{cert}\n  {describe_certificate(folder.own_certificate())}")


@pki_app.command("list")
@reports_errors
def list_command(pki: PkiOption = DEFAULT_PKI) -> None:
    """List the certificates of each folder: own, trusted, issuers, rejected."""
    from adapters.opcua.pki import Pki, describe_certificate

    folder = Pki(pki)
    for name, where in (
        ("own", folder.own_cert.parent),
        ("trusted", folder.trusted_certs),
        ("issuers", folder.issuers_certs),
        ("rejected", folder.rejected),
    ):
        found = folder.certificates(where)
        print(f"{name} ({where}): {len(found) or 'none'}")
        for path, cert in found:
            print(f"  {path.name}: {describe_certificate(cert)}")

"""Tolka's PKI: its own certificate, and which peer certificates it accepts (trust, chain, validity,
revocation, ApplicationUri, host name), in the folder layout OPC UA applications share."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from adapters.opcua.pki import CertificateRefusedError, Pki, PkiError, read_certificate
from tests.adapters.certs import make_certificate, make_crl

URI = "urn:plc-01:vendor:server"


def refused(pki: Pki, cert: x509.Certificate, **checks: object) -> str:
    with pytest.raises(CertificateRefusedError) as caught:
        pki.check(cert, **checks)  # type: ignore[arg-type]
    return caught.value.status


def test_the_own_certificate_is_made_once_per_installation(tmp_path: Path) -> None:
    pki = Pki(tmp_path / "pki")
    cert_path, key_path = pki.own()
    assert cert_path == tmp_path / "pki" / "own" / "certs" / "tolka.der"
    assert key_path.stat().st_mode & 0o077 == 0  # the private key is the owner's only
    cert = read_certificate(cert_path)
    host = socket.gethostname()
    assert pki.application_uri() == f"urn:{host}:tolka:application"
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert host in san.get_values_for_type(x509.DNSName)
    assert "127.0.0.1" in {str(a) for a in san.get_values_for_type(x509.IPAddress)}
    uses = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert {ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH} <= set(uses)
    assert pki.own() == (cert_path, key_path)
    assert read_certificate(cert_path) == cert  # reused, not made again
    for folder in ("trusted/certs", "trusted/crl", "issuers/certs", "issuers/crl", "rejected"):
        assert (tmp_path / "pki" / folder).is_dir()
    pki.check(cert, application_uri=pki.application_uri(), host="127.0.0.1")  # it trusts itself


def test_an_unknown_certificate_is_refused_copied_to_rejected_and_trusted_on_request(tmp_path: Path) -> None:
    pki = Pki(tmp_path / "pki")
    peer = make_certificate(tmp_path / "peer", "PLC-01", URI)
    with pytest.raises(CertificateRefusedError) as caught:
        pki.check(peer.cert, application_uri=URI, host="127.0.0.1")
    assert caught.value.status == "BadCertificateUntrusted"
    rejected = caught.value.rejected
    assert rejected is not None
    assert rejected.parent == pki.rejected
    assert read_certificate(rejected) == peer.cert
    assert f"tolka pki trust {rejected}" in str(caught.value)
    trusted = pki.trust(rejected)  # as `tolka pki trust` does
    assert trusted.parent == pki.trusted_certs
    assert not rejected.exists()
    pki.check(peer.cert, application_uri=URI, host="127.0.0.1")


def test_a_trusted_certificate_must_still_be_valid_for_this_peer(tmp_path: Path) -> None:
    pki = Pki(tmp_path / "pki")
    expired = make_certificate(tmp_path / "c", "old", URI, days=(-30, -1))
    elsewhere = make_certificate(tmp_path / "c", "other-host", URI, hosts=("plc-02.example",))
    client_only = make_certificate(tmp_path / "c", "client", URI, uses=(ExtendedKeyUsageOID.CLIENT_AUTH,))
    for made in (expired, elsewhere, client_only):
        pki.trust(made.cert_path)
    assert refused(pki, expired.cert, application_uri=URI) == "BadCertificateTimeInvalid"
    assert refused(pki, elsewhere.cert, host="127.0.0.1") == "BadCertificateHostNameInvalid"
    pki.check(elsewhere.cert, host="PLC-02.example.")  # names compare without case or the final dot
    assert refused(pki, elsewhere.cert, application_uri="urn:another") == "BadCertificateUriInvalid"
    assert refused(pki, client_only.cert, peer="server") == "BadCertificateUseNotAllowed"
    pki.check(client_only.cert, peer="client")


def test_a_certificate_issued_by_a_trusted_ca_is_checked_against_its_revocation_list(tmp_path: Path) -> None:
    pki = Pki(tmp_path / "pki")
    ca = make_certificate(tmp_path / "ca", "Plant-CA", ca=True, hosts=())
    good = make_certificate(tmp_path / "c", "PLC-01", URI, issuer=ca)
    bad = make_certificate(tmp_path / "c", "PLC-02", URI, issuer=ca)
    forged = make_certificate(tmp_path / "c", "PLC-03", URI)  # claims nothing, signed by itself
    pki.trust(ca.cert_path)
    assert refused(pki, good.cert) == "BadCertificateRevocationUnknown"  # no list: cannot know
    pki.trust(make_crl(tmp_path / "crl", ca, revoked=(bad.cert,)))
    pki.check(good.cert, application_uri=URI, host="127.0.0.1")
    assert refused(pki, bad.cert) == "BadCertificateRevoked"
    assert refused(pki, forged.cert) == "BadCertificateUntrusted"


def test_an_issuer_only_completes_a_chain_and_trusts_nothing_on_its_own(tmp_path: Path) -> None:
    pki = Pki(tmp_path / "pki")
    root = make_certificate(tmp_path / "ca", "Root-CA", ca=True, hosts=())
    site = make_certificate(tmp_path / "ca", "Site-CA", ca=True, hosts=(), issuer=root)
    plc = make_certificate(tmp_path / "c", "PLC-01", URI, issuer=site)
    pki.trust(site.cert_path, issuer=True)
    pki.trust(make_crl(tmp_path / "crl", site), issuer=True)
    assert refused(pki, plc.cert) == "BadCertificateUntrusted"
    pki.trust(root.cert_path)
    pki.trust(make_crl(tmp_path / "crl", root))
    pki.check(plc.cert, application_uri=URI)


def test_trust_all_accepts_what_is_unknown_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    peer = make_certificate(tmp_path / "peer", "PLC-01", URI)
    Pki(tmp_path / "pki", trust_all=True).check(peer.cert, application_uri=URI)
    assert "--trust-all accepts the untrusted server certificate 'PLC-01'" in caplog.text


def test_tolka_pki_trust_and_list(tmp_path: Path) -> None:
    pki = Pki(tmp_path / "pki")
    peer = make_certificate(tmp_path / "peer", "PLC-01", URI)
    with pytest.raises(CertificateRefusedError) as caught:
        pki.check(peer.cert)
    assert caught.value.rejected is not None
    base = [str(Path(sys.executable).with_name("tolka")), "pki"]
    listed = subprocess.run(
        [*base, "list", "--pki", str(pki.root)], capture_output=True, text=True, check=True
    )
    assert "rejected" in listed.stdout
    assert "'PLC-01' urn:plc-01:vendor:server" in listed.stdout
    done = subprocess.run(
        [*base, "trust", str(caught.value.rejected), "--pki", str(pki.root)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "trusted 'PLC-01'" in done.stdout
    pki.check(peer.cert)
    bad = subprocess.run(
        [*base, "trust", str(tmp_path / "nothing.der"), "--pki", str(pki.root)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip() == f"tolka: error: {tmp_path / 'nothing.der'}: no such file"
    own = subprocess.run([*base, "own", "--pki", str(pki.root)], capture_output=True, text=True, check=True)
    assert str(pki.own_cert) in own.stdout


def test_a_file_that_is_no_certificate_is_named(tmp_path: Path) -> None:
    junk = tmp_path / "junk.der"
    junk.write_bytes(b"not a certificate")
    with pytest.raises(PkiError, match=r"junk\.der: neither a certificate nor a revocation list"):
        Pki(tmp_path / "pki").trust(junk)


def test_a_trusted_certificate_whose_issuer_is_unknown_has_an_incomplete_chain(tmp_path: Path) -> None:
    pki = Pki(tmp_path / "pki")
    ca = make_certificate(tmp_path / "ca", "Unknown-CA", ca=True, hosts=())
    plc = make_certificate(tmp_path / "c", "PLC-01", URI, issuer=ca)
    pki.trust(plc.cert_path)  # the leaf is trusted, but its CA is nowhere: the chain cannot be checked
    assert refused(pki, plc.cert) == "BadCertificateChainIncomplete"
    pki.trust(ca.cert_path, issuer=True)
    pki.trust(make_crl(tmp_path / "crl", ca), issuer=True)
    pki.check(plc.cert, application_uri=URI)

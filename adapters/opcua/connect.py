"""Apply a `ClientSecurity` to an asyncua client, and say in one line why a secure connection failed.

``secure_client`` is called before ``client.connect()``: it reads the server's endpoints (over the
discovery channel, which carries no secret), picks the endpoint (``auto``: the most secure one Tolka
speaks), loads the installation's certificate from the PKI, and makes asyncua check the server's
certificate against the PKI (trust, validity, revocation, ApplicationUri and the URL's host) before
any user credential is sent: a refused server certificate ends the connection after the secure
channel is opened and before the session is activated.

``refusal`` turns what asyncua raises when either side refuses a certificate into one sentence: the
server certificate Tolka refused and how to trust it, or the certificate of Tolka's to trust on the
server.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from asyncua import ua
from asyncua.client.client import Client
from asyncua.crypto import security_policies
from asyncua.ua.uaerrors import UaStatusCodeError

from adapters.opcua.pki import Pki
from adapters.opcua.security import AUTO, MODES, POLICIES, ClientSecurity, SecurityError

__all__ = ["refusal", "secure_client"]

logger = logging.getLogger("tolka.opcua")

_POLICY_CLASSES: dict[str, type[security_policies.SecurityPolicy]] = {
    "Basic256Sha256": security_policies.SecurityPolicyBasic256Sha256,
    "Aes128_Sha256_RsaOaep": security_policies.SecurityPolicyAes128Sha256RsaOaep,
    "Aes256_Sha256_RsaPss": security_policies.SecurityPolicyAes256Sha256RsaPss,
}
_BY_URI = {cls.URI: name for name, cls in _POLICY_CLASSES.items()}
# status codes a server answers when it does not accept the client's certificate (OPC 10000-4, 5.6.2)
_REFUSED_BY_SERVER = {
    "BadSecurityChecksFailed",
    "BadCertificateUntrusted",
    "BadCertificateInvalid",
    "BadCertificateUriInvalid",
    "BadCertificateTimeInvalid",
    "BadCertificateRevoked",
    "BadCertificateRevocationUnknown",
    "BadCertificateUseNotAllowed",
    "BadCertificateHostNameInvalid",
    "BadCertificateIssuerRevocationUnknown",
}


def _pki(security: ClientSecurity) -> Pki:
    return Pki(security.pki, trust_all=security.trust_all)


async def secure_client(client: Client, url: str, security: ClientSecurity) -> Pki:
    """Configure ``client`` (before ``connect``); the PKI whose checks it runs.

    Raises:
        SecurityError: the server offers no endpoint with the asked (or any secure) policy; names
            what it offers.
    """
    pki = _pki(security)
    if security.username:
        client.set_user(security.username)
        client.set_password(security.password)
    if security.user_certificate is not None and security.user_key is not None:
        await client.load_client_certificate(str(security.user_certificate))
        await client.load_private_key(security.user_key)
    endpoints = await client.connect_and_get_server_endpoints()
    endpoint = _choose(endpoints, security, url)
    if not security.secure:
        return pki
    if security.trust_all:
        logger.warning("--trust-all: the certificate of %s is accepted without being trusted", url)
    policy = _BY_URI[endpoint.SecurityPolicyUri]
    cert, key = pki.own()
    client.application_uri = pki.application_uri()
    client.certificate_validator = pki.validator(peer="server", host=urlsplit(url).hostname)
    await client.set_security(
        _POLICY_CLASSES[policy],
        str(cert),
        str(key),
        server_certificate=_first_certificate(endpoint.ServerCertificate),
        mode=endpoint.SecurityMode,
    )
    return pki


def _first_certificate(data: bytes) -> bytes:
    """The server's certificate when it sent a chain (asyncua reads the first of the chain)."""
    from asyncua.crypto import uacrypto

    cert = uacrypto.x509_from_der(data)  # type: ignore[no-untyped-call]
    return bytes(uacrypto.der_from_x509(cert)) if cert is not None else data  # type: ignore[no-untyped-call]


def _choose(
    endpoints: list[ua.EndpointDescription], security: ClientSecurity, url: str
) -> ua.EndpointDescription:
    wanted_policies = POLICIES if security.policy == AUTO else (security.policy,)
    wanted_modes = MODES if security.mode == AUTO else (security.mode,)
    if security.policy == "None":
        fits = [ep for ep in endpoints if ep.SecurityMode == ua.MessageSecurityMode.None_]
    else:
        fits = [
            ep
            for ep in endpoints
            if ep.SecurityPolicyUri in _BY_URI
            and _BY_URI[ep.SecurityPolicyUri] in wanted_policies
            and ep.SecurityMode.name in wanted_modes
        ]
    if not fits:
        offered = sorted(
            {
                ep.SecurityPolicyUri.rpartition("#")[2]
                + ("" if ep.SecurityMode == ua.MessageSecurityMode.None_ else f"-{ep.SecurityMode.name}")
                for ep in endpoints
            }
        )
        asked = security.describe().split(" ")[0]
        hint = (
            "; it offers no security at all: give --source-security None to connect without it"
            if offered == ["None"]
            else ""
        )
        raise SecurityError(
            f"the server offers no endpoint for {asked}: it offers {', '.join(offered)}{hint}"
        )

    if security.policy == "None":
        return fits[0]

    def strength(ep: ua.EndpointDescription) -> tuple[int, int, int]:
        return (
            MODES.index(ep.SecurityMode.name),
            POLICIES.index(_BY_URI[ep.SecurityPolicyUri]),
            ep.SecurityLevel,
        )

    return max(fits, key=strength)


def refusal(exc: BaseException, pki: Pki | None) -> str | None:
    """One sentence when ``exc`` is a refused certificate, either way; None otherwise."""
    if pki is not None and pki.last_refusal is not None:
        return str(pki.last_refusal)
    status = ""
    if isinstance(exc, UaStatusCodeError):
        status = ua.StatusCode(exc.code).name
    if status in _REFUSED_BY_SERVER or (
        pki is not None and isinstance(exc, AssertionError | ConnectionError)
    ):
        if pki is None:
            return None
        own = pki.own_certificate()
        from adapters.opcua.pki import describe_certificate

        return (
            f"the server refused the connection{f' ({status})' if status else ''}: if it does not trust "
            f"Tolka's certificate yet, trust {pki.own_cert} ({describe_certificate(own)}) on the server; "
            "most servers keep it in their rejected folder"
        )
    return None

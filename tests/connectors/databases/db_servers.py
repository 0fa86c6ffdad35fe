"""What the database tests share: a started server's address, account and TLS CA, a free port, certificates."""

from __future__ import annotations

import datetime
import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

__all__ = ["DatabaseServer", "TlsFiles", "free_port", "logged_text", "make_tls"]


@dataclass(frozen=True)
class DatabaseServer:
    """Where a started server listens and who may connect."""

    host: str
    port: int
    user: str
    password: str
    database: str
    ca_pem: str = ""
    """The CA that signed the server's certificate (for 127.0.0.1)."""
    other_ca_pem: str = ""
    """A CA that did not sign it (a certificate check must fail)."""
    tls_port: int = 0
    """A separate TLS port (Redis); SQL servers offer TLS on ``port``."""

    def credential(self, **overrides: Any) -> dict[str, Any]:
        """The connector credential (host/port/database/username/password)."""
        base = {
            "host": self.host,
            "port": self.port,
            "database": self.database,
            "username": self.user,
            "password": self.password,
        }
        return {**base, **overrides}


def free_port() -> int:
    """A loopback port nothing listens on (also what the "server unavailable" tests dial)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured log record with all its fields, as the log pipeline would receive them."""
    return "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)


@dataclass(frozen=True)
class TlsFiles:
    """A server certificate for 127.0.0.1/localhost, its CA, and a CA that did not sign it."""

    cert: Path
    key: Path
    ca_pem: str
    other_ca_pem: str


def _ca(name: str) -> tuple[Any, Any]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def make_tls(directory: Path) -> TlsFiles:
    """Write a fresh CA-signed server certificate and key into ``directory``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ca_key, ca_cert = _ca("wfaib test CA")
    _, other_ca = _ca("some other CA")
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_path, key_path = directory / "server.crt", directory / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    pem = serialization.Encoding.PEM
    return TlsFiles(
        cert_path, key_path, ca_cert.public_bytes(pem).decode(), other_ca.public_bytes(pem).decode()
    )

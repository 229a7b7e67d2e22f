"""KSeF verification links and their QR codes (KSEF-NOTES.md §10, the official rules).

Code I: `{base}/invoice/{seller NIP}/{P_1 DD-MM-YYYY}/{SHA-256 of the XML, Base64URL}`,
printed with the KSeF number under it (or OFFLINE). Code II (offline invoices only):
`{base}/certificate/{context type}/{context id}/{seller NIP}/{cert serial}/{hash}/{signature}`,
where the signature covers the link without `https://`, made with a KSeF Offline certificate
key (RSASSA-PSS SHA-256 or ECDSA P-256 P1363), printed with CERTYFIKAT under it.
"""

from __future__ import annotations

import base64
import hashlib
import io
from datetime import date

import segno
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def invoice_link(base_url: str, seller_nip: str, issue_date: date, xml: bytes) -> str:
    digest = b64url(hashlib.sha256(xml).digest())
    return f"{base_url.rstrip('/')}/invoice/{seller_nip}/{issue_date:%d-%m-%Y}/{digest}"


def certificate_link(
    base_url: str,
    *,
    context_type: str,
    context_id: str,
    seller_nip: str,
    cert_serial: str,
    xml: bytes,
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
) -> str:
    digest = b64url(hashlib.sha256(xml).digest())
    link = (
        f"{base_url.rstrip('/')}/certificate/{context_type}/{context_id}/{seller_nip}/"
        f"{cert_serial}/{digest}"
    )
    signed = link.removeprefix("https://").encode()
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(
            signed, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256()
        )
    else:
        r, s = decode_dss_signature(key.sign(signed, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return f"{link}/{b64url(signature)}"


def qr_png(link: str, scale: int = 4) -> bytes:
    out = io.BytesIO()
    segno.make(link, error="m", micro=False).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def qr_svg_data_uri(link: str) -> str:
    return str(segno.make(link, error="m", micro=False).svg_data_uri(scale=3, border=2))

import base64

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from ksef_client import Identity, KsefClient, self_signed
from spec import assert_response

from ksef_simulator.certificates import FIELDS

NIP = "7010002137"
CERTS = "/v2/certificates"


def _csr(data: dict[str, str], key: rsa.RSAPrivateKey) -> str:
    name = x509.Name([x509.NameAttribute(FIELDS[f], v) for f, v in data.items() if v])
    csr = x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA256())
    return base64.b64encode(csr.public_bytes(Encoding.DER)).decode()


async def _enroll(client: KsefClient, kind: str) -> Identity:
    """Enrollment data -> CSR -> enrollment -> status -> retrieve, as a client would."""
    http = client.http
    data_resp = await http.get(f"{CERTS}/enrollments/data", headers=client.auth())
    assert_response(data_resp, "/certificates/enrollments/data")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body = {"certificateName": f"Biuro {kind}", "certificateType": kind,
            "csr": _csr(data_resp.json(), key)}  # fmt: skip
    enrolled = await http.post(f"{CERTS}/enrollments", json=body, headers=client.auth())
    assert_response(enrolled, "/certificates/enrollments", "post")
    assert enrolled.status_code == 202
    ref = enrolled.json()["referenceNumber"]
    status = await http.get(f"{CERTS}/enrollments/{ref}", headers=client.auth())
    assert_response(status, "/certificates/enrollments/{referenceNumber}")
    assert status.json()["status"]["code"] == 200
    serial = status.json()["certificateSerialNumber"]
    got = await http.post(
        f"{CERTS}/retrieve", json={"certificateSerialNumbers": [serial]}, headers=client.auth()
    )
    assert_response(got, "/certificates/retrieve", "post")
    [item] = got.json()["certificates"]
    assert (item["certificateType"], item["certificateSerialNumber"]) == (kind, serial)
    cert = x509.load_der_x509_certificate(base64.b64decode(item["certificate"]))
    assert f"{cert.serial_number:016X}" == serial
    return Identity(key, cert)


async def _auth_status(http: httpx.AsyncClient, identity: Identity) -> dict[str, object]:
    client = KsefClient(http)
    init = await client.start_xades_auth(identity, NIP)
    assert init.status_code == 202
    token = init.json()["authenticationToken"]["token"]
    resp = await http.get(f"/v2/auth/{init.json()['referenceNumber']}", headers=client.auth(token))
    assert_response(resp, "/auth/{referenceNumber}")
    body: dict[str, object] = resp.json()
    return body


async def test_enrolled_certificate_logs_in_until_revoked(http: httpx.AsyncClient) -> None:
    client = KsefClient(http)
    await client.login_xades(self_signed(nip=NIP), NIP)
    limits = await http.get(f"{CERTS}/limits", headers=client.auth())
    assert_response(limits, "/certificates/limits")
    assert limits.json()["certificate"] == {"limit": 100, "remaining": 100}
    data = (await http.get(f"{CERTS}/enrollments/data", headers=client.auth())).json()
    assert data["serialNumber"] == f"TINPL-{NIP}"

    auth_cert = await _enroll(client, "Authentication")
    offline_cert = await _enroll(client, "Offline")
    ok = await _auth_status(http, auth_cert)
    assert ok["status"] == {"code": 200, "description": "Uwierzytelnianie zakończone sukcesem"}
    assert ok["authenticationMethod"] == "InternalCertificate"
    ksef_client = KsefClient(http)
    await ksef_client.login_xades(auth_cert, NIP)  # a full login with the KSeF certificate
    offline = await _auth_status(http, offline_cert)
    assert offline["status"] == {
        "code": 460,
        "description": "Uwierzytelnianie zakończone niepowodzeniem z powodu błędu certyfikatu",
        "details": ["Niepoprawny certyfikat"],
    }

    serial = f"{auth_cert.cert.serial_number:016X}"
    revoked = await http.post(
        f"{CERTS}/{serial}/revoke",
        json={"revocationReason": "KeyCompromise"},
        headers=client.auth(),
    )
    assert_response(revoked, "/certificates/{certificateSerialNumber}/revoke", "post")
    assert revoked.status_code == 204
    refused = await _auth_status(http, auth_cert)
    assert refused["status"]["details"] == ["Certyfikat odwołany"]  # type: ignore[index]
    again = await http.post(f"{CERTS}/{serial}/revoke", json={}, headers=client.auth())
    assert again.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 25009

    listed = await http.post(f"{CERTS}/query", json={}, headers=client.auth())
    assert_response(listed, "/certificates/query", "post")
    statuses = {c["type"]: c["status"] for c in listed.json()["certificates"]}
    assert statuses == {"Authentication": "Revoked", "Offline": "Active"}
    active = await http.post(f"{CERTS}/query", json={"status": "Active"}, headers=client.auth())
    [only] = active.json()["certificates"]
    assert only["subjectIdentifier"] == {"type": "Nip", "value": NIP}
    limits = await http.get(f"{CERTS}/limits", headers=client.auth())
    assert limits.json()["enrollment"]["remaining"] == 298


async def test_csr_must_match_the_enrollment_data(http: httpx.AsyncClient) -> None:
    client = KsefClient(http)
    await client.login_xades(self_signed(nip=NIP), NIP)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    csr = _csr({"commonName": "Someone Else", "countryName": "PL"}, key)
    body = {"certificateName": "Obcy certyfikat", "certificateType": "Authentication", "csr": csr}
    resp = await http.post(f"{CERTS}/enrollments", json=body, headers=client.auth())
    assert_response(resp, "/certificates/enrollments", "post")
    assert resp.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 25003
    body["csr"] = base64.b64encode(b"not a csr").decode()
    resp = await http.post(f"{CERTS}/enrollments", json=body, headers=client.auth())
    assert resp.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 25004
    missing = await http.get(
        f"{CERTS}/enrollments/20250101-CE-0000000000-0000000000-00", headers=client.auth()
    )
    assert missing.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 25005

"""Create the auth service's token signing key (EC P-256, PEM) once, for the compose stack.

Runs as root (with CHOWN only) in a one-shot container, so it can hand the key to the service
user; an existing key is kept, so tokens stay valid across `docker compose up`.
"""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

KEY = Path("/keys/signing-key.pem")
SERVICE_UID = SERVICE_GID = 10001  # the Dockerfile's service user

if KEY.exists():
    print(f"kept {KEY}")
else:
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Created read-only for its owner, so the key is never readable by anyone else.
    fd = os.open(KEY, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    os.chown(KEY, SERVICE_UID, SERVICE_GID)
    print(f"created {KEY}")

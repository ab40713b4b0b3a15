"""Password hashes: Argon2id for every new hash; older Werkzeug hashes still verify, and are
replaced at the next sign-in.

Argon2id with OWASP's minimum (19 MiB, 2 passes, 1 lane) is the Password Storage Cheat Sheet's
first choice, and costs about a quarter of Werkzeug's default scrypt (20 against 80 ms on a
bench core): a sign-in holds a sync worker for that long, and every request queued behind it
waits too. argon2-cffi's PasswordHasher also says when a hash's parameters are older than
these (`check_needs_rehash`), so raising them later upgrades accounts as they sign in.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
ARGON2_PREFIX = "$argon2"


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether `password` is the one `stored_hash` was made from (Argon2id, or an earlier
    Werkzeug scrypt or PBKDF2 hash); a malformed hash matches nothing."""
    if not stored_hash:
        return False
    if stored_hash.startswith(ARGON2_PREFIX):
        try:
            return _HASHER.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False
    try:
        return check_password_hash(stored_hash, password)
    except ValueError:  # not a hash Werkzeug knows either
        return False


def needs_rehash(stored_hash: str) -> bool:
    """A hash made another way, or with other parameters, than `hash_password` makes them today."""
    if not stored_hash.startswith(ARGON2_PREFIX):
        return True
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True

"""“记住密码” through the operating system's keyring (keyring package).

On a machine without a usable keyring backend (a headless Linux box) nothing is
stored anywhere: available() says so, and the login dialog tells the user.
Passwords are never written to our own files.
"""

from __future__ import annotations

import contextlib
import logging

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError

log = logging.getLogger(__name__)
SERVICE_PREFIX = "crm-desktop"


def _backend() -> KeyringBackend:
    return keyring.get_keyring()


def available() -> bool:
    """True when a real, secure backend is present (not the fail or plaintext ones)."""
    try:
        backend = _backend()
    except Exception:  # a broken backend configuration must not stop the login
        return False
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if name.startswith("keyring.backends.fail") or "PlaintextKeyring" in name:
        return False
    if name.startswith("keyring.backends.chainer"):
        return bool(getattr(backend, "backends", []))
    try:
        return backend.priority > 0
    except Exception:
        return False


def unavailable_reason() -> str:
    return "本机没有可用的系统密码库（钥匙串），无法记住密码；每次登录请手动输入。"


def _service(database_key: str) -> str:
    return f"{SERVICE_PREFIX}:{database_key}"


def remember(database_key: str, username: str, password: str) -> bool:
    """Store the password; False (and nothing stored) when the keyring refuses."""
    if not available():
        return False
    try:
        keyring.set_password(_service(database_key), username, password)
        return True
    except (KeyringError, Exception):  # any backend failure: just don't remember
        log.warning("keyring refused to store the password", exc_info=True)
        return False


def recall(database_key: str, username: str) -> str | None:
    if not username or not available():
        return None
    try:
        return keyring.get_password(_service(database_key), username)
    except Exception:
        return None


def forget(database_key: str, username: str) -> None:
    if not username or not available():
        return
    with contextlib.suppress(Exception):
        keyring.delete_password(_service(database_key), username)

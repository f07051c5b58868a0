"""Test settings: the real settings module in debug mode, with a fast password hasher."""

import os

os.environ.setdefault("ZAKRILA_DEBUG", "1")
# Tests sign in with force_login; the two-factor tests turn it on themselves.
os.environ.setdefault("ZAKRILA_REQUIRE_2FA", "0")
os.environ.setdefault(
    "ZAKRILA_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test")
)

from zakrila.settings import *  # noqa: F403

# Argon2 is what production uses (a test checks it); hashing it hundreds of times is slow.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = False

# The suite runs in one process, so the per-process cache may hold the memberships: every test
# that changes a membership, a unit or an organisation then checks its invalidation too.
ZAKRILA_MEMBERSHIP_CACHE = True

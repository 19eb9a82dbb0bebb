"""A pytest plugin for `make mutation` only: demo people hashed with a fast hasher.

Every mutant starts a test session, and hashing some twenty demo passwords with PBKDF2 costs seconds each time;
the mutated modules never hash a password. The normal suite keeps the real hasher.
"""


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

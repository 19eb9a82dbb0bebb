"""Where the site keeps the files it stores (evidence, built reports): read from the environment."""


def stored_files(env):
    """Where evidence and report files are kept: the local MEDIA_ROOT, or an S3-compatible bucket when
    OBJECT_STORAGE_BUCKET is set, so that any web process and any worker on any machine reads what another wrote."""
    bucket = env.str("OBJECT_STORAGE_BUCKET", default="")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    endpoint_url = env.str("OBJECT_STORAGE_ENDPOINT_URL", default="") or None  # None: Amazon S3 itself
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url,
            # Without keys, boto3 finds credentials itself (AWS_* variables, an instance or pod role).
            "access_key": env.str("OBJECT_STORAGE_ACCESS_KEY", default="") or None,
            "secret_key": env.str("OBJECT_STORAGE_SECRET_KEY", default="") or None,
            "region_name": env.str("OBJECT_STORAGE_REGION", default="us-east-1"),
            "location": env.str("OBJECT_STORAGE_PREFIX", default=""),
            "signature_version": "s3v4",
            # SeaweedFS, MinIO, Garage and most other S3 servers answer at one address, not one host per bucket.
            "addressing_style": env.str("OBJECT_STORAGE_ADDRESSING_STYLE", default="path" if endpoint_url else "auto"),
            # Private objects: every download goes through the site, which checks who may read it (README).
            "default_acl": None,
            "querystring_auth": True,
            # As on local disk, a new file never replaces another of the same name (a rebuilt report gets a new one).
            "file_overwrite": False,
            # A download larger than this is spooled to a temporary file while it is streamed, not held in memory.
            "max_memory_size": 5 * 1024 * 1024,
        },
    }

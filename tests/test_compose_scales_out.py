"""docker-compose.yml: web and worker keep nothing on their own disks, so `--scale web=N --scale worker=M` works."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_web_and_worker_keep_their_files_in_the_object_store():
    for service in ("web", "worker"):
        environment = SERVICES[service]["environment"]
        assert environment["OBJECT_STORAGE_BUCKET"]
        assert environment["OBJECT_STORAGE_ENDPOINT_URL"].startswith("${OBJECT_STORAGE_ENDPOINT_URL:-http://objects:")
        assert "volumes" not in SERVICES[service], f"{service} mounts a volume: its replicas would not share it"
        assert SERVICES[service]["depends_on"]["objects-bucket"] == {"condition": "service_completed_successfully"}


def test_web_replicas_publish_no_port_of_their_own_and_the_proxy_spreads_requests_over_them():
    assert "ports" not in SERVICES["web"]  # a fixed host port would stop a second replica from starting
    assert SERVICES["proxy"]["ports"] == ["8000:8000"]
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "set $web http://web:8000;" in nginx and "proxy_pass $web;" in nginx  # resolved per request
    assert "client_max_body_size 12m;" in nginx


def test_the_object_store_keeps_its_data_in_a_named_volume_and_takes_the_sites_key():
    objects = SERVICES["objects"]
    assert objects["volumes"] == ["objects:/data"] and "objects" in COMPOSE["volumes"]
    secret = "${OBJECT_STORAGE_SECRET_KEY:?set OBJECT_STORAGE_SECRET_KEY}"  # required, never a default
    assert objects["environment"]["AWS_SECRET_ACCESS_KEY"] == secret
    assert SERVICES["web"]["environment"]["OBJECT_STORAGE_SECRET_KEY"] == secret

"""The container and Kubernetes files agree with the app: strict schema validation and cross-checks, offline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import kubernetes_validate
import yaml

from recognition.paths import PROJECT_ROOT
from webapp.config import DEFAULTS

KUBERNETES = PROJECT_ROOT / "deploy" / "kubernetes"
VERSION = "1.33.0"


def manifests() -> dict[Path, dict]:
    """Every Kubernetes object under deploy/kubernetes (the kustomization files apart)."""
    found = {}
    for path in sorted(KUBERNETES.rglob("*.yaml")):
        if path.name != "kustomization.yaml":
            found[path] = yaml.safe_load(path.read_text())
    return found


def deployment() -> dict:
    return yaml.safe_load((KUBERNETES / "base" / "deployment.yaml").read_text())


def container_env() -> dict[str, str]:
    return {item["name"]: item["value"] for item in deployment()["spec"]["template"]["spec"]["containers"][0]["env"]}


def test_every_manifest_is_valid_in_strict_mode():
    objects = manifests()
    assert {body["kind"] for body in objects.values()} >= {
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Ingress",
        "Namespace",
    }
    for path, body in objects.items():
        try:
            kubernetes_validate.validate(body, VERSION, strict=True)  # an unknown field or a wrong type raises
        except kubernetes_validate.ValidationError as error:
            raise AssertionError(f"{path.relative_to(PROJECT_ROOT)}: {error}") from error
    for kustomization in KUBERNETES.rglob("kustomization.yaml"):
        for resource in yaml.safe_load(kustomization.read_text()).get("resources", []):
            assert (kustomization.parent / resource).exists(), (kustomization, resource)


def test_health_checks_ports_and_settings_are_the_apps_own(app):
    spec = deployment()["spec"]["template"]["spec"]
    container = spec["containers"][0]
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    port = container["ports"][0]["containerPort"]
    for check in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[check]["httpGet"]["path"] in routes and container[check]["httpGet"]["port"] == "http"
    env = container_env()
    assert env["GUNICORN_BIND"].endswith(f":{port}")
    gunicorn_settings = set(re.findall(r'"(GUNICORN_[A-Z_]+)"', (PROJECT_ROOT / "gunicorn.conf.py").read_text()))
    for name in env:
        assert (
            name in gunicorn_settings or name.removeprefix("ASL_") in DEFAULTS or name == "ASL_HEADER_TIMEOUT_SECONDS"
        ), name
    assert int(env["GUNICORN_WORKERS"]) == int(container["resources"]["limits"]["cpu"])
    assert spec["terminationGracePeriodSeconds"] > int(env["GUNICORN_TIMEOUT"])
    assert (
        container["securityContext"]["readOnlyRootFilesystem"]
        and not container["securityContext"]["allowPrivilegeEscalation"]
    )
    assert spec["securityContext"]["runAsNonRoot"] and deployment()["spec"]["replicas"] >= 2


def test_memory_limit_covers_the_measured_workers():
    serving = json.loads((PROJECT_ROOT / "bench" / "results" / "serving.json").read_text())
    hostile = json.loads((PROJECT_ROOT / "bench" / "results" / "hostile.json").read_text())
    worst_growth = max(case["worker_peak_growth_mib"] for case in hostile["shapes"].values())
    per_worker = max(serving["app_localised"]["worker_rss_mib"]) + worst_growth
    container = deployment()["spec"]["template"]["spec"]["containers"][0]
    limit = container["resources"]["limits"]["memory"]
    limit_mib = int(limit.removesuffix("Gi")) * 1024 if limit.endswith("Gi") else int(limit.removesuffix("Mi"))
    assert limit_mib >= per_worker * int(container_env()["GUNICORN_WORKERS"]), (limit_mib, per_worker)


def test_the_ingress_serves_https_for_the_kiosks_camera():
    ingress = yaml.safe_load((KUBERNETES / "overlays" / "example" / "ingress.yaml").read_text())
    (tls,) = ingress["spec"]["tls"]
    assert tls["secretName"] and tls["hosts"] == [rule["host"] for rule in ingress["spec"]["rules"]]
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/ssl-redirect"] == "true"


def test_the_ingress_carries_the_upload_limit_and_timeouts():
    ingress = yaml.safe_load((KUBERNETES / "overlays" / "example" / "ingress.yaml").read_text())
    annotations = ingress["metadata"]["annotations"]
    body_mb = int(annotations["nginx.ingress.kubernetes.io/proxy-body-size"].removesuffix("m"))
    assert int(container_env()["ASL_MAX_UPLOAD_MB"]) < body_mb <= int(container_env()["ASL_MAX_UPLOAD_MB"]) + 2
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) == int(
        container_env()["GUNICORN_TIMEOUT"]
    )
    nginx = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    assert f"client_max_body_size {body_mb}m;" in nginx


def test_the_image_runs_gunicorn_as_a_user_with_the_serving_install_only():
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert "requirements-serve.txt" in dockerfile and "requirements.txt" not in dockerfile.replace(
        "requirements-serve.txt", ""
    )
    assert re.search(r'^ENTRYPOINT \["gunicorn"', dockerfile, re.MULTILINE)  # exec form: gunicorn gets the signals
    assert (
        re.search(r"^USER 10001", dockerfile, re.MULTILINE) and "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile
    )
    ignored = (PROJECT_ROOT / ".dockerignore").read_text()
    for copied in re.findall(r"^COPY --chown=\S+ (.+?) \S+$", dockerfile, re.MULTILINE):
        for path in copied.split():
            assert (PROJECT_ROOT / path).exists() and f"!{path}" in ignored, path


def test_the_shared_corrections_overlay_gives_every_replica_one_database_from_a_secret():
    overlay = KUBERNETES / "overlays" / "shared-corrections"
    kustomization = yaml.safe_load((overlay / "kustomization.yaml").read_text())
    (patch,) = kustomization["patches"]
    (operation,) = yaml.safe_load(patch["patch"])
    variable = operation["value"]
    assert variable["name"].removeprefix("ASL_") in DEFAULTS and variable["name"] == "ASL_FEEDBACK_DATABASE_URL"
    secret = yaml.safe_load((overlay / "secret.yaml").read_text())
    reference = variable["valueFrom"]["secretKeyRef"]
    assert secret["kind"] == "Secret" and reference["name"] == secret["metadata"]["name"]
    assert reference["key"] in secret["stringData"] and secret["stringData"]["url"].startswith("postgresql://")
    assert "FEEDBACK_DIR" not in str(kustomization)  # the folder stays unset: one store for every replica

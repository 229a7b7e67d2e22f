"""Offline validation of the deployment descriptions: deploy/k8s and docker-compose.yml.

Run by scripts/validate-deploy.sh, which finds a kustomize. Every problem is listed, then the
exit status is 1. What is checked:
- deploy/k8s: base and every overlay render with kustomize; each rendered resource validates
  against the Kubernetes JSON schemas bundled with `kubernetes-validate` (strict: unknown
  fields are errors), KafkaTopics against the schema vendored from Strimzi's CRD; then the
  house rules of scripts/deploy_rules.py: probes, resources and the restricted security
  context on every container, references that resolve, every required setting of a service
  set, the KafkaTopics equal to libs/contracts, and what production must have.
- docker-compose.yml: the Compose Specification schema (deploy/schemas/compose-spec.json),
  no duplicate keys, builds and mounts that exist, depends_on targets that exist, required
  settings, the topic list of the topic-creation container, a gateway route per API, and
  `nginx -t` on the gateway configuration where nginx is installed.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import cache, partial
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml
from deploy_rules import (
    container_settings_errors,
    name_of,
    policy_errors,
    production_errors,
    reference_errors,
    settings_errors,
    topic_errors,
)

from contracts.topics import DLQ_PARTITIONS

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
SCHEMAS = ROOT / "deploy" / "schemas"
COMPOSE = ROOT / "docker-compose.yml"
COMPOSE_DIR = ROOT / "deploy" / "compose"
OPERATOR_DOCS = ROOT / "deploy" / "README.md"
# The oldest Kubernetes minor we support; kubernetes-validate>=1.31 bundles its schemas.
K8S_VERSION = "1.31"
STRIMZI_SCHEMA = SCHEMAS / "kafkatopic-kafka.strimzi.io-v1beta2.json"
# The images built from the shared Dockerfile that run the service chassis.
SERVICES = ("auth", "ksef-gateway", "invoices", "taxes", "messaging", "files")

Resource = dict[str, Any]

# kubernetes-validate re-reads its schema files for every resource, more than half of the run
# time here; they never change during a run, so read each once.
if hasattr(kubernetes_validate.utils, "schema_contents"):
    kubernetes_validate.utils.schema_contents = cache(kubernetes_validate.utils.schema_contents)


class UniqueKeyLoader(yaml.CSafeLoader):
    """PyYAML keeps the last of duplicate keys silently; Compose rejects them, and so do we.

    Built on libyaml's parser (in PyYAML's wheels): the pure-Python one takes seconds here.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def render(kustomize: list[str], target: Path) -> list[Resource]:
    done = subprocess.run([*kustomize, str(target)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ValueError(f"kustomize failed:\n{done.stderr.strip()}")
    return [r for r in yaml.load_all(done.stdout, Loader=UniqueKeyLoader) if r]


def schema_errors(resources: list[Resource]) -> Iterator[str]:
    topic_schema = json.loads(STRIMZI_SCHEMA.read_text())
    topic_validator = jsonschema.Draft202012Validator(topic_schema)
    for r in resources:
        try:
            if r.get("apiVersion") == "kafka.strimzi.io/v1beta2" and r.get("kind") == "KafkaTopic":
                for e in topic_validator.iter_errors(r):
                    yield f"{name_of(r)}: {'.'.join(map(str, e.path)) or '<root>'}: {e.message}"
                # The CRD leaves metadata to the API server: check it as any object's metadata.
                meta = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": r.get("metadata")}
                kubernetes_validate.validate(meta, K8S_VERSION, strict=True)
            else:
                kubernetes_validate.validate(r, K8S_VERSION, strict=True)
        except kubernetes_validate.ValidationError as e:
            yield f"{name_of(r)}: {'.'.join(map(str, e.path)) or '<root>'}: {e.message}"
        except kubernetes_validate.SchemaNotFoundError as e:
            yield f"{name_of(r)}: no schema to validate it: {e.message}"


def check_kustomization(kustomize: list[str], target: Path, secrets: set[str]) -> list[str]:
    resources = render(kustomize, target)
    topics = {
        r["spec"].get("topicName", r["metadata"]["name"]): r["spec"].get("partitions", 0)
        for r in resources
        if r["kind"] == "KafkaTopic"
    }
    errors = [
        *schema_errors(resources),
        *policy_errors(resources),
        *reference_errors(resources, secrets),
        *container_settings_errors(resources, SERVICES),
        *topic_errors(topics, "KafkaTopics"),
    ]
    if target.name == "prod":
        errors += production_errors(resources)
    return errors


def check_operator_docs(secrets: set[str]) -> list[str]:
    text = OPERATOR_DOCS.read_text()
    missing = {part for s in secrets for part in s.split("/") if f"`{part}`" not in text}
    return [
        f"deploy/README.md does not document `{m}` (a Secret or a key)" for m in sorted(missing)
    ]


def compose_errors() -> list[str]:
    compose = yaml.load(COMPOSE.read_text(), Loader=UniqueKeyLoader)
    schema = json.loads((SCHEMAS / "compose-spec.json").read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [
        f"{'.'.join(map(str, e.path)) or '<root>'}: {e.message}"
        for e in sorted(validator.iter_errors(compose), key=lambda e: list(e.path))
    ]
    services: dict[str, Any] = compose.get("services", {})
    volumes = set(compose.get("volumes") or {})
    for name, svc in services.items():
        if "build" not in svc and "image" not in svc:
            errors.append(f"services.{name}: neither build nor image")
        if build := svc.get("build"):
            context = ROOT / (build if isinstance(build, str) else build.get("context", "."))
            dockerfile = context / (
                build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
            )
            if not dockerfile.is_file():
                errors.append(f"services.{name}.build: {dockerfile} does not exist")
            args = build.get("args", {}) if isinstance(build, dict) else {}
            if "SERVICE" in args:
                source = args.get("SERVICE_DIR", f"services/{args['SERVICE']}")
                if not (ROOT / source / "pyproject.toml").is_file():
                    errors.append(f"services.{name}.build.args: no workspace member at {source}")
                if "entrypoint" not in svc:
                    env = svc.get("environment", {})
                    provided = env if isinstance(env, dict) else [e.split("=")[0] for e in env]
                    errors += settings_errors(
                        f"services.{name}", args["SERVICE"], provided, SERVICES
                    )
        for target in svc.get("depends_on", {}):
            if target not in services:
                errors.append(f"services.{name}.depends_on: no service {target}")
        for mount in svc.get("volumes", []):
            source = mount.split(":")[0] if isinstance(mount, str) else mount.get("source", "")
            if source.startswith("."):
                if not (ROOT / source).exists():
                    errors.append(f"services.{name}.volumes: {source} does not exist")
            elif source and source not in volumes:
                errors.append(f"services.{name}.volumes: volume {source} is not declared")
        if name.endswith("-api"):
            route = f"location /api/{name.removesuffix('-api')}/ "
            if route not in (COMPOSE_DIR / "nginx.conf").read_text():
                errors.append(f"deploy/compose/nginx.conf: no route to {name}")
    lines = (COMPOSE_DIR / "topics.txt").read_text().splitlines()
    listed = {n: int(p) for n, p in (ln.split() for ln in lines if ln.strip() and ln[0] != "#")}
    listed |= {f"{n}.dlq": DLQ_PARTITIONS for n in list(listed)}
    errors += topic_errors(listed, "deploy/compose/topics.txt")
    return errors


def nginx_errors() -> list[str]:
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        print("  (nginx is not installed: deploy/compose/nginx.conf syntax not checked)")
        return []
    with tempfile.TemporaryDirectory() as prefix:
        done = subprocess.run(
            [
                nginx,
                "-t",
                "-q",
                "-p",
                prefix,
                "-c",
                str(COMPOSE_DIR / "nginx.conf"),
                "-e",
                "/dev/stderr",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    return [] if done.returncode == 0 else [f"nginx -t: {done.stderr.strip()}"]


def step(title: str, check: Callable[[], list[str]]) -> bool:
    started = time.monotonic()
    try:
        errors = check()
    except (ValueError, yaml.YAMLError, OSError) as error:
        errors = [str(error)]
    took = time.monotonic() - started
    print(f"{'ok  ' if not errors else 'FAIL'} {title} ({took:.2f}s)")
    for e in errors:
        print("     " + e.replace("\n", "\n       "))
    return not errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kustomize", required=True, help='e.g. "kubectl kustomize"')
    kustomize = shlex.split(parser.parse_args().kustomize)
    targets = [K8S / "base"] + sorted(p.parent for p in K8S.glob("overlays/*/kustomization.yaml"))
    secrets: set[str] = set()
    results = [
        step(
            f"kubernetes {t.relative_to(ROOT)}: kustomize, schemas (k8s {K8S_VERSION}, strict), "
            "rules",
            partial(check_kustomization, kustomize, t, secrets),
        )
        for t in targets
    ]
    results.append(
        step(
            "deploy/README.md documents every Secret and key the manifests use",
            partial(check_operator_docs, secrets),
        )
    )
    results.append(
        step(
            "docker-compose.yml: Compose Specification schema, builds, mounts, depends_on, "
            "settings, topics, gateway routes",
            compose_errors,
        )
    )
    results.append(step("deploy/compose/nginx.conf: nginx -t", nginx_errors))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

"""The house rules for Rachmistrz's Kubernetes manifests and compose file, beyond the schemas.

Used by scripts/validate_deploy.py. Each rule yields one line per problem.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from typing import Any

from contracts.topics import DLQ_PARTITIONS, TOPICS

Resource = dict[str, Any]

EXPECTED_TOPICS = {t.name: t.partitions for t in TOPICS} | {t.dlq: DLQ_PARTITIONS for t in TOPICS}
# ksef/KSEF-NOTES.md §1: the production environment of KSeF API 2.0.
PROD_KSEF_BASE_URL = "https://api.ksef.mf.gov.pl/v2"
# A Kubernetes resource quantity (k8s.io/apimachinery/pkg/api/resource), e.g. 250m, 512Mi, 1.
QUANTITY = re.compile(
    r"^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?(\d+(\.\d*)?|\.\d+)))?$"
)


def name_of(r: Resource) -> str:
    return f"{r.get('kind')}/{r.get('metadata', {}).get('name')}"


def index(resources: list[Resource]) -> dict[str, dict[str, Resource]]:
    named: dict[str, dict[str, Resource]] = {}
    for r in resources:
        named.setdefault(r["kind"], {})[r["metadata"]["name"]] = r
    return named


def pod_templates(resources: list[Resource]) -> Iterator[tuple[Resource, Resource]]:
    for r in resources:
        if r["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
            yield r, r["spec"]["template"]


def policy_errors(resources: list[Resource]) -> Iterator[str]:
    """The house rules for every pod: probes, resources, the restricted security context."""
    for r, template in pod_templates(resources):
        pod = template["spec"]
        pod_sc = pod.get("securityContext", {})
        for c in pod.get("containers", []) + pod.get("initContainers", []):
            where = f"{name_of(r)} container {c['name']}"
            sc = c.get("securityContext", {})
            if r["kind"] != "Job":
                for probe in ("livenessProbe", "readinessProbe"):
                    if probe not in c:
                        yield f"{where}: no {probe}"
            for bound in ("requests", "limits"):
                for res in ("cpu", "memory"):
                    value = c.get("resources", {}).get(bound, {}).get(res)
                    if value is None:
                        yield f"{where}: no resources.{bound}.{res}"
                    elif not QUANTITY.match(str(value)):
                        yield f"{where}: resources.{bound}.{res} {value!r} is no quantity"
            if not sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")):
                yield f"{where}: runAsNonRoot is not true"
            if sc.get("readOnlyRootFilesystem") is not True:
                yield f"{where}: readOnlyRootFilesystem is not true"
            if sc.get("allowPrivilegeEscalation") is not False:
                yield f"{where}: allowPrivilegeEscalation is not false"
            if "ALL" not in sc.get("capabilities", {}).get("drop", []):
                yield f"{where}: capabilities do not drop ALL"
            seccomp = sc.get("seccompProfile", pod_sc.get("seccompProfile", {}))
            if seccomp.get("type") != "RuntimeDefault":
                yield f"{where}: seccompProfile is not RuntimeDefault"


def _matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def reference_errors(resources: list[Resource], secrets: set[str]) -> Iterator[str]:
    """Names that resources refer to exist; the Secrets referred to are collected in `secrets`."""
    named = index(resources)
    deployments = list(named.get("Deployment", {}).values())
    for r, template in pod_templates(resources):
        pod = template["spec"]
        if (sa := pod.get("serviceAccountName")) and sa not in named.get("ServiceAccount", {}):
            yield f"{name_of(r)}: ServiceAccount {sa} does not exist"
        for v in pod.get("volumes", []):
            if "secret" in v:
                secrets.add(v["secret"]["secretName"])
        for c in pod.get("containers", []):
            for ref in c.get("envFrom", []):
                if (cm := ref.get("configMapRef", {}).get("name")) and cm not in named.get(
                    "ConfigMap", {}
                ):
                    yield f"{name_of(r)}: ConfigMap {cm} does not exist"
            for env in c.get("env", []):
                if key_ref := env.get("valueFrom", {}).get("secretKeyRef"):
                    secrets.add(f"{key_ref['name']}/{key_ref['key']}")
    for svc in named.get("Service", {}).values():
        selected = [
            d
            for d in deployments
            if _matches(
                svc["spec"].get("selector", {}), d["spec"]["template"]["metadata"]["labels"]
            )
        ]
        if not selected:
            yield f"{name_of(svc)}: its selector matches no Deployment's pods"
        ports = {
            p.get("name")
            for d in selected
            for c in d["spec"]["template"]["spec"]["containers"]
            for p in c.get("ports", [])
        }
        for port in svc["spec"]["ports"]:
            if isinstance(port.get("targetPort"), str) and port["targetPort"] not in ports:
                yield f"{name_of(svc)}: targetPort {port['targetPort']} is no container port"
    for ing in named.get("Ingress", {}).values():
        for rule in ing["spec"].get("rules", []):
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                target = named.get("Service", {}).get(backend["name"])
                offered = (
                    [(p.get("name"), p["port"]) for p in target["spec"]["ports"]] if target else []
                )
                wanted = (backend["port"].get("name"), backend["port"].get("number"))
                if not any(wanted[0] == n or wanted[1] == p for n, p in offered):
                    yield f"{name_of(ing)}: path {path['path']} has no Service port to go to"
    for hpa in named.get("HorizontalPodAutoscaler", {}).values():
        if hpa["spec"]["scaleTargetRef"]["name"] not in named.get("Deployment", {}):
            yield f"{name_of(hpa)}: scales a Deployment that does not exist"
    for pdb in named.get("PodDisruptionBudget", {}).values():
        selector = pdb["spec"]["selector"].get("matchLabels", {})
        if not any(
            _matches(selector, d["spec"]["template"]["metadata"]["labels"]) for d in deployments
        ):
            yield f"{name_of(pdb)}: its selector matches no Deployment's pods"


def topic_errors(found: dict[str, int], where: str) -> Iterator[str]:
    for name in sorted(EXPECTED_TOPICS.keys() - found.keys()):
        yield f"{where}: topic {name} of libs/contracts is missing"
    for name in sorted(found.keys() - EXPECTED_TOPICS.keys()):
        yield f"{where}: topic {name} is not in libs/contracts"
    for name in sorted(EXPECTED_TOPICS.keys() & found.keys()):
        if found[name] != EXPECTED_TOPICS[name]:
            yield (
                f"{where}: {name} has {found[name]} partitions, libs/contracts says "
                f"{EXPECTED_TOPICS[name]}"
            )


def service_of_image(image: str) -> str:
    """`registry/rachmistrz/ksef-gateway:0.1.0@sha256:…` -> `ksef-gateway`."""
    return image.split("@")[0].rsplit("/", 1)[-1].split(":")[0]


def required_settings(service: str) -> set[str]:
    """Environment variables a service cannot start without, from its chassis Settings."""
    main = importlib.import_module(f"{service.replace('-', '_')}.main")
    fields = main.DEFINITION.settings_cls.model_fields
    return {name.upper() for name, field in fields.items() if field.is_required()}


def settings_errors(
    where: str, service: str, provided: Iterable[str], services: Iterable[str]
) -> Iterator[str]:
    if service not in services:
        return
    try:
        required = required_settings(service)
    except (ImportError, AttributeError) as error:
        yield f"{where}: cannot read the settings of {service}: {error}"
        return
    for name in sorted(required - set(provided)):
        yield f"{where}: required setting {name} of {service} is not set"


def container_settings_errors(resources: list[Resource], services: Iterable[str]) -> Iterator[str]:
    """Every container of a service gets each setting the service requires."""
    config_maps = index(resources).get("ConfigMap", {})
    for r, template in pod_templates(resources):
        for c in template["spec"]["containers"]:
            provided = {e["name"] for e in c.get("env", [])}
            for ref in c.get("envFrom", []):
                cm = config_maps.get(ref.get("configMapRef", {}).get("name", ""), {})
                provided |= set(cm.get("data", {}))
            where = f"{name_of(r)} container {c['name']}"
            yield from settings_errors(where, service_of_image(c["image"]), provided, services)


def production_errors(resources: list[Resource]) -> Iterator[str]:
    """What makes an overlay production: real KSeF, no simulator, redundant autoscaled APIs."""
    named = index(resources)
    config = named.get("ConfigMap", {}).get("ksef-gateway-config", {}).get("data", {})
    if config.get("KSEF_BASE_URL") != PROD_KSEF_BASE_URL:
        yield f"KSEF_BASE_URL is {config.get('KSEF_BASE_URL')!r}, not {PROD_KSEF_BASE_URL}"
    for r in resources:
        if "ksef-simulator" in r["metadata"]["name"]:
            yield f"{name_of(r)}: the KSeF simulator has no place in production"
    hpas = {
        h["spec"]["scaleTargetRef"]["name"]: h
        for h in named.get("HorizontalPodAutoscaler", {}).values()
    }
    pdbs = list(named.get("PodDisruptionBudget", {}).values())
    for d in named.get("Deployment", {}).values():
        labels = d["spec"]["template"]["metadata"]["labels"]
        if labels.get("app.kubernetes.io/component") != "api":
            continue
        if d["spec"].get("replicas", 1) < 2:
            yield f"{name_of(d)}: fewer than 2 replicas"
        if hpas.get(d["metadata"]["name"], {}).get("spec", {}).get("minReplicas", 1) < 2:
            yield f"{name_of(d)}: no HorizontalPodAutoscaler keeping 2 or more pods"
        if not any(_matches(p["spec"]["selector"].get("matchLabels", {}), labels) for p in pdbs):
            yield f"{name_of(d)}: no PodDisruptionBudget"

"""A stand-in for Pulumi Cloud: the HTTP service the engine's Cloud backend talks to.

No registry this project can reach serves Pulumi Cloud (or a self-hostable copy of it with policy
support), while the engine's client for it (`pkg/backend/httpstate/client` at v3.274.1) is real and
built into the engine `make cli` builds. This service is written from that client and the API types
it sends and reads (`sdk/go/common/apitype`, `pulumi-cloud-sdk/go/apitype`), and implements the
routes that `pulumi login <url>`, `stack init | ls | rm | export`, `preview`, `up` and
`pulumi policy publish | enable | disable | ls | rm` call. It keeps what Pulumi Cloud keeps for
those, on disk under its data folder (a restarted service carries on where it stopped):

    stacks/<org>/<project>/<stack>.json     the stack, its version and its latest checkpoint
    updates/<id>.json                       each update: kind, stack, lease token, status, events
    policypacks/<org>/<name>/<tag>.json     a published version's metadata (policies, schemas)
    policypacks/<org>/<name>/<tag>.tgz      its tarball, as `pulumi policy publish` uploaded it
    policygroups/<org>/<group>.json         the group's stacks and enabled packs (with their config)
    secrets.key                             the key the stacks' "service" secrets are sealed with

What it leaves out (no route the engine calls in these commands needs them): users other than the
one token holder, teams, RBAC, ESC environments, deployments, webhooks, journaling and delta
checkpoints (it announces no capabilities, so the engine sends whole checkpoints), policy
exceptions and compliance results. It does not validate a policy pack's config when the pack is
enabled: the engine validates required packs' config against their schemas when it loads them.

Run alone: ``python cloud.py DATA_DIR [--port N]`` prints its URL and serves until interrupted.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Optional
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.fernet import Fernet, InvalidToken

USER = "appflow-guard-ci"
DEFAULT_POLICY_GROUP = "default-policy-group"  # apitype.DefaultPolicyGroup
LEASE_SECONDS = 300


class CloudError(Exception):
    """An API error: the engine decodes the body as apitype.ErrorResponse {code, message}."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Store:
    """The service's state: JSON files and tarballs under one folder, written atomically."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        self.lock = threading.RLock()
        os.makedirs(self.root, exist_ok=True)

    def path(self, *parts: str) -> str:
        for part in parts:
            if not part or part in (".", "..") or "/" in part or "\\" in part:
                raise CloudError(400, f"invalid name {part!r}")
        return os.path.join(self.root, *parts)

    def read(self, *parts: str) -> Optional[dict]:
        try:
            with open(self.path(*parts), encoding="utf-8") as handle:
                return json.load(handle)
        except FileNotFoundError:
            return None

    def write(self, value, *parts: str) -> None:
        self.write_bytes(json.dumps(value, indent=1, sort_keys=True).encode(), *parts)

    def write_bytes(self, data: bytes, *parts: str) -> None:
        target = self.path(*parts)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        temporary = f"{target}.{threading.get_ident()}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)

    def remove(self, *parts: str) -> bool:
        try:
            os.remove(self.path(*parts))
            return True
        except FileNotFoundError:
            return False

    def names(self, *parts: str, suffix: str = ".json") -> list[str]:
        folder = self.path(*parts) if parts else self.root
        if not os.path.isdir(folder):
            return []
        return sorted(name[: -len(suffix)] for name in os.listdir(folder) if name.endswith(suffix))

    def folders(self, *parts: str) -> list[str]:
        folder = self.path(*parts)
        return sorted(name for name in os.listdir(folder) if os.path.isdir(os.path.join(folder, name))) \
            if os.path.isdir(folder) else []


class CloudStandIn:
    """The service: routes of the engine's Cloud client, answered from a Store."""

    def __init__(self, data_dir: str, organization: str = "acme") -> None:
        self.store = Store(data_dir)
        self.organization = organization
        self.base_url = ""
        self.requests: list[tuple[str, str]] = []  # (method, route template) of every routed call, in order
        self.unrouted: list[tuple[str, str]] = []  # calls no route answers (404/405): what the engine wanted
        key = self.store.path("secrets.key")
        if not os.path.exists(key):
            self.store.write_bytes(Fernet.generate_key(), "secrets.key")
        with open(key, "rb") as handle:
            self.sealer = Fernet(handle.read())
        self.routes = [(method, re.compile(pattern_for(template)), template, handler)
                       for method, template, handler in self._route_table()]

    def _route_table(self) -> list[tuple[str, str, Callable]]:
        stack = "/api/stacks/{org}/{project}/{stack}"
        update = stack + "/{kind}/{update}"
        packs = "/api/orgs/{org}/policypacks"
        return [
            ("GET", "/api/capabilities", self.capabilities),
            ("GET", "/api/cli/version", self.cli_version),
            ("GET", "/api/user", self.user),
            ("GET", "/api/user/organizations/default", self.default_organization),
            ("GET", "/api/user/stacks", self.list_stacks),
            ("HEAD", "/api/stacks/{org}/{project}", self.project_exists),
            ("POST", "/api/stacks/{org}/{project}", self.create_stack),
            ("GET", stack, self.get_stack),
            ("DELETE", stack, self.delete_stack),
            ("GET", stack + "/export", self.export_stack),
            ("POST", stack + "/encrypt", self.encrypt),
            ("POST", stack + "/decrypt", self.decrypt),
            ("POST", stack + "/batch-encrypt", self.batch_encrypt),
            ("POST", stack + "/batch-decrypt", self.batch_decrypt),
            ("PATCH", stack + "/tags", self.update_tags),
            ("GET", stack + "/policypacks", self.stack_policy_packs),
            ("GET", stack + "/policygroups", self.stack_policy_groups),
            ("POST", stack + "/{kind:preview|update|refresh|destroy}", self.create_update),
            ("GET", update, self.update_status),
            ("POST", update, self.start_update),
            ("PATCH", update + "/checkpoint", self.patch_checkpoint),
            ("PATCH", update + "/checkpointverbatim", self.patch_checkpoint_verbatim),
            ("POST", update + "/events/batch", self.record_events),
            ("POST", update + "/events", self.record_event),
            ("POST", update + "/renew_lease", self.renew_lease),
            ("POST", update + "/complete", self.complete_update),
            ("GET", packs, self.list_policy_packs),
            ("POST", packs, self.create_policy_pack),
            ("DELETE", packs + "/{name}", self.remove_policy_pack),
            ("GET", packs + "/{name}/versions/{tag}", self.get_policy_pack),
            ("DELETE", packs + "/{name}/versions/{tag}", self.remove_policy_pack_version),
            ("GET", packs + "/{name}/versions/{tag}/schema", self.policy_pack_schema),
            ("POST", packs + "/{name}/versions/{tag}/complete", self.complete_policy_pack),
            ("GET", "/api/orgs/{org}/policygroups", self.list_policy_groups),
            ("POST", "/api/orgs/{org}/policygroups", self.create_policy_group),
            ("GET", "/api/orgs/{org}/policygroups/{group}", self.get_policy_group),
            ("PATCH", "/api/orgs/{org}/policygroups/{group}", self.update_policy_group),
            ("DELETE", "/api/orgs/{org}/policygroups/{group}", self.delete_policy_group),
            # Object storage: the pre-signed upload and download addresses the API hands out.
            ("PUT", "/storage/policypacks/{org}/{name}/{tag}", self.upload_policy_pack),
            ("GET", "/storage/policypacks/{org}/{name}/{tag}", self.download_policy_pack),
        ]

    # -- dispatch ---------------------------------------------------------------------------------

    def route(self, method: str, path: str) -> tuple[str, Callable, dict]:
        matched_path = False
        for route_method, pattern, template, handler in self.routes:
            match = pattern.match(path)
            if match:
                matched_path = True
                if route_method == method:
                    return template, handler, {key: unquote(value) for key, value in match.groupdict().items()}
        self.unrouted.append((method, path))
        raise CloudError(405 if matched_path else 404, f"{method} {path}: no such route in the stand-in")

    # -- users and capabilities -------------------------------------------------------------------

    def capabilities(self, request):
        return {"capabilities": []}  # whole checkpoints, no journal, no begin-update

    def cli_version(self, request):
        return {"latestVersion": "3.274.1", "oldestWithoutWarning": "3.0.0"}

    def user(self, request):
        return {"id": USER, "githubLogin": USER, "name": USER, "email": "", "avatarUrl": "",
                "organizations": [{"githubLogin": self.organization, "name": self.organization, "avatarUrl": ""}],
                "identities": []}

    def default_organization(self, request):
        return {"GitHubLogin": self.organization, "Messages": []}

    # -- stacks -----------------------------------------------------------------------------------

    def _organization(self, org: str) -> None:
        if org != self.organization:
            raise CloudError(404, f"organization '{org}' not found")

    def _stack(self, org: str, project: str, stack: str) -> dict:
        self._organization(org)
        record = self.store.read("stacks", org, project, stack + ".json")
        if record is None:
            raise CloudError(404, f"stack '{org}/{project}/{stack}' not found")
        return record

    @staticmethod
    def _stack_view(record: dict) -> dict:
        return {"id": record["id"], "orgName": record["orgName"], "projectName": record["projectName"],
                "stackName": record["stackName"], "activeUpdate": record.get("activeUpdate", ""),
                "tags": record.get("tags", {}), "version": record.get("version", 0)}

    def list_stacks(self, request):
        project_filter = (request.query.get("project") or [None])[0]
        summaries = []
        for project in self.store.folders("stacks", self.organization):
            if project_filter and project != project_filter:
                continue
            for name in self.store.names("stacks", self.organization, project):
                record = self.store.read("stacks", self.organization, project, name + ".json")
                resources = (((record.get("deployment") or {}).get("deployment") or {}).get("resources") or [])
                summaries.append({"id": record["id"], "orgName": record["orgName"], "projectName": project,
                                  "stackName": name, "lastUpdate": record.get("lastUpdate"),
                                  "resourceCount": len(resources)})
        return {"stacks": summaries}

    def project_exists(self, request, org, project):
        self._organization(org)
        if not self.store.names("stacks", org, project):
            raise CloudError(404, f"project '{org}/{project}' not found")
        return None

    def create_stack(self, request, org, project):
        self._organization(org)
        body = request.json() or {}
        name = body.get("stackName") or ""
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", name):
            raise CloudError(400, f"invalid stack name {name!r}")
        with self.store.lock:
            if self.store.read("stacks", org, project, name + ".json") is not None:
                raise CloudError(409, f"stack '{org}/{project}/{name}' already exists")
            self.store.write({"id": secrets.token_hex(8), "orgName": org, "projectName": project, "stackName": name,
                              "tags": body.get("tags") or {}, "version": 0, "deployment": body.get("state")},
                             "stacks", org, project, name + ".json")
        return {}

    def get_stack(self, request, org, project, stack):
        return self._stack_view(self._stack(org, project, stack))

    def delete_stack(self, request, org, project, stack):
        record = self._stack(org, project, stack)
        resources = ((record.get("deployment") or {}).get("deployment") or {}).get("resources") or []
        if resources and (request.query.get("force") or ["false"])[0] != "true":
            raise CloudError(400, "Bad Request: Stack still contains resources.")
        self.store.remove("stacks", org, project, stack + ".json")
        return None

    def export_stack(self, request, org, project, stack):
        record = self._stack(org, project, stack)
        return record.get("deployment") or {"version": 3, "deployment": {}}

    def update_tags(self, request, org, project, stack):
        with self.store.lock:
            record = self._stack(org, project, stack)
            record["tags"] = request.json() or {}
            self.store.write(record, "stacks", org, project, stack + ".json")
        return None

    # -- the "service" secrets provider (sealed with this service's own key) -----------------------

    def _seal(self, plaintext_b64: str) -> str:
        return base64.b64encode(self.sealer.encrypt(base64.b64decode(plaintext_b64))).decode()

    def _open(self, ciphertext_b64: str) -> str:
        try:
            return base64.b64encode(self.sealer.decrypt(base64.b64decode(ciphertext_b64))).decode()
        except (InvalidToken, ValueError) as error:
            raise CloudError(400, "ciphertext was not sealed by this service") from error

    def encrypt(self, request, org, project, stack):
        self._stack(org, project, stack)
        return {"ciphertext": self._seal(request.json()["plaintext"])}

    def decrypt(self, request, org, project, stack):
        self._stack(org, project, stack)
        return {"plaintext": self._open(request.json()["ciphertext"])}

    def batch_encrypt(self, request, org, project, stack):
        self._stack(org, project, stack)
        return {"ciphertexts": [self._seal(value) for value in request.json().get("plaintexts") or []]}

    def batch_decrypt(self, request, org, project, stack):
        self._stack(org, project, stack)
        # Keyed by the ciphertext as sent (base64), as BatchDecryptResponse's map is.
        return {"plaintexts": {value: self._open(value) for value in request.json().get("ciphertexts") or []}}

    # -- updates ----------------------------------------------------------------------------------

    def create_update(self, request, org, project, stack, kind):
        self._stack(org, project, stack)
        update_id = secrets.token_hex(12)
        self.store.write({"id": update_id, "kind": kind, "org": org, "project": project, "stack": stack,
                          "status": "not started", "program": request.json(), "token": "", "events": 0},
                         "updates", update_id + ".json")
        return {"updateID": update_id, "requiredPolicies": self.required_policies(org, project, stack),
                "messages": []}

    def _update(self, update_id: str, org: str, project: str, stack: str) -> dict:
        record = self.store.read("updates", update_id + ".json")
        if record is None or (record["org"], record["project"], record["stack"]) != (org, project, stack):
            raise CloudError(404, f"update '{update_id}' not found")
        return record

    def _leased(self, request, update_id, org, project, stack) -> dict:
        record = self._update(update_id, org, project, stack)
        if request.headers.get("Authorization") != f"update-token {record['token']}" or not record["token"]:
            raise CloudError(401, "this update's lease token is required")
        return record

    def update_status(self, request, org, project, stack, kind, update):
        record = self._update(update, org, project, stack)
        return {"status": record["status"], "events": []}

    def start_update(self, request, org, project, stack, kind, update):
        with self.store.lock:
            record = self._update(update, org, project, stack)
            stack_record = self._stack(org, project, stack)
            if stack_record.get("activeUpdate"):
                raise CloudError(409, "Conflict: Another update is currently in progress.")
            if record["kind"] != "preview":
                stack_record["activeUpdate"] = update
            tags = (request.json() or {}).get("tags")
            if tags:
                stack_record["tags"] = tags
            self.store.write(stack_record, "stacks", org, project, stack + ".json")
            record.update(status="running", token=secrets.token_urlsafe(24))
            self.store.write(record, "updates", update + ".json")
        return {"version": stack_record.get("version", 0) + 1, "token": record["token"],
                "tokenExpiration": int(time.time()) + LEASE_SECONDS}

    def _save_checkpoint(self, org, project, stack, deployment: dict) -> None:
        with self.store.lock:
            stack_record = self._stack(org, project, stack)
            stack_record["deployment"] = deployment
            self.store.write(stack_record, "stacks", org, project, stack + ".json")

    def patch_checkpoint(self, request, org, project, stack, kind, update):
        self._leased(request, update, org, project, stack)
        body = request.json()
        if not body.get("isInvalid"):
            self._save_checkpoint(org, project, stack, {"version": body.get("version", 3),
                                                        "features": body.get("features") or [],
                                                        "deployment": body.get("deployment")})
        return None

    def patch_checkpoint_verbatim(self, request, org, project, stack, kind, update):
        self._leased(request, update, org, project, stack)
        self._save_checkpoint(org, project, stack, request.json()["untypedDeployment"])
        return None

    def record_events(self, request, org, project, stack, kind, update):
        self._leased(request, update, org, project, stack)
        events = (request.json() or {}).get("events") or []
        self._append_events(update, events)
        return None

    def record_event(self, request, org, project, stack, kind, update):
        self._leased(request, update, org, project, stack)
        self._append_events(update, [request.json()])
        return None

    def _append_events(self, update: str, events: list) -> None:
        lines = "".join(json.dumps(event, sort_keys=True) + "\n" for event in events)
        with self.store.lock, open(self.store.path("updates", update + ".events.jsonl"), "a",
                                   encoding="utf-8") as handle:
            handle.write(lines)

    def renew_lease(self, request, org, project, stack, kind, update):
        record = self._leased(request, update, org, project, stack)
        return {"token": record["token"], "tokenExpiration": int(time.time()) + LEASE_SECONDS}

    def complete_update(self, request, org, project, stack, kind, update):
        with self.store.lock:
            record = self._leased(request, update, org, project, stack)
            record["status"] = (request.json() or {}).get("status", "succeeded")
            self.store.write(record, "updates", update + ".json")
            stack_record = self._stack(org, project, stack)
            if stack_record.get("activeUpdate") == update:
                stack_record["activeUpdate"] = ""
                stack_record["version"] = stack_record.get("version", 0) + 1
                stack_record["lastUpdate"] = int(time.time())
                self.store.write(stack_record, "stacks", org, project, stack + ".json")
        return None

    # -- policy packs -----------------------------------------------------------------------------

    def _versions(self, org: str, name: str, complete_only: bool = True) -> list[dict]:
        """A pack's published versions, oldest first."""
        found = [self.store.read("policypacks", org, name, tag + ".json")
                 for tag in self.store.names("policypacks", org, name)]
        return sorted((v for v in found if v and (v["complete"] or not complete_only)), key=lambda v: v["version"])

    def _version(self, org: str, name: str, tag: str) -> dict:
        self._organization(org)
        record = self.store.read("policypacks", org, name, tag + ".json") if tag else None
        if record is None or not record["complete"]:
            raise CloudError(404, f"policy pack '{org}/{name}' version '{tag}' not found")
        return record

    def list_policy_packs(self, request, org):
        self._organization(org)
        packs = []
        for name in self.store.folders("policypacks", org):
            versions = self._versions(org, name)
            if versions:
                packs.append({"name": name, "displayName": versions[-1]["request"].get("displayName") or name,
                              "versions": [v["version"] for v in versions],
                              "versionTags": [v["versionTag"] for v in versions]})
        return {"policyPacks": packs}

    def create_policy_pack(self, request, org):
        self._organization(org)
        body = request.json() or {}
        name = body.get("name") or ""
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", name):
            raise CloudError(400, f"invalid policy pack name {name!r}")
        with self.store.lock:
            existing = self._versions(org, name, complete_only=False)
            tag = body.get("versionTag") or str(len(existing) + 1)
            if any(v["versionTag"] == tag and v["complete"] for v in existing):
                raise CloudError(409, f"Conflict: Policy Pack '{name}' version '{tag}' has already been published")
            version = max((v["version"] for v in existing), default=0) + 1
            self.store.write({"name": name, "version": version, "versionTag": tag, "complete": False,
                              "uploaded": False, "request": body}, "policypacks", org, name, tag + ".json")
        return {"version": version, "uploadURI": f"{self.base_url}/storage/policypacks/{org}/{name}/{tag}",
                "requiredHeaders": {"Content-Type": "application/gzip"}}

    def upload_policy_pack(self, request, org, name, tag):
        with self.store.lock:
            record = self.store.read("policypacks", org, name, tag + ".json")
            if record is None or record["complete"]:
                raise CloudError(403, "no upload is expected at this address")
            self.store.write_bytes(request.body, "policypacks", org, name, tag + ".tgz")
            record["uploaded"] = True
            self.store.write(record, "policypacks", org, name, tag + ".json")
        return None

    def complete_policy_pack(self, request, org, name, tag):
        with self.store.lock:
            record = self.store.read("policypacks", org, name, tag + ".json")
            if record is None or not record["uploaded"]:
                raise CloudError(400, f"policy pack '{name}' version '{tag}' was not uploaded")
            record["complete"] = True
            self.store.write(record, "policypacks", org, name, tag + ".json")
        return None

    def download_policy_pack(self, request, org, name, tag):
        self._version(org, name, tag)
        with open(self.store.path("policypacks", org, name, tag + ".tgz"), "rb") as handle:
            return RawBody(handle.read(), "application/gzip")

    def get_policy_pack(self, request, org, name, tag):
        record = self._version(org, name, tag)
        applied = any(pack["name"] == name and pack["versionTag"] == tag
                      for group in self._groups(org) for pack in group["appliedPolicyPacks"])
        return {"name": name, "displayName": record["request"].get("displayName") or name,
                "version": record["version"], "versionTag": tag,
                "policies": record["request"].get("policies") or [], "applied": applied}

    def policy_pack_schema(self, request, org, name, tag):
        record = self._version(org, name, tag)
        return {"configSchema": {policy["name"]: policy["configSchema"]
                                 for policy in record["request"].get("policies") or [] if policy.get("configSchema")}}

    def remove_policy_pack(self, request, org, name):
        self._organization(org)
        self._refuse_if_enabled(org, name, None)
        for tag in self.store.names("policypacks", org, name):
            self.store.remove("policypacks", org, name, tag + ".json")
            self.store.remove("policypacks", org, name, tag + ".tgz")
        return None

    def remove_policy_pack_version(self, request, org, name, tag):
        self._version(org, name, tag)
        self._refuse_if_enabled(org, name, tag)
        self.store.remove("policypacks", org, name, tag + ".json")
        self.store.remove("policypacks", org, name, tag + ".tgz")
        return None

    def _refuse_if_enabled(self, org: str, name: str, tag: Optional[str]) -> None:
        for group in self._groups(org):
            for pack in group["appliedPolicyPacks"]:
                if pack["name"] == name and tag in (None, pack["versionTag"]):
                    raise CloudError(400, f"Bad Request: Policy Pack '{name}' is enabled in Policy Group "
                                          f"'{group['name']}'; disable it first")

    # -- policy groups ----------------------------------------------------------------------------

    def _groups(self, org: str) -> list[dict]:
        self._organization(org)
        groups = [self.store.read("policygroups", org, name + ".json")
                  for name in self.store.names("policygroups", org)]
        if not any(group["name"] == DEFAULT_POLICY_GROUP for group in groups):
            groups.insert(0, self._new_group(DEFAULT_POLICY_GROUP, is_default=True))
        return groups

    @staticmethod
    def _new_group(name: str, is_default: bool = False) -> dict:
        return {"name": name, "isOrgDefault": is_default, "entityType": "stacks", "mode": "preventative",
                "stacks": [], "appliedPolicyPacks": [], "accounts": []}

    def _group(self, org: str, name: str) -> dict:
        for group in self._groups(org):
            if group["name"] == name:
                return group
        raise CloudError(404, f"policy group '{name}' not found")

    def _in_group(self, group: dict, project: str, stack: str) -> bool:
        """The default group holds every stack of the organisation; the others the stacks added to them."""
        return group["isOrgDefault"] or any(
            member.get("routingProject") == project and member.get("name") == stack for member in group["stacks"])

    def list_policy_groups(self, request, org):
        return {"policyGroups": [
            {"name": group["name"], "isOrgDefault": group["isOrgDefault"], "numStacks": len(group["stacks"]),
             "entityType": group["entityType"], "mode": group["mode"],
             "numEnabledPolicyPacks": len(group["appliedPolicyPacks"])} for group in self._groups(org)]}

    def create_policy_group(self, request, org):
        body = request.json() or {}
        name = body.get("name") or ""
        with self.store.lock:
            if any(group["name"] == name for group in self._groups(org)):
                raise CloudError(409, f"policy group '{name}' already exists")
            group = self._new_group(name)
            group["entityType"] = body.get("entityType") or "stacks"
            group["mode"] = body.get("mode") or "preventative"
            self.store.path("policygroups", org, name + ".json")  # validates the name
            self.store.write(group, "policygroups", org, name + ".json")
        return group

    def get_policy_group(self, request, org, group):
        return self._group(org, group)

    def delete_policy_group(self, request, org, group):
        if self._group(org, group)["isOrgDefault"]:
            raise CloudError(400, "the default policy group cannot be deleted")
        self.store.remove("policygroups", org, group + ".json")
        return None

    def update_policy_group(self, request, org, group):
        body = request.json() or {}
        with self.store.lock:
            record = self._group(org, group)
            if body.get("addStack"):
                reference = body["addStack"]
                if not any(member == reference for member in record["stacks"]):
                    record["stacks"].append(reference)
            if body.get("removeStack"):
                record["stacks"] = [member for member in record["stacks"] if member != body["removeStack"]]
            if body.get("addPolicyPack"):
                record["appliedPolicyPacks"] = self._enable(org, record, body["addPolicyPack"])
            if body.get("removePolicyPack"):
                removed = body["removePolicyPack"]
                remaining = [pack for pack in record["appliedPolicyPacks"]
                             if not (pack["name"] == removed.get("name")
                                     and removed.get("versionTag") in ("", None, pack["versionTag"]))]
                if len(remaining) == len(record["appliedPolicyPacks"]):
                    raise CloudError(404, f"policy pack '{removed.get('name')}' is not enabled in '{group}'")
                record["appliedPolicyPacks"] = remaining
            self.store.write(record, "policygroups", org, group + ".json")
        return None

    def _enable(self, org: str, group: dict, wanted: dict) -> list[dict]:
        """The group's packs with ``wanted`` enabled: one version per pack, `latest` (an empty tag)
        meaning the newest version published when it is enabled; its config replaces the old one."""
        name = wanted.get("name") or ""
        versions = self._versions(org, name)
        if not versions:
            raise CloudError(404, f"policy pack '{org}/{name}' not found")
        tag = wanted.get("versionTag") or versions[-1]["versionTag"]
        chosen = self._version(org, name, tag)
        entry = {"name": name, "displayName": chosen["request"].get("displayName") or name,
                 "version": chosen["version"], "versionTag": tag, "config": wanted.get("config") or {}}
        return [pack for pack in group["appliedPolicyPacks"] if pack["name"] != name] + [entry]

    def required_policies(self, org: str, project: str, stack: str) -> list[dict]:
        """What UpdateProgramResponse.requiredPolicies carries: every pack enabled in a group the
        stack belongs to, with that group's config and the address its tarball is downloaded from."""
        required = []
        for group in self._groups(org):
            if not self._in_group(group, project, stack):
                continue
            for pack in group["appliedPolicyPacks"]:
                required.append({
                    "name": pack["name"], "version": pack["version"], "versionTag": pack["versionTag"],
                    "displayName": pack["displayName"], "config": pack.get("config") or {},
                    "packLocation": f"{self.base_url}/storage/policypacks/{org}/{pack['name']}/{pack['versionTag']}"})
        return required

    def stack_policy_packs(self, request, org, project, stack):
        self._stack(org, project, stack)
        return {"requiredPolicies": self.required_policies(org, project, stack)}

    def stack_policy_groups(self, request, org, project, stack):
        self._stack(org, project, stack)
        listed = self.list_policy_groups(request, org)["policyGroups"]
        members = {group["name"] for group in self._groups(org) if self._in_group(group, project, stack)}
        return {"policyGroups": [group for group in listed if group["name"] in members]}

    # -- serving ----------------------------------------------------------------------------------

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
        """Starts serving in a daemon thread; ``base_url`` is set to the address it listens on."""
        server = _Server((host, port), _handler_for(self))
        self.base_url = f"http://{host}:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """The engine drops its kept-alive connections when it exits: not an error of the service."""
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


class RawBody:
    """A response that is not JSON (a tarball)."""

    def __init__(self, data: bytes, content_type: str) -> None:
        self.data = data
        self.content_type = content_type


class Request:
    def __init__(self, headers, query: dict, body: bytes) -> None:
        self.headers = headers
        self.query = query
        self.body = body

    def json(self):
        return json.loads(self.body) if self.body else None


def _handler_for(cloud: CloudStandIn):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 the base class's name
            pass  # requests are recorded in cloud.requests, not printed

        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.headers.get("Content-Encoding") == "gzip" and body:
                body = gzip.decompress(body)
            try:
                template, handler, arguments = cloud.route(self.command, url.path)
                cloud.requests.append((self.command, template))
                if not url.path.startswith("/storage/") and not self.headers.get("Authorization"):
                    raise CloudError(401, "Unauthorized: No credentials provided or are invalid.")
                result = handler(Request(self.headers, parse_qs(url.query), body), **arguments)
                status = 200
            except CloudError as error:
                result, status = {"code": error.code, "message": error.message}, error.code
            except (ValueError, KeyError, TypeError) as error:
                result, status = {"code": 400, "message": f"Bad Request: {error}"}, 400
            if isinstance(result, RawBody):
                payload, content_type = result.data, result.content_type
            elif result is None:
                payload, content_type = b"", "application/json"
            else:
                payload, content_type = json.dumps(result).encode(), "application/json"
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

    return Handler


def pattern_for(template: str) -> str:
    """A route template's regex: ``{name}`` is one path segment, ``{name:a|b}`` one of those words."""
    def group(match: re.Match) -> str:
        name, _, alternatives = match.group(1).partition(":")
        return f"(?P<{name}>{alternatives or '[^/]+'})"
    return "^" + re.sub(r"\{([\w]+(?::[^}]+)?)\}", group, template) + "$"


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="cloud.py", description="A stand-in Pulumi Cloud (see its docstring).")
    parser.add_argument("data_dir")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--organization", default="acme")
    options = parser.parse_args(argv)
    cloud = CloudStandIn(options.data_dir, options.organization)
    server = cloud.serve(port=options.port)
    print(cloud.base_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

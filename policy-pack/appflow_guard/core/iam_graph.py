"""Who holds which IAM policy in a stack: users, groups and roles, the documents attached to them
(inline, customer managed, AWS managed by ARN), group memberships, console access and access keys.

One graph for both providers. pulumi-aws spreads an identity over resources (User, UserLoginProfile,
AccessKey, GroupMembership, UserPolicy, UserPolicyAttachment, PolicyAttachment, ...); aws-native
keeps most of it on the principal (User.loginProfile, groups, managedPolicyArns, policies) or on
the ManagedPolicy (users, groups, roles). A principal is named by its IAM name; one the stack does
not create is kept by that name, so that policies the stack attaches to it still count. A reference
that is not known yet (preview) and leads to no resource of the stack makes an answer incomplete.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Any

from . import protection_fields, types
from .stack import StackView
from .values import text

USER, GROUP, ROLE = "user", "group", "role"
_KIND_TYPES = {USER: types.IAM_USER_TYPES, GROUP: types.IAM_GROUP_TYPES, ROLE: types.IAM_ROLE_TYPES}
_NAME_FIELDS = {types.NATIVE_IAM_USER: "userName", types.NATIVE_IAM_GROUP: "groupName",
                types.NATIVE_IAM_ROLE: "roleName"}   # pulumi-aws: name
_AWS_MANAGED = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/(?:.*/)?([^/]+)$")

# Resources holding one document for the principal a property names: type -> (kind, property).
_INLINE_HOLDERS = {
    types.IAM_USER_POLICY: (USER, "user"), types.IAM_GROUP_POLICY: (GROUP, "group"),
    types.IAM_ROLE_POLICY: (ROLE, "role"),
    types.NATIVE_IAM_USER_POLICY: (USER, "userName"), types.NATIVE_IAM_GROUP_POLICY: (GROUP, "groupName"),
    types.NATIVE_IAM_ROLE_POLICY: (ROLE, "roleName"),
}
# Resources attaching managed policies by ARN: type -> ((kind, property), ...), ARN property.
_ARN_ATTACHMENTS = {
    types.IAM_USER_POLICY_ATTACHMENT: (((USER, "user"),), "policyArn"),
    types.IAM_GROUP_POLICY_ATTACHMENT: (((GROUP, "group"),), "policyArn"),
    types.IAM_ROLE_POLICY_ATTACHMENT: (((ROLE, "role"),), "policyArn"),
    types.IAM_POLICY_ATTACHMENT: (((USER, "users"), (GROUP, "groups"), (ROLE, "roles")), "policyArn"),
    types.IAM_USER_POLICY_ATTACHMENTS_EXCLUSIVE: (((USER, "userName"),), "policyArns"),
    types.IAM_GROUP_POLICY_ATTACHMENTS_EXCLUSIVE: (((GROUP, "groupName"),), "policyArns"),
    types.IAM_ROLE_POLICY_ATTACHMENTS_EXCLUSIVE: (((ROLE, "roleName"),), "policyArns"),
}
# Principals that attach managed policies themselves (managedPolicyArns).
_SELF_ATTACHING = frozenset({types.IAM_ROLE, types.NATIVE_IAM_ROLE, types.NATIVE_IAM_USER, types.NATIVE_IAM_GROUP})


@dataclass(frozen=True)
class Principal:
    """A user, group or role: the stack's resource (``urn``), or one named from outside (``urn`` None)."""

    kind: str
    name: str | None
    urn: str | None = None
    resource: Any = field(default=None, compare=False, hash=False)

    @property
    def label(self) -> str:
        if self.resource is None:
            return f"{self.kind} {self.name} (not in this stack)"
        return f"{self.kind} {self.resource.name}"

    def matches(self, patterns: tuple[str, ...]) -> bool:
        """Whether its IAM name or logical name matches one of ``patterns`` (globs)."""
        names = {self.name, self.resource.name if self.resource is not None else None} - {None}
        return any(fnmatch.fnmatchcase(name, pattern) for name in names for pattern in patterns)


@dataclass(frozen=True)
class Document:
    """A policy document and where it is written (the resource and its property)."""

    holder: Any = field(compare=False, hash=False)
    field: str
    raw: Any = field(compare=False, hash=False)
    urn: str = ""


@dataclass(frozen=True)
class Attached:
    """A policy attached to a principal: an in-stack document, an AWS managed policy by name, or a
    customer managed policy of another stack (``outside``: its ARN)."""

    document: Document | None = None
    aws_managed: str | None = None
    outside: str | None = None
    via: Any = field(default=None, compare=False, hash=False)   # the resource that attaches it
    field: str = ""


class IamGraph:
    def __init__(self, view: StackView) -> None:
        self.view = view
        self._principals: dict[str, Principal] = {}
        for kind, kind_types in _KIND_TYPES.items():
            for resource in view.of_type(*kind_types):
                name = text(view.props(resource).get(_NAME_FIELDS.get(resource.resource_type, "name")))
                self._principals[resource.urn] = Principal(kind, name, resource.urn, resource)
        self._by_name = {(principal.kind, identifier): principal for principal in self._principals.values()
                         for identifier in (principal.name, text(view.props(principal.resource).get("arn")))
                         if identifier}
        self._managed = {identifier: policy for policy in view.of_type(*types.IAM_MANAGED_POLICY_TYPES)
                         for identifier in (text(view.props(policy).get("arn")), text(view.props(policy).get("policyArn")))
                         if identifier}
        self.attached: dict[Principal, list[Attached]] = {}
        self.groups_of: dict[Principal, list[Principal]] = {}
        self.console: dict[Principal, list[Any]] = {}
        self.keys: dict[Principal, list[Any]] = {}
        self.holders: dict[str, list[tuple[Principal, Any]]] = {}  # document urn+field -> (principal, via)
        self.unsure_holders: set[str] = set()       # documents held by a principal not known yet
        self.incomplete: set[Principal] = set()     # principals with an attachment or membership not known yet
        self.memberships_incomplete = False         # a membership names users not known yet
        self._build()

    # references -----------------------------------------------------------------------------

    def principals_named(self, holder: Any, prop: str, kind: str) -> tuple[list[Principal], bool]:
        """The principals ``holder.prop`` names (one value or a list), and whether every entry is known."""
        value = self.view.props(holder).get(prop)
        if value is None:
            return [], True
        values = value if isinstance(value, list) else [value]
        origins = [self._principals[resource.urn] for resource in self.view.origins(holder, prop, *_KIND_TYPES[kind])]
        found: list[Principal] = []
        unknown = 0
        for entry in values:
            name = text(entry)
            if name is None:
                unknown += 1
            else:
                found.append(self._by_name.get((kind, name)) or Principal(kind, name))
        unmatched = [principal for principal in origins if principal not in found]
        return list(dict.fromkeys(found + unmatched)), unknown <= len(unmatched)

    def policies_named(self, holder: Any, prop: str) -> tuple[list[Attached], bool]:
        """The managed policies ``holder.prop`` attaches by ARN, and whether every ARN is known."""
        value = self.view.props(holder).get(prop)
        if value is None:
            return [], True
        values = value if isinstance(value, list) else [value]
        origins = self.view.origins(holder, prop, *types.IAM_MANAGED_POLICY_TYPES)
        found, used, unknown = [], [], 0
        for entry in values:
            arn = text(entry)
            if arn is None:
                unknown += 1
            elif aws_managed := _AWS_MANAGED.match(arn):
                found.append(Attached(aws_managed=aws_managed.group(1), via=holder, field=prop))
            elif arn in self._managed:
                used.append(self._managed[arn])
                found.append(Attached(self.own_documents(self._managed[arn])[0], via=holder, field=prop))
            else:
                found.append(Attached(outside=arn, via=holder, field=prop))
        unmatched = [policy for policy in origins if policy not in used]
        found += [Attached(self.own_documents(policy)[0], via=holder, field=prop) for policy in unmatched]
        return found, unknown <= len(unmatched)

    def own_documents(self, resource: Any) -> list[Document]:
        """The documents a policy resource or a principal holds itself (not what it attaches by ARN)."""
        props = self.view.props(resource)
        if protection_fields.holds_inline_policies(resource.resource_type):
            found = protection_fields.policy_documents(resource.resource_type, props)
        elif resource.resource_type in types.IAM_DOCUMENT_TYPES:
            found = [(protection_fields.document_field(resource.resource_type),
                      props.get(protection_fields.document_field(resource.resource_type)))]
        else:
            found = []
        return [Document(resource, where, raw, f"{resource.urn}#{where}") for where, raw in found]

    # building -------------------------------------------------------------------------------

    def _attach(self, principals: list[Principal], attached: list[Attached], complete: bool) -> None:
        for principal in principals:
            self.attached.setdefault(principal, []).extend(attached)
            if not complete:
                self.incomplete.add(principal)
            for item in attached:
                if item.document is not None:
                    self.holders.setdefault(item.document.urn, []).append((principal, item.via))

    def _unsure(self, attached: list[Attached]) -> None:
        self.unsure_holders.update(item.document.urn for item in attached if item.document is not None)

    def _build(self) -> None:
        view = self.view
        for principal in list(self._principals.values()):
            resource = principal.resource
            self._attach([principal], [Attached(document, via=resource, field=document.field)
                                       for document in self.own_documents(resource)], True)
            if resource.resource_type in _SELF_ATTACHING:
                attached, complete = self.policies_named(resource, "managedPolicyArns")
                self._attach([principal], attached, complete)
            if resource.resource_type == types.NATIVE_IAM_USER:
                groups, complete = self.principals_named(resource, "groups", GROUP)
                self._member(principal, groups, complete)
                if view.props(resource).get("loginProfile") is not None:
                    self.console.setdefault(principal, []).append(resource)
        for holder_type, (kind, prop) in _INLINE_HOLDERS.items():
            for resource in view.of_type(holder_type):
                self._attach_named(resource, ((kind, prop),),
                                   [Attached(document, via=resource, field=document.field)
                                    for document in self.own_documents(resource)], True)
        for policy in view.of_type(types.NATIVE_IAM_MANAGED_POLICY):
            self._attach_named(policy, ((USER, "users"), (GROUP, "groups"), (ROLE, "roles")),
                               [Attached(document, via=policy, field=document.field)
                                for document in self.own_documents(policy)], True)
        for attachment_type, (targets, arn_prop) in _ARN_ATTACHMENTS.items():
            for resource in view.of_type(attachment_type):
                attached, arns_known = self.policies_named(resource, arn_prop)
                self._attach_named(resource, targets, attached, arns_known)
        for membership in view.of_type(types.IAM_GROUP_MEMBERSHIP):
            groups, groups_known = self.principals_named(membership, "group", GROUP)
            users, users_known = self.principals_named(membership, "users", USER)
            for user in users:
                self._member(user, groups, groups_known)
            self.memberships_incomplete |= not users_known
        for membership in view.of_type(types.IAM_USER_GROUP_MEMBERSHIP):
            users, users_known = self.principals_named(membership, "user", USER)
            groups, groups_known = self.principals_named(membership, "groups", GROUP)
            for user in users:
                self._member(user, groups, groups_known)
            self.memberships_incomplete |= not users_known
        for resource in view.of_type(types.IAM_USER_LOGIN_PROFILE):
            for user in self.principals_named(resource, "user", USER)[0]:
                self.console.setdefault(user, []).append(resource)
        for resource in view.of_type(types.IAM_ACCESS_KEY):
            if view.props(resource).get("status") != "Inactive":   # an inactive key signs no request
                for user in self.principals_named(resource, "user", USER)[0]:
                    self.keys.setdefault(user, []).append(resource)

    def _attach_named(self, resource: Any, targets: tuple, attached: list[Attached], complete: bool) -> None:
        for kind, prop in targets:
            principals, named = self.principals_named(resource, prop, kind)
            self._attach(principals, attached, complete and named)
            if not named:
                self._unsure(attached)

    def _member(self, user: Principal, groups: list[Principal], complete: bool) -> None:
        self.groups_of.setdefault(user, []).extend(groups)
        if not complete:
            self.incomplete.add(user)

    # questions ------------------------------------------------------------------------------

    def effective(self, user: Principal) -> tuple[list[Attached], bool]:
        """Every policy attached to the user or to a group it is in, and whether all are known."""
        found = list(self.attached.get(user, ()))
        complete = user not in self.incomplete and not self.memberships_incomplete
        for group in dict.fromkeys(self.groups_of.get(user, ())):
            found.extend(self.attached.get(group, ()))
            complete = complete and group not in self.incomplete
        return found, complete

    def boundary(self, user: Principal) -> tuple[list[Attached], bool]:
        """The user's permissions boundary (permissionsBoundary, an ARN, both providers): what it
        allows caps everything its policies allow. Empty for a user the stack does not create."""
        if user.resource is None:
            return [], True
        return self.policies_named(user.resource, "permissionsBoundary")

    def users_with_access(self) -> list[Principal]:
        """Users the stack gives console access (a login profile) or access keys."""
        return list(dict.fromkeys([*self.console, *self.keys]))

    def documents(self) -> list[Document]:
        """Every identity policy document of the stack, in stack order."""
        holders = self.view.of_type(*types.IAM_DOCUMENT_TYPES, *(_KIND_TYPES[USER] | _KIND_TYPES[GROUP] |
                                                                 _KIND_TYPES[ROLE]))
        return [document for resource in holders for document in self.own_documents(resource)]

    def attachments_of_aws_managed(self) -> list[tuple[Principal, Attached]]:
        """(principal, attachment) of every AWS managed policy attached in the stack."""
        return [(principal, item) for principal, items in self.attached.items() for item in items
                if item.aws_managed]


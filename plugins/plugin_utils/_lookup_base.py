# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a lookup of the collection does around its own work, in the controller.

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

The lookup's side of what _module_runner does for modules: options read through the
config system (keywords, then variables, then environment) with one-sentence errors,
the client built from them, its warnings shown, and every failure turned into an
AnsibleLookupError, the one error Ansible reports in place, without a traceback.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import sys

from ansible.errors import AnsibleError, AnsibleLookupError

try:
    from ansible.errors import AnsibleRequiredOptionError
except ImportError:  # ansible-core 2.16 raises a plain AnsibleError for a missing required option
    AnsibleRequiredOptionError = None
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.backupgate.veeam_em.plugins.module_utils._arguments import (
    INSECURE_WARNING, client_from_options,
)
from ansible_collections.backupgate.veeam_em.plugins.module_utils._em_client import HAS_REQUESTS
from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError

display = Display()

# How Ansible's config errors name the option: "Config 'limit' for ...", "... for config 'state' ...";
# "config 'url'" from ansible-core 2.17 on, "... setting: url" from 2.16.
_CONFIG_NAME = re.compile(r"config '(\w+)'|setting: (\w+)", re.IGNORECASE)
_MISSING_BEFORE_2_17 = "No setting was provided for required configuration"


class VeeamEmLookupBase(LookupBase):
    """Subclasses implement ``_run(terms)`` with their options set, and use ``_client()``."""

    # Keywords people reach for by habit from a module: {keyword: a pointed hint}.
    KEYWORD_HINTS = {}
    # What the lookup was doing, for the message of an unexpected failure.
    ACTIVITY = "working with Enterprise Manager"

    def run(self, terms, variables=None, **kwargs):
        try:
            self._load_options(variables, kwargs)
            return self._run(terms)
        except AnsibleLookupError:
            raise
        except EmError as exc:
            raise AnsibleLookupError(exc.msg) from None
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # A client has logged off on its way out of its context by now.
            raise AnsibleLookupError("Unexpected %s while %s: %s"
                                     % (exc.__class__.__name__, self.ACTIVITY, exc)) from None

    def _run(self, terms):
        raise NotImplementedError

    def _client(self):
        """A new, not yet logged on, client from the connection options; use it with ``with``."""
        client = client_from_options(self.get_option)
        if not HAS_REQUESTS:
            raise AnsibleLookupError(
                "Failed to import the required Python library (requests) on the controller's Python %s: "
                "install it there to use this lookup." % sys.executable)
        if not self.get_option("validate_certs"):
            display.warning(INSECURE_WARNING)
        return client

    @staticmethod
    def _show_warnings(client):
        for warning in client.warnings:
            display.warning(warning)
        client.warnings = []

    def _load_options(self, variables, kwargs):
        # The config system ignores keywords it does not know; a misspelt filter must not widen a gate.
        known = set(self.option_definitions) - {"_terms"}
        for keyword in sorted(set(kwargs) - known):
            hint = self.KEYWORD_HINTS.get(keyword, "the options are %s" % ", ".join(sorted(known)))
            raise AnsibleLookupError("Unknown option %s for this lookup: %s." % (keyword, hint))
        ours = self._our_variables(variables)
        try:
            self.set_options(var_options=ours, direct=kwargs)
        except AnsibleError as exc:  # AnsibleOptionsError; a plain AnsibleError on ansible-core 2.16
            raise AnsibleLookupError(self._option_error_message(exc, kwargs, ours)) from None
        # The config system reads an empty path as the current directory; an empty ca_path
        # means no CA file, as for the modules. AWX's credential type sets VEEAM_EM_CA_PATH
        # empty for a credential without a CA certificate (extensions/awx/). set_option(name,
        # None) would fall back to the same source again, hence get_option below.
        self._empty_options = set(name for name in ("ca_path",)
                                  if _given_value(name, self.option_definitions[name], kwargs, ours) == "")

    def get_option(self, option, hostvars=None):
        if option in getattr(self, "_empty_options", ()):
            return None
        return super(VeeamEmLookupBase, self).get_option(option, hostvars=hostvars)

    def _our_variables(self, variables):
        """The variables our options read (veeam_em_url, ...), templated.

        The config system takes variable values as they are, so without this
        ``veeam_em_url: "{{ em_host }}"`` would reach the client unrendered.
        """
        names = set(entry["name"] for definition in self.option_definitions.values()
                    for entry in definition.get("vars") or [])
        ours = dict((name, variables[name]) for name in names if name in (variables or {}))
        if self._templar is None:
            return ours
        rendered = {}
        for name, value in sorted(ours.items()):
            try:
                rendered[name] = self._templar.template(value)
            except AnsibleError as exc:
                # Core's message may quote the template, so never for the password.
                detail = "" if name.endswith("password") else ": %s" % str(exc).strip().splitlines()[0]
                raise AnsibleLookupError("Variable %s could not be templated%s." % (name, detail.rstrip("."))) from None
        return rendered

    def _option_error_message(self, exc, kwargs, ours):
        """One sentence about a missing or bad option, under the plugin's public name.

        Core words these differently from one version to the next, so a bad value we can
        place gets our own sentence, the same on every ansible-core.
        """
        public_name = getattr(self, "ansible_name", None) or self._load_name
        message = str(exc).strip().splitlines()[0].replace(self._load_name, public_name)
        match = _CONFIG_NAME.search(message)
        name = (match.group(1) or match.group(2)) if match else None
        if AnsibleRequiredOptionError is None:
            missing = message.startswith(_MISSING_BEFORE_2_17)
        else:
            missing = isinstance(exc, AnsibleRequiredOptionError)
        if missing and name in self.option_definitions:
            return _required_message(name, self.option_definitions[name])
        if name == "password":
            return "Option password has an invalid value: expected a string."  # never echo it
        if name in self.option_definitions:
            definition = self.option_definitions[name]
            given = _given_value(name, definition, kwargs, ours)
            if given is not _NOT_GIVEN:
                return "Option %s got %r: expected %s." % (name, given, _expected(definition))
        return message


_NOT_GIVEN = object()
_TYPE_WORDS = {"int": "an integer", "integer": "an integer", "float": "a number", "bool": "a boolean",
               "boolean": "a boolean", "list": "a list", "dict": "a dictionary", "str": "a string", "string": "a string"}


def _given_value(name, definition, kwargs, ours):
    """The value of the source that wins for an option, in the config system's order: the
    keyword, then its variables, then its environment variables (of several set, the last)."""
    sources = [(kwargs, [name]),
               (ours, [entry["name"] for entry in definition.get("vars") or []]),
               (os.environ, [entry["name"] for entry in definition.get("env") or []])]
    for values, names in sources:
        given = [values[key] for key in names if key in values]
        if given:
            return given[-1]
    return _NOT_GIVEN


def _expected(definition):
    choices = definition.get("choices")
    if choices:
        words = "a list of items from" if definition.get("type") == "list" else "one of"
        return "%s %s" % (words, ", ".join(str(choice) for choice in choices))
    return _TYPE_WORDS.get(definition.get("type") or "str", "a %s" % definition.get("type"))


def _required_message(name, definition):
    sources = ["a keyword %s=..." % name]
    sources += ["the variable %s" % entry["name"] for entry in definition.get("vars") or []]
    sources += ["the environment variable %s" % entry["name"] for entry in definition.get("env") or []]
    return "Option %s is required: give it as %s." % (name, " or ".join(sources))

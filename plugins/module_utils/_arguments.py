# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection's options: argument specs and how the connection options become a client.

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

Modules (through _module_runner) and the lookup (through plugin_utils/_lookup_base) both read
their options through this file; their documentation lives in the doc fragments.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible.module_utils.basic import env_fallback

from ansible_collections.backupgate.veeam_em.plugins.module_utils._em_client import API_VERSIONS, EmClient
from ansible_collections.backupgate.veeam_em.plugins.module_utils._session_query import RESULTS, STATES

INSECURE_WARNING = "validate_certs is false: the TLS certificate of Enterprise Manager is not verified."

CONNECTION_ARGSPEC = dict(
    url=dict(type="str", required=True, fallback=(env_fallback, ["VEEAM_EM_URL"])),
    username=dict(type="str", required=True, fallback=(env_fallback, ["VEEAM_EM_USERNAME"])),
    password=dict(type="str", required=True, no_log=True, fallback=(env_fallback, ["VEEAM_EM_PASSWORD"])),
    validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["VEEAM_EM_VALIDATE_CERTS"])),
    ca_path=dict(type="path", fallback=(env_fallback, ["VEEAM_EM_CA_PATH"])),
    timeout=dict(type="int", default=30, fallback=(env_fallback, ["VEEAM_EM_TIMEOUT"])),
    api_version=dict(type="str", default="latest", choices=list(API_VERSIONS)),
    retries=dict(type="int", default=3),
)

# The filter options the info module shares with the lookup (job_name is a lookup term).
SESSION_FILTER_ARGSPEC = dict(
    job_id=dict(type="list", elements="str"),
    state=dict(type="str", default="any", choices=list(STATES)),
    result=dict(type="list", elements="str", choices=list(RESULTS)),
    created_after=dict(type="str"),
    created_before=dict(type="str"),
    latest_per_job=dict(type="bool", default=False),
    limit=dict(type="int"),
    include_task_sessions=dict(type="bool", default=False),
)


def argument_spec(*specs, **options):
    """The connection spec merged with more specs and single options."""
    merged = copy.deepcopy(CONNECTION_ARGSPEC)
    for spec in specs:
        merged.update(copy.deepcopy(spec))
    merged.update(options)
    return merged


def client_from_options(get, **extra):
    """An EmClient from an option getter: ``module.params.get`` or a lookup's ``get_option``.

    EmClient's parameters are named as the connection options, so the spec lists them once.
    """
    options = dict((name, get(name)) for name in CONNECTION_ARGSPEC)
    options.update(extra)
    return EmClient(**options)

# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """How to reach Enterprise Manager: shared by every module and the lookup."""

    DOCUMENTATION = r"""
options:
  url:
    description:
      - Address of the Enterprise Manager REST API, for example V(https://em.example.com:9398).
      - The forms V(https://em:9398), V(https://em:9398/), V(https://em:9398/api) and V(https://em:9398/api/) are all accepted.
      - A URL with user information (V(https://user:pass@em:9398)) is refused, and the message does not repeat it;
        the account is given only by O(username) and O(password).
      - An V(http://) URL works but gets a warning, because the user name, the password and the EM session token then travel in clear text.
      - Modules read E(VEEAM_EM_URL) when this option is not set.
    type: str
    required: true
  username:
    description:
      - EM account used to log on, as C(DOMAIN\user) or C(user@domain).
      - Reading sessions and tasks works with the Portal User or Portal Administrator role;
        Restore Operators cannot read backup sessions.
        Reading C(/api/nas/jobs), stopping sessions and starting, retrying or pausing jobs need Portal Administrator.
        A refused request (403) names the role it needs.
      - C(~/.netrc) and other credentials from the environment are ignored.
      - Modules read E(VEEAM_EM_USERNAME) when this option is not set.
    type: str
    required: true
  password:
    description:
      - Password of O(username). It never appears in results, messages or logs.
      - Modules read E(VEEAM_EM_PASSWORD) when this option is not set.
    type: str
    required: true
  validate_certs:
    description:
      - Verify the TLS certificate of EM.
      - Prefer O(ca_path) to V(false) when EM uses a certificate of a private or self-signed CA.
      - Modules read E(VEEAM_EM_VALIDATE_CERTS) when this option is not set.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA (or CA bundle) that signed the certificate of EM; used when O(validate_certs=true).
      - A missing file, a directory or a file without a PEM certificate is refused before any request.
      - Without O(ca_path), E(REQUESTS_CA_BUNDLE) (or E(CURL_CA_BUNDLE)) is used when set, else the CA bundle of C(requests).
      - Modules read E(VEEAM_EM_CA_PATH) when this option is not set.
    type: path
  timeout:
    description:
      - Seconds allowed for one request, from connecting to the last byte of the answer.
        This is a wall-clock bound, so an answer that trickles in slowly fails after this time too.
      - Modules read E(VEEAM_EM_TIMEOUT) when this option is not set.
    type: int
    default: 30
  api_version:
    description:
      - EM REST API version to log on with. V(latest) lets EM choose its newest.
      - V(v1_5) is EM 10, V(v1_6) is EM 11, V(v1_7) is EM 12 and 13.
    type: str
    default: latest
    choices: [latest, v1_5, v1_6, v1_7]
  retries:
    description:
      - How many times a read (and the logoff) is sent again after a transport error
        or an answer of 502, 503 or 504, with a growing pause in between.
      - The logon is sent again only when it surely never reached EM (the connection could not be made)
        or after 502, 503 or 504; a logon that timed out after it was sent is not, because EM may have
        created it. Actions such as a stop are never sent twice.
    type: int
    default: 3
notes:
  - Every task logs on to EM once and always logs off at the end, failures, Ctrl+C and SIGTERM included.
    A logon EM processed but whose answer never arrived cannot be logged off; EM ends it after 15 idle minutes.
  - Proxies from the environment (E(HTTPS_PROXY), E(HTTP_PROXY), E(ALL_PROXY)) are used, and E(NO_PROXY) is honoured.
  - An answer that is not an EM document (an empty body, a list where an object belongs) or is larger than 64 MiB
    is an error, never read as "nothing found".
  - "Requests carry C(Accept: application/json); JSON from EM 10 to 13 (PascalCase or camelCase) is read alike."
  - The EM session token is sent in the C(X-RestSvcSessionId) header and never returned or logged.
requirements:
  - requests >= 2.25 (on the host that runs the task, normally the controller)
"""

    PLUGINS = r"""
options:
  url:
    env:
      - name: VEEAM_EM_URL
    vars:
      - name: veeam_em_url
  username:
    env:
      - name: VEEAM_EM_USERNAME
    vars:
      - name: veeam_em_username
  password:
    env:
      - name: VEEAM_EM_PASSWORD
    vars:
      - name: veeam_em_password
  validate_certs:
    env:
      - name: VEEAM_EM_VALIDATE_CERTS
    vars:
      - name: veeam_em_validate_certs
  ca_path:
    env:
      - name: VEEAM_EM_CA_PATH
    vars:
      - name: veeam_em_ca_path
  timeout:
    env:
      - name: VEEAM_EM_TIMEOUT
    vars:
      - name: veeam_em_timeout
"""

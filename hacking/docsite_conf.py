# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Appended by hacking/docs.sh to the conf.py that `antsibull-docs sphinx-init` writes.
# The docsite is built offline (CI reaches only package registries), so Sphinx cannot
# fetch the intersphinx inventories of docs.ansible.com and docs.python.org. The few
# references our generated pages make into the Ansible docs would then fail the build
# (sphinx-build -W) or show a bare label; they are linked to docs.ansible.com instead.
# Any other unresolved reference still fails the build. The theme's top bar links to
# Ansible's blog and forum, as if this were an Ansible project: it shows none here (the
# collection's index links its repository and issue tracker, from galaxy.yml).
"""Sphinx settings for an offline build of the collection docsite."""

from docutils import nodes

intersphinx_mapping = {}

_ANSIBLE_DOCS = 'https://docs.ansible.com/projects/ansible/devel/'
# Labels of the Ansible docs that antsibull-docs' own templates refer to.
_ANSIBLE_PAGES = {
    'common_return_values': ('reference_appendices/common_return_values.html', 'Return Values'),
    'ansible_configuration_settings': ('reference_appendices/config.html', 'Ansible Configuration Settings'),
}
_BUILTIN_PREFIX = 'ansible_collections.ansible.builtin.'


html_theme_options = dict(globals().get('html_theme_options') or {}, topbar_links={})


def _link_to_ansible_docs(app, env, node, contnode):
    """Resolve a reference into the Ansible docs to an external link, else leave it unresolved."""
    target = node.get('reftarget', '')
    if target in _ANSIBLE_PAGES:
        path, title = _ANSIBLE_PAGES[target]
    elif target.startswith(_BUILTIN_PREFIX):
        path, title = 'collections/ansible/builtin/%s.html' % target[len(_BUILTIN_PREFIX):], None
    else:
        return None
    link = nodes.reference('', '', internal=False, refuri=_ANSIBLE_DOCS + path)
    link += contnode if node.get('refexplicit') or title is None else nodes.Text(title)
    return link


def setup(app):
    app.connect('missing-reference', _link_to_ansible_docs)

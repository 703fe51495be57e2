# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How the nas_backup_report formats write values for people (Markdown, HTML, play output).

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

The JSON and CSV files keep the raw numbers; these are the readable forms.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import timedelta

from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._gate import format_age

NOTHING = u"\u2014"  # an em dash: "no value" in a table cell

# job_status() word -> what a person reads (never colour alone). ``unknown``: EM has no
# session of the job at all, so it either has no such job or the job has never run (only
# GET /nas/jobs, which a Portal User may not call, could tell which).
STATUS_LABELS = dict(
    success="Success", warning="Warning", failed="Failed",
    running="Running", none="No session", unknown="No session ever", stale="Stale",
)


def format_time(value):
    """``2026-11-22T19:00:05Z`` -> ``2026-11-22 19:00 UTC``."""
    if not value:
        return NOTHING
    return "%s %s UTC" % (value[:10], value[11:16])


def format_hours(hours, suffix=""):
    """Hours as the gate writes ages (``1d 23h``), or ``never``."""
    if hours is None:
        return "never"
    return format_age(timedelta(hours=hours)) + suffix


def format_rate(percent):
    return NOTHING if percent is None else "%.1f%%" % percent


def format_duration(seconds):
    """``45s``, ``28m 05s`` or ``1h 05m``."""
    if seconds is None:
        return NOTHING
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return "%dh %02dm" % (hours, minutes)
    if minutes:
        return "%dm %02ds" % (minutes, secs)
    return "%ds" % secs

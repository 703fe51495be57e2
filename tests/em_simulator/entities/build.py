# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The EM resources the simulator serves, as :class:`~.node.Obj` trees.

Property order follows payloads captured from real servers (JSON) and the
documentation's examples (XML); hrefs are absolute, like EM's.
"""

from datetime import datetime
from typing import Iterable, List, Optional, Sequence

from ..model import BackupServer, FileServer, Include, Job, Session, Task, TaskSession
from ..times import format_utc
from .node import ATTR, ELEM, FLAT, LIST, OMIT, Obj

_LINK_XML_ORDER = ("Href", "Name", "Type", "Rel")
_REF_XML_ORDER = ("Href", "Type", "Name", "UID", "Links")
#: The entity lists of a QueryResult's ``Entities``; all but one are null in every answer.
#: EM's own spelling includes typos (EnterpiseRoles) that clients see, so they are kept.
ENTITY_LISTS = ("Jobs", "BackupJobSessions", "BackupTaskSessions", "ReplicaJobSessions", "ReplicaTaskSessions",
                "RestoreSessions", "BackupServers", "ManagedServers", "Repositories", "Backups", "BackupFiles",
                "RestorePoints", "VmRestorePoints", "VmReplicaPoints", "Replicas", "CloudTenants", "Credentials",
                "Passwords", "FileServers", "NASJobs", "NasObjects", "AgentBackupJobs", "AgentProtectionGroups",
                "DiscoveredComputers", "SystemSessions", "Tasks", "EnterpiseRoles", "EnterpiseAccounts")


class Builder:
    """Builds payloads for one server: ``base`` is ``https://127.0.0.1:PORT``."""

    def __init__(self, base: str, failure_message_absent: bool = False) -> None:
        self.base = base.rstrip("/")
        self.api = self.base + "/api"
        self.failure_message_absent = failure_message_absent   # EM v11 JSON has no FailureMessage key

    # ------------------------------------------------------------------ generic pieces
    @staticmethod
    def link(rel: str, href: str, type_: Optional[str] = None, name: Optional[str] = None) -> Obj:
        return Obj("Link", [("Rel", rel, ATTR), ("Href", href, ATTR), ("Name", name, ATTR), ("Type", type_, ATTR)],
                   _LINK_XML_ORDER)

    @staticmethod
    def error(status: int, message: str) -> Obj:
        return Obj("Error", [("FirstChanceExceptionMessage", None, ATTR), ("Message", message, ATTR),
                             ("StackTrace", None, ATTR), ("Status", None, ATTR), ("StatusCode", status, ATTR)])

    @staticmethod
    def references(refs: List[Obj]) -> Obj:
        """A collection of references: ``{"Refs": [...]}`` / ``<EntityReferences><Ref/>...``."""
        return Obj("EntityReferences", [("Refs", refs, FLAT)])

    @staticmethod
    def entity_list(tag: str, items: List[Obj]) -> Obj:
        """A collection of entities (``?format=Entity``): ``{"BackupJobSessions": [...]}``."""
        return Obj(tag, [(tag, items, FLAT)])

    def _ref(self, tag: str, type_: str, href: str, name: str, uid: str, links: List[Obj]) -> Obj:
        return Obj(tag, [("Links", links, LIST), ("UID", uid, ATTR), ("Name", name, ATTR),
                         ("Href", href, ATTR), ("Type", type_, ATTR)], _REF_XML_ORDER)

    # ------------------------------------------------------------------ entry points
    def enterprise_manager(self, versions: Sequence[str]) -> Obj:
        supported = [Obj("SupportedVersion", [
            ("Links", [self.link("Create", "%s/sessionMngr/?v=%s" % (self.api, v), "LogonSession")], LIST),
            ("Name", v, ATTR)]) for v in versions]
        return Obj("EnterpriseManager", [
            ("Links", [self.link("Down", self.api + "/logonSessions", "LogonSessionList"),
                       self.link("Create", self.api + "/sessionMngr/?v=latest", "LogonSession")], LIST),
            ("SupportedVersions", supported, LIST)])

    def logon_session(self, session_id: str, username: str) -> Obj:
        href = "%s/logonSessions/%s" % (self.api, session_id)
        links = [
            self.link("Up", self.api + "/", "EnterpriseManager"),
            self.link("Down", self.api + "/backupServers", "BackupServerReferenceList"),
            self.link("Down", self.api + "/jobs", "JobReferenceList"),
            self.link("Down", self.api + "/backupSessions", "BackupJobSessionReferenceList"),
            self.link("Down", self.api + "/backupTaskSessions", "BackupTaskSessionReferenceList"),
            self.link("Down", self.api + "/tasks", "TaskList"),
            self.link("Down", self.api + "/querySvc", "QueryService"),
            self.link("Down", self.api + "/nas", "NasService"),
            self.link("Delete", href),
        ]
        return Obj("LogonSession", [("Links", links, LIST), ("UserName", username, ELEM), ("SessionId", session_id, ELEM),
                                    ("Href", href, ATTR), ("Type", "LogonSession", ATTR)],
                   ("Href", "Type", "Links", "UserName", "SessionId"))

    def logon_session_list(self, sessions: Iterable[Obj]) -> Obj:
        return Obj("LogonSessions", [("LogonSessions", list(sessions), FLAT)])

    def nas_service(self) -> Obj:
        nas = self.api + "/nas"
        links = [
            self.link("Up", self.api + "/", "EnterpriseManager"),
            self.link("Down", nas + "/jobs", "JobReferenceList"),
            self.link("Down", nas + "/jobs?format=Entity", "JobList"),
            self.link("Down", nas + "/fileServers", "FileServerReferenceList"),
            self.link("Down", nas + "/fileServers?format=Entity", "FileServerList"),
            self.link("Down", nas + "/backupSessions", "BackupJobSessionReferenceList"),
            self.link("Down", nas + "/backupSessions?format=Entity", "BackupJobSessionList"),
        ]
        return Obj("NASService", [("Links", links, LIST), ("Href", nas, ATTR), ("Type", "NASService", ATTR)],
                   ("Href", "Type", "Links"))

    # ------------------------------------------------------------------ servers and jobs
    def _server_link(self, server: BackupServer) -> Obj:
        return self.link("Up", "%s/backupServers/%s" % (self.api, server.id), "BackupServerReference", server.name)

    def nas_job_links(self, job: Job) -> List[Obj]:
        base = "%s/nas/jobs/%s" % (self.api, job.id)
        return [self._server_link(job.server),
                self.link("Alternate", base + "?format=Entity", "NASJob", job.name),
                self.link("Down", base + "/includes", "NASIncludes"),
                self.link("Down", base + "/backupSessions", "BackupJobSessionReferenceList"),
                self.link("Start", base + "/start", "Task"),
                self.link("Stop", base + "/stop", "Task"),
                self.link("Retry", base + "/retry", "Task"),
                self.link("ToggleScheduleEnabled", base + "/toggleScheduleEnabled", "Task")]

    def nas_job_ref(self, job: Job, tag: str = "Ref") -> Obj:
        # EM's own bug, kept on purpose: the reference Href points at /api/agents/jobs/{id};
        # only the Alternate link is right.
        href = "%s/agents/jobs/%s" % (self.api, job.id)
        return self._ref(tag, "NasJobReference", href, job.name, job.nas_uid, self.nas_job_links(job))

    def nas_job_entity(self, job: Job, tag: str = "NASJob") -> Obj:
        base = "%s/nas/jobs/%s" % (self.api, job.id)
        links = [self._server_link(job.server), self.link("Alternate", base, "NasJobReference", job.name)]
        links += self.nas_job_links(job)[2:]
        # No next run while the schedule is off (an inference).
        active = job.schedule_configured and job.schedule_enabled
        next_run = format_utc(job.next_run) if job.next_run and active else None
        return Obj(tag, [
            ("Description", job.description, ELEM),
            ("Includes", [self.nas_object(job, inc) for inc in job.includes], LIST),
            ("ScheduleConfigured", job.schedule_configured, ELEM),
            ("ScheduleEnabled", job.schedule_enabled, ELEM), ("NextRun", next_run, ELEM),
            ("Name", job.name, ATTR), ("UID", job.nas_uid, ATTR), ("Links", links, LIST),
            ("Href", base + "?format=Entity", ATTR), ("Type", "NASJob", ATTR)],
            ("Href", "Type", "Name", "UID", "Links"))

    # ------------------------------------------------------------------ file shares
    def file_server_ref(self, share: FileServer, tag: str = "Ref") -> Obj:
        # As in EM's documented example, the reference Href points at /api/repositories/{id}
        # (a bug, kept); the Alternate link is right.
        href = "%s/repositories/%s" % (self.api, share.id)
        alternate = "%s/nas/fileServers/%s" % (self.api, share.id)
        links = [self._server_link(share.server), self.link("Alternate", alternate + "?format=Entity", "FileServer",
                                                            share.path)]
        return self._ref(tag, "FileServerReference", href, share.path, share.uid, links)

    def file_server_entity(self, share: FileServer, tag: str = "FileServer") -> Obj:
        href = "%s/nas/fileServers/%s" % (self.api, share.id)
        links = [self._server_link(share.server), self.link("Alternate", href, "FileServerReference", share.path)]
        return Obj(tag, [("BackupServerUid", share.server.uid, ELEM), ("Path", share.path, ELEM),
                         ("Name", share.path, ATTR), ("UID", share.uid, ATTR), ("Links", links, LIST),
                         ("Href", href + "?format=Entity", ATTR), ("Type", "FileServer", ATTR)],
                   ("Href", "Type", "Name", "UID", "Links"))

    def nas_object(self, job: Job, include: Include, tag: str = "NasObject") -> Obj:
        """One include of a job (documented fields; their JSON shape is an inference)."""
        share = include.file_server
        href = "%s/nas/jobs/%s/includes/%s" % (self.api, job.id, include.id)
        return Obj(tag, [
            ("HierarchyObjRef", share.uid, ELEM), ("ObjectInJobId", include.id, ELEM),
            ("FileOrFolder", share.path, ELEM), ("FileServerUid", share.uid, ELEM),
            ("InclusionMask", "*", ELEM), ("ExclusionMask", None, ELEM),
            ("Name", share.path, ATTR), ("Href", href, ATTR), ("Type", "NasObject", ATTR)],
            ("Href", "Type", "Name"))

    # ------------------------------------------------------------------ job sessions
    def _session_up_links(self, sess: Session) -> List[Obj]:
        job = sess.job
        return [self._server_link(job.server),
                self.link("Up", "%s/jobs/%s" % (self.api, job.id), "JobReference", job.name)]

    def session_ref(self, sess: Session, tag: str = "Ref") -> Obj:
        href = "%s/backupSessions/%s" % (self.api, sess.id)
        links = self._session_up_links(sess) + [
            self.link("Alternate", href + "?format=Entity", "BackupJobSession", sess.name),
            self.link("Down", href + "/taskSessions", "BackupTaskSessionReferenceList")]
        return self._ref(tag, "BackupJobSessionReference", href, sess.name, sess.uid, links)

    def session_entity(self, sess: Session, now: datetime, tag: str = "BackupJobSession") -> Obj:
        job = sess.job
        href = "%s/backupSessions/%s" % (self.api, sess.id)
        links = self._session_up_links(sess) + [
            self.link("Alternate", href, "BackupJobSessionReference", sess.name),
            self.link("Down", href + "/taskSessions", "BackupTaskSessionReferenceList"),
            # Present whatever the state, as on real servers: it proves nothing.
            self.link("Stop", href + "?action=stop")]
        failure = OMIT if self.failure_message_absent else (sess.failure_message or None)
        return Obj(tag, [
            ("IsRetry", sess.is_retry, ELEM),
            ("JobUid", job.job_uid, ELEM),
            ("JobName", job.name, ELEM),
            ("JobType", job.job_type, ELEM),
            ("CreationTimeUTC", format_utc(sess.created), ELEM),
            ("EndTimeUTC", format_utc(sess.ended) if sess.ended else OMIT, ELEM),
            ("State", sess.state, ELEM),
            ("Result", sess.result, ELEM),
            ("Progress", sess.progress_at(now), ELEM),
            ("FailureMessage", failure, ELEM),
            ("Name", sess.name, ATTR),
            ("UID", sess.uid, ATTR),
            ("Links", links, LIST),
            ("Href", href + "?format=Entity", ATTR),
            ("Type", "BackupJobSession", ATTR),
        ], ("Href", "Type", "Name", "UID", "Links", "JobUid", "JobName", "JobType", "CreationTimeUTC",
            "EndTimeUTC", "State", "Result", "Progress", "IsRetry", "FailureMessage"))

    # ------------------------------------------------------------------ task sessions
    def _task_session_links(self, task: TaskSession) -> List[Obj]:
        sess = task.session
        return [self._server_link(sess.job.server),
                self.link("Up", "%s/backupSessions/%s" % (self.api, sess.id), "BackupJobSessionReference", sess.name)]

    def task_session_ref(self, task: TaskSession, tag: str = "Ref") -> Obj:
        href = "%s/backupTaskSessions/%s" % (self.api, task.id)
        links = self._task_session_links(task) + [
            self.link("Alternate", href + "?format=Entity", "BackupTaskSession", task.name)]
        return self._ref(tag, "BackupTaskSessionReference", href, task.name, task.uid, links)

    def task_session_entity(self, task: TaskSession, tag: str = "BackupTaskSession") -> Obj:
        href = "%s/backupTaskSessions/%s" % (self.api, task.id)
        links = self._task_session_links(task) + [
            self.link("Alternate", href, "BackupTaskSessionReference", task.name)]
        return Obj(tag, [
            ("JobSessionUid", task.session.uid, ELEM),
            ("CreationTimeUTC", format_utc(task.created), ELEM),
            ("EndTimeUTC", format_utc(task.ended) if task.ended else OMIT, ELEM),
            ("State", task.state, ELEM),
            ("Result", task.result, ELEM),
            ("Reason", task.reason or None, ELEM),
            ("TotalSize", task.total_size, ELEM),
            ("VmDisplayName", task.name, ATTR),
            ("Name", task.name, ATTR),
            ("UID", task.uid, ATTR),
            ("Links", links, LIST),
            ("Href", href + "?format=Entity", ATTR),
            ("Type", "BackupTaskSession", ATTR),
        ], ("Href", "Type", "Name", "UID", "VmDisplayName", "Links"))

    # ------------------------------------------------------------------ tasks
    def task(self, task: Task, now: datetime) -> Obj:
        href = "%s/tasks/%s" % (self.api, task.id)
        state = task.state_at(now)
        result = None
        if state == "Finished":
            result = Obj("Result", [("Success", task.success, ATTR), ("Message", task.message, ELEM)])
        return Obj("Task", [
            ("TaskId", task.id, ELEM), ("State", state, ELEM), ("Operation", task.operation, ELEM),
            ("Result", result, ELEM), ("Links", [self.link("Delete", href, "Task")], LIST),
            ("Href", href, ATTR), ("Type", "Task", ATTR)],
            ("Href", "Type", "Links", "TaskId", "State", "Operation", "Result"))

    def task_ref(self, task: Task) -> Obj:
        href = "%s/tasks/%s" % (self.api, task.id)
        return self._ref("Ref", "TaskReference", href, task.id, "urn:veeam:Task:%s" % task.id,
                         [self.link("Alternate", href, "Task", task.id)])

    # ------------------------------------------------------------------ query results
    @staticmethod
    def paging_info(page: int, page_size: int, pages_count: int, links: List[Obj]) -> Obj:
        return Obj("PagingInfo", [("Links", links, LIST), ("PageNum", page, ATTR), ("PageSize", page_size, ATTR),
                                  ("PagesCount", pages_count, ATTR)], ("PageNum", "PageSize", "PagesCount", "Links"))

    @staticmethod
    def query_result(paging: Obj, refs: Optional[List[Obj]] = None, entities_key: Optional[str] = None,
                     entities: Optional[List[Obj]] = None) -> Obj:
        refs_obj = Obj("Refs", [("Refs", refs, FLAT)]) if refs is not None else None
        entities_obj = None
        if entities_key is not None:
            entities_obj = Obj("Entities", [
                (key, Obj(key, [(key, entities, FLAT)]) if key == entities_key else None, ELEM)
                for key in ENTITY_LISTS])
        return Obj("QueryResult", [("Refs", refs_obj, ELEM), ("Entities", entities_obj, ELEM),
                                   ("Resources", None, ELEM), ("Links", None, LIST), ("PagingInfo", paging, ELEM)])

"""The store as a participant's server sees it on JupyterHub: through the workshop's door.

Behind JupyterHub a participant's server holds no database login and no data folder: its
pages and start page ask the hub service ``workshop`` (``coproduction_kit/server/hub_service.py``) instead, at
``WORKSHOP_SERVICE_URL`` (such as ``http://127.0.0.1:8010/services/workshop/``), with the
server's own hub token (``JUPYTERHUB_API_TOKEN``, which its kernels inherit).  This
client has the store's method names, so the exercises, the Submit panel, the journal and the
start page work unchanged; the ``participant`` they pass is ignored, because the service
answers only for the hub user whose token it is.

A refusal the participant should read (a prompt closed, an answer too long) arrives as the
store's own error with its plain words; a service that cannot be reached raises
``ServiceUnavailable``, which pages treat like a store that cannot be reached: the text stays on
the page with a message.
"""

from __future__ import annotations

import functools
import json
import os
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlencode

from coproduction_kit.store import (PRIVATE, Answer, AnswerTooLong, Participant, PromptLocked, PseudonymTaken, SavingTooFast,
                    StoreError)
from coproduction_kit.store.outcomes import SubmitError, SubmitResult

SERVICE_URL_ENV = "WORKSHOP_SERVICE_URL"
_ERRORS = {cls.__name__: cls for cls in (StoreError, AnswerTooLong, PromptLocked, PseudonymTaken, SavingTooFast,
                                         SubmitError)}


class ServiceUnavailable(ConnectionError):
    """The workshop service could not be reached, or answered with something unexpected."""


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _answer(data: dict) -> Answer:
    return Answer(**{**data, "saved_at": _time(data["saved_at"]), "submitted_at": _time(data.get("submitted_at"))})


class StoreClient:
    """The participant's answers through the hub service, scoped by the hub to their own."""

    def __init__(self, url: str, token: str, timeout: float = 30.0):
        if not url or not token:
            raise ServiceUnavailable(
                f"This server does not know the workshop service ({SERVICE_URL_ENV} and "
                "JUPYTERHUB_API_TOKEN are set by JupyterHub; see hub/README.md)."
            )
        self.url = url.rstrip("/") + "/"
        self._token = token
        self.timeout = timeout
        # Loopback or the cluster's network: never through a proxy from the environment.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    @classmethod
    def from_environment(cls) -> "StoreClient":
        return cls(os.environ.get(SERVICE_URL_ENV, ""), os.environ.get("JUPYTERHUB_API_TOKEN", ""))

    def close(self) -> None:
        """Nothing to close: each call is one request."""

    @functools.cached_property
    def limits(self) -> dict:
        """The store's limits as the service has them (this server cannot read the workshop's settings)."""
        return self._call("GET", "limits")

    @property
    def max_revisions(self) -> int:
        return self.limits["max_revisions"]

    @property
    def max_answer_chars(self) -> int:
        return self.limits["max_answer_chars"]

    # The one way out ---------------------------------------------------------------------
    def _call(self, method: str, path: str, body=None, raw: bool = False):
        data = json.dumps(body).encode("utf-8") if body is not None else (b"" if method != "GET" else None)
        request = urllib.request.Request(
            self.url + "api/" + path, data=data, method=method,
            headers={"Authorization": f"token {self._token}", "Content-Type": "application/json"},
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as err:
            self._raise(err)
        except (OSError, ValueError) as err:
            raise ServiceUnavailable(f"The workshop service did not answer ({err}).") from None
        if raw:
            return payload
        return json.loads(payload) if payload else None

    @staticmethod
    def _raise(err: urllib.error.HTTPError):
        try:
            detail = json.loads(err.read() or b"{}")
        except ValueError:
            detail = {}
        kind, message = detail.get("kind"), detail.get("error") or f"HTTP {err.code}"
        if kind in _ERRORS:
            raise _ERRORS[kind](message) from None
        if kind == "OSError":
            raise OSError(message) from None
        if err.code == 404:
            raise LookupError(message) from None
        raise ServiceUnavailable(f"The workshop service refused this ({err.code}: {message}).") from None

    # The store's methods ------------------------------------------------------------------
    def hub_participant(self, workshop_id: str | None = None, hub_user: str | None = None) -> Participant:
        """The participant whose token this server holds (the arguments are the store's, unused)."""
        return Participant(**self._call("GET", "participant"))

    def get_answer(self, participant, module_id: str, exercise_id: str) -> Answer | None:
        found = self._call("GET", f"answers/{quote(module_id)}/{quote(exercise_id)}")
        return _answer(found) if found else None

    def save_answer(self, participant, module_id: str, exercise_id: str, value,
                    share: str = PRIVATE, passed: bool = False) -> Answer:
        return _answer(self._call("PUT", f"answers/{quote(module_id)}/{quote(exercise_id)}",
                                  {"value": value, "share": share, "passed": passed}))

    def answers_for(self, participant, module_id: str | None = None) -> list[Answer]:
        query = "?" + urlencode({"module": module_id}) if module_id else ""
        return [_answer(a) for a in self._call("GET", "answers" + query)]

    def last_submission(self, participant, module_id: str) -> dict | None:
        found = self._call("GET", f"submissions/{quote(module_id)}")
        return {**found, "submitted_at": _time(found["submitted_at"])} if found else None

    def progress(self, participant) -> dict[str, dict]:
        return {module_id: {**entry, "submitted_at": _time(entry.get("submitted_at"))}
                for module_id, entry in self._call("GET", "progress").items()}

    # What the store alone cannot do here: the data folder is the service's -------------------
    def submit(self, module_id: str) -> SubmitResult:
        """Submit this participant's shared answers of a module (the service writes the exchange)."""
        sent = self._call("POST", f"submissions/{quote(module_id)}", {})
        return SubmitResult(sent["module_id"], [_answer(a) for a in sent["sent"]],
                            _time(sent["submitted_at"]), Path(sent["folder"]))

    def feedback_modules(self) -> set[str]:
        """The modules whose feedback the facilitators released to this participant."""
        return set(self._call("GET", "feedback"))

    def feedback(self, module_id: str) -> bytes | None:
        try:
            return self._call("GET", f"feedback/{quote(module_id)}", raw=True)
        except LookupError:
            return None

    def sent_anonymously(self, participant, exercise_id: str) -> bool:
        return bool(self._call("GET", f"anonymous/{quote(exercise_id)}"))

    def send_anonymously(self, participant, module_id: str, exercise_id: str, value, pair_key=None) -> None:
        self._call("POST", f"anonymous/{quote(module_id)}/{quote(exercise_id)}", {"value": value, "pair_key": pair_key})

    def follow_up_open(self, workshop_id: str | None = None) -> bool:
        """Whether the follow-up is open (the service's own workshop; ``workshop_id`` is ignored)."""
        return bool(self._call("GET", "follow-up"))

    def withdraw(self) -> dict[str, int]:
        """Remove every copy of this participant's answers (``coproduction_kit.review.forget.withdraw``)."""
        return self._call("POST", "withdraw", {})

"""SnapStart restores the API function from a snapshot taken after its import: nothing that must
differ per execution environment may be made then. Importing the app opens no connection,
makes no AWS client, draws no random number and reads no clock into module state."""

from __future__ import annotations

import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import random, socket

    def refuse(*args, **kwargs):
        raise AssertionError("a connection was opened at import")

    socket.socket.connect = refuse
    socket.create_connection = refuse
    before = random.getstate()

    import functions.api.app
    from dealerlink.adapters import aws

    assert random.getstate() == before, "the import drew from the shared random state"
    assert aws._client.cache_info().currsize == 0, "an AWS client was made at import"
    assert aws._session.cache_info().currsize == 0, "a botocore session was made at import"
    print("clean")
    """
)


def test_importing_the_api_makes_nothing_per_environment() -> None:
    env = {"AWS_DEFAULT_REGION": "eu-west-1", "TABLE_NAME": "snapstart", "POWERTOOLS_TRACE_DISABLED": "true"}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "clean"

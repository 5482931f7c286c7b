"""Settings of the test suite: the production settings, with what a test run must set first.

Every value comes from riskplatform.settings; this module only fills in environment
variables a developer's shell may lack, before those settings read them.
"""

import os

# Production refuses to start without a key (riskplatform.settings); tests sign their own sessions.
os.environ.setdefault("SECRET_KEY", "tests-only-key-never-used-in-production-" + "x" * 20)

from riskplatform.settings import *  # noqa: E402,F403

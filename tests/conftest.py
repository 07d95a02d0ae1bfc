"""Suite-wide settings. In CI, hypothesis runs derandomized: the same examples every run, so a
red build always means a change broke something (locally it keeps exploring new examples)."""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

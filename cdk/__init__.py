"""The WFAIB CDK app: infrastructure only, never imported by the runtime packages."""

import os

# jsii prints an end-of-life banner on every synth under Node 20; the CDK still supports it.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

"""The WFAIB CDK app: infrastructure only, never imported by the runtime packages."""

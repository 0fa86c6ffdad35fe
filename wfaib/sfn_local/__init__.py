"""A local AWS Step Functions endpoint: AWS's JSON protocol over the local ASL runtime.

Plain boto3 (or the AWS CLI, or any AWS SDK) talks to it with an ``endpoint_url``::

    wfaib sfn-local --port 8083
    boto3.client("stepfunctions", endpoint_url="http://127.0.0.1:8083", region_name="us-east-1")

Example:
    >>> from wfaib.sfn_local import SfnHttpServer, SfnLocal
    >>> with SfnLocal(None) as sfn, SfnHttpServer(sfn, port=0) as server:  # doctest: +SKIP
    ...     print(server.endpoint_url)
"""

from wfaib.sfn_local.app import SfnLocal
from wfaib.sfn_local.exceptions import SfnApiError
from wfaib.sfn_local.protocol import CONTENT_TYPE, Response, SfnProtocol
from wfaib.sfn_local.server import SfnHttpServer

__all__ = ["CONTENT_TYPE", "Response", "SfnApiError", "SfnHttpServer", "SfnLocal", "SfnProtocol"]

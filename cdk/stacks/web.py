"""Web: the editor as a static site in a private bucket behind CloudFront.

CloudFront reads the bucket through an origin access control (the bucket stays private); the
editor is a single-page app, so unknown paths answer ``index.html``. The deployment uploads
``web/dist`` when it has been built and ``cdk/assets/placeholder`` otherwise, plus a
``config.json`` with the API endpoint and the Cognito ids the editor needs at run time.

The editor's Cognito app client is created here: its callback and sign-out URL is the editor's
own address (also in ``config.json``, so the editor's Hosted UI sign-in names exactly the URL the
client allows). The client's id goes to an SSM parameter the API reads to accept its tokens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from cdk.config import StageConfig
from cdk.constructs.nag import acknowledge
from cdk.paths import PLACEHOLDER_SITE, WEB_DIST
from cdk.stacks.control_plane import ControlPlaneStack, editor_client_parameter
from cdk.stacks.data import DataStack

__all__ = ["WebStack", "editor_site_source"]


def editor_site_source(dist: Path = WEB_DIST) -> str:
    """``web/dist`` once the editor is built (it has an index.html), else the placeholder page."""
    return str(dist if (dist / "index.html").is_file() else PLACEHOLDER_SITE)


class WebStack(Stack):
    """Bucket, distribution, app client and the upload of the editor."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        data: DataStack,
        control_plane: ControlPlaneStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.bucket = s3.Bucket(
            self,
            "Site",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=False,
            server_access_logs_bucket=data.access_logs,
            server_access_logs_prefix="editor-site/",
            removal_policy=config.data_removal_policy,
        )
        certificate = (
            acm.Certificate.from_certificate_arn(self, "Certificate", config.certificate_arn)
            if config.certificate_arn
            else None
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"{config.prefix} editor",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
            ),
            error_responses=[
                cloudfront.ErrorResponse(
                    http_status=status,
                    response_http_status=200,
                    response_page_path="/index.html",
                    ttl=Duration.seconds(0),
                )
                for status in (403, 404)
            ],
            domain_names=[config.domain_name] if config.domain_name else None,
            certificate=certificate,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            enable_logging=True,
            log_bucket=data.access_logs,
            log_file_prefix="editor-cdn/",
        )
        editor_url = f"https://{config.domain_name or self.distribution.distribution_domain_name}/"

        self.app_client = cognito.UserPoolClient(
            self,
            "EditorClient",
            user_pool=control_plane.user_pool,
            user_pool_client_name=f"{config.prefix}-editor",
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_srp=True),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                scopes=[cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
                callback_urls=[editor_url, *config.extra_callback_urls],
                logout_urls=[editor_url, *config.extra_callback_urls],
            ),
            prevent_user_existence_errors=True,
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
        )
        ssm.StringParameter(
            self,
            "ApiClientIds",
            parameter_name=editor_client_parameter(config.prefix),
            string_value=self.app_client.user_pool_client_id,
            description="Cognito app clients whose tokens the API accepts (comma-separated)",
        )

        s3deploy.BucketDeployment(
            self,
            "Deploy",
            destination_bucket=self.bucket,
            sources=[
                s3deploy.Source.asset(editor_site_source()),
                s3deploy.Source.json_data(
                    "config.json",
                    {
                        "stage": config.stage,
                        "apiEndpoint": control_plane.api.url,
                        "region": self.region,
                        "userPoolId": control_plane.user_pool.user_pool_id,
                        "userPoolClientId": self.app_client.user_pool_client_id,
                        "authDomain": control_plane.auth_domain.base_url(),
                        "redirectUri": editor_url,
                        "logoutUri": editor_url,
                        "scopes": "openid email profile",
                    },
                ),
            ],
            distribution=self.distribution,
            distribution_paths=["/*"],
            memory_limit=512,
        )
        self._acknowledge_deployment_handler()
        if certificate is None:
            acknowledge(
                self.distribution,
                "AwsSolutions-CFR4",
                "Without a custom domain CloudFront serves the default *.cloudfront.net certificate, "
                "which allows TLSv1; set domain_name and certificate_arn to enforce TLSv1.2_2021.",
            )
        acknowledge(
            self.distribution,
            "AwsSolutions-CFR1",
            "The editor is a static site for the team's users anywhere; access is controlled by "
            "Cognito sign-in on the API, not by the viewer's country.",
        )
        acknowledge(
            self.distribution,
            "AwsSolutions-CFR2",
            "A CloudFront web ACL must live in us-east-1 while this app deploys to one region; the "
            "site is static files and the API it calls has its own WAF web ACL.",
        )

        CfnOutput(self, "EditorUrl", value=editor_url)
        CfnOutput(self, "UserPoolClientId", value=self.app_client.user_pool_client_id)
        CfnOutput(self, "DistributionId", value=self.distribution.distribution_id)
        CfnOutput(self, "EditorBucketName", value=self.bucket.bucket_name)

    def _acknowledge_deployment_handler(self) -> None:
        """BucketDeployment's handler is CDK's own singleton Lambda; its policy is CDK's to shape."""
        handler = next(
            child for child in self.node.children if child.node.id.startswith("Custom::CDKBucketDeployment")
        )
        basic_execution = "arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        reasons = {
            f"AwsSolutions-IAM4[Policy::{basic_execution}]": (
                "CDK's BucketDeployment handler logs with the AWS basic execution policy; it runs only "
                "during deployments."
            ),
            "AwsSolutions-L1": (
                "The BucketDeployment handler's runtime is chosen and upgraded by aws-cdk-lib, "
                "not by this app."
            ),
        }
        copy_reason = (
            "CDK's BucketDeployment copies the editor from the CDK asset bucket into the site bucket; "
            "CDK grants the copy with these wildcards and they only apply to those two buckets."
        )
        for finding in (
            "Action::s3:GetObject*",
            "Action::s3:GetBucket*",
            "Action::s3:List*",
            "Action::s3:DeleteObject*",
            "Action::s3:Abort*",
            "Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*",
            f"Resource::<{self.get_logical_id(self.bucket.node.default_child)}.Arn>/*",  # type: ignore[arg-type]
        ):
            reasons[f"AwsSolutions-IAM5[{finding}]"] = copy_reason
        reasons["AwsSolutions-IAM5[Resource::*]"] = (
            "The handler invalidates the CloudFront cache after the upload; cloudfront:CreateInvalidation "
            "is granted by CDK on * with the distribution passed at run time."
        )
        for rule_id, reason in reasons.items():
            acknowledge(handler, rule_id, reason)

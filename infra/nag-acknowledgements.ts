/**
 * cdk-nag (AwsSolutions) findings this design accepts, each with the reason a reviewer needs. cdk-nag 3 matches
 * acknowledgements by exact finding id (no prefix matching), so ids that name a resource are computed the same way
 * cdk-nag computes them, from the resolved template value.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';
import type { ArchiveDedup } from './archive-dedup-construct.ts';

/** aws-cdk-lib's fixed id for the stack-wide singleton that configures bucket notifications at deploy time. */
const BUCKET_NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';
const LAMBDA_BASIC_EXECUTION_POLICY = 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

/** The id cdk-nag's IAM5 rule gives a wildcard resource, e.g. `AwsSolutions-IAM5[Resource::<Bucket.Arn>/raw/*]`. */
export function wildcardResourceFindingId(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(resource))}]`;
}

export function acknowledgeNagFindings(pipeline: ArchiveDedup): void {
  const { watchPrefix } = pipeline.settings;
  Validations.of(pipeline.ingestRole).acknowledge({
    id: wildcardResourceFindingId(pipeline, pipeline.bucket.arnForObjects(`${watchPrefix}*`)),
    reason: `The ingest function reads any object under the watched prefix "${watchPrefix}" (keys are not known in advance); `
      + 'only s3:GetObject and s3:GetObjectVersion, and no access outside the prefix.',
  });

  const notificationsHandler = Stack.of(pipeline).node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER_ID);
  if (notificationsHandler) {
    Validations.of(notificationsHandler).acknowledge({
      id: `AwsSolutions-IAM4[${LAMBDA_BASIC_EXECUTION_POLICY}]`,
      reason: 'aws-cdk-lib\'s BucketNotificationsHandler runs only during deployment to set the bucket\'s notifications; '
        + 'its role (not configurable) uses AWSLambdaBasicExecutionRole solely to write its own logs.',
    });
  }
}

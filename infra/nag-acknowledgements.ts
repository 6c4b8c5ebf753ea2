/**
 * cdk-nag (AwsSolutions) findings this design accepts, each with the reason a reviewer needs. cdk-nag 3 matches
 * acknowledgements by exact finding id (no prefix matching), so ids that name a resource are computed the same way
 * cdk-nag computes them, from the resolved template value.
 */
import { Arn, ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';
import type { ArchiveDedup } from './archive-dedup-construct.ts';
import { BUCKET_NOTIFICATIONS_HANDLER_ID } from './bucket-notifications.ts';

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

  if (pipeline.backfillStateMachine) acknowledgeBackfillFindings(pipeline, pipeline.backfillStateMachine);

  const notificationsHandler = Stack.of(pipeline).node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER_ID);
  if (notificationsHandler) {
    Validations.of(notificationsHandler).acknowledge({
      id: `AwsSolutions-IAM4[${LAMBDA_BASIC_EXECUTION_POLICY}]`,
      reason: 'aws-cdk-lib\'s BucketNotificationsHandler runs only during deployment to set the bucket\'s notifications; '
        + 'its role (not configurable) uses AWSLambdaBasicExecutionRole solely to write its own logs.',
    });
  }
}

/** The executions of a state machine (the Distributed Map's child executions), as aws-cdk-lib writes their ARN. */
function executionArn(stateMachine: StateMachine, suffix: string): string {
  const name = Arn.split(stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName;
  return Stack.of(stateMachine).formatArn({ service: 'states', resource: 'execution', resourceName: `${name}${suffix}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/** The wildcards aws-cdk-lib writes for the backfill state machine (see infra/backfill-state-machine.ts), each needed as is. */
function acknowledgeBackfillFindings(pipeline: ArchiveDedup, stateMachine: StateMachine): void {
  const findings: [string, string][] = [
    [
      wildcardResourceFindingId(pipeline, `${pipeline.ingestFunction.functionArn}:*`),
      'The backfill map invokes only the ingest function; aws-cdk-lib\'s LambdaInvoke also allows its versions and aliases (<arn>:*), '
        + 'which this stack never creates.',
    ],
    [
      'AwsSolutions-IAM5[Resource::*]',
      'Step Functions log delivery to CloudWatch Logs (logs:*LogDelivery, DescribeLogGroups, resource policies) and X-Ray tracing '
        + 'have no resource-level permissions: AWS requires Resource "*" for them.',
    ],
    [
      wildcardResourceFindingId(pipeline, executionArn(stateMachine, ':*')),
      'A Distributed Map starts, describes and stops child executions of its own state machine, whose names are generated: '
        + 'the wildcard is limited to executions of this one state machine.',
    ],
    [
      wildcardResourceFindingId(pipeline, executionArn(stateMachine, '/backfill:*')),
      'Redriving a failed backfill map run needs states:RedriveExecution on its child executions (label "backfill", generated names) '
        + 'of this one state machine.',
    ],
  ];
  for (const [id, reason] of findings) Validations.of(stateMachine).acknowledge({ id, reason });
}

/**
 * The CDK app (cdk.json: `npx tsx infra/app.ts`): one ArchiveDedup stack configured from context, checked by
 * cdk-nag's AWS Solutions rules at synth time, so `cdk synth` fails on any unacknowledged finding.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ArchiveDedupStack } from './archive-dedup-stack.ts';
import { optionsFromContext } from './context.ts';

const app = new App();
const stackName = String(app.node.tryGetContext('stackName') ?? 'ArchiveDedup');
new ArchiveDedupStack(app, stackName, {
  description: 'archive-dedup: S3 raw pages -> SQS -> Lambda -> DynamoDB near-duplicate index',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  pipeline: { options: optionsFromContext((key) => app.node.tryGetContext(key)) },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

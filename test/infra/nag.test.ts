/**
 * cdk-nag AwsSolutions checks, as `cdk synth` runs them (cdk-nag 3 is a CDK policy-validation plugin): no unacknowledged
 * error in any configuration, and every acknowledgement is an exact id with a reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Stack, Validations, type App } from 'aws-cdk-lib';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ArchiveDedup } from '../../infra/archive-dedup-construct.ts';
import { ArchiveDedupStack } from '../../infra/archive-dedup-stack.ts';
import type { ArchiveDedupOptions } from '../../infra/settings.ts';
import { makeTempRoot, testApp } from './cdk-test-app.ts';

// CloudFormation schema validation is the CLI synth test's; here only cdk-nag runs (and fast).
process.env.CDK_VALIDATION = 'false';
const root = makeTempRoot('nag');
afterAll(() => root.cleanup());

interface Violation { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }
interface ValidationReport { pluginReports: { pluginName: string; conclusion: string; violations: Violation[] }[] }

/**
 * Synthesizes the stack `build` returns with AwsSolutionsChecks and returns the AwsSolutions violations left after
 * acknowledgements. A default (insecure) canary bucket is added to the same stack: its findings prove nag really
 * checked that stack, since a clean run leaves no report at all.
 */
function nagViolations(build: (app: App) => Stack): { violations: Violation[]; canaryRules: string[] } {
  // Report instead of throwing, so the test can show every finding, not the first failure.
  const app = testApp(root, { '@aws-cdk/core:failSynthOnValidationErrors': false });
  const canary = new Bucket(build(app), 'NagCanary');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport;
  const all = report.pluginReports.find((plugin) => plugin.pluginName === 'AwsSolutions')?.violations ?? [];
  const isCanary = (violation: Violation) => violation.violatingConstructs.every((c) => c.constructPath.startsWith(canary.node.path));
  return {
    violations: all.filter((violation) => !isCanary(violation)),
    canaryRules: all.filter(isCanary).map((violation) => violation.ruleName).sort(),
  };
}

const describeViolations = (violations: Violation[]) =>
  violations.map((violation) => `${violation.severity} ${violation.ruleName} at ${violation.violatingConstructs.map((c) => c.constructPath).join(', ')}`);

const CANARY_RULES = ['AwsSolutions-S1', 'AwsSolutions-S10'];

describe('cdk-nag AwsSolutions', () => {
  it('finds a real problem (control: a default bucket alone)', () => {
    const { violations, canaryRules } = nagViolations((app) => new Stack(app, 'Insecure'));
    console.log(`[infra] cdk-nag control: a default bucket has ${canaryRules.join(' ')}`);
    expect(canaryRules).toEqual(CANARY_RULES);
    expect(violations).toEqual([]);
  });

  const configurations: [string, ArchiveDedupOptions][] = [
    ['production defaults (retain, S3-managed keys)', {}],
    ['destroy removal policy with KMS and concurrency limits', { removalPolicy: 'destroy', encryption: 'kms', reservedConcurrency: 10, maxConcurrency: 5, watchPrefix: 'in/' }],
    ['backfill state machine on, with its own prefix', { backfill: true, backfillPrefix: 'raw/2024/' }],
  ];
  for (const [name, options] of configurations) {
    it(`leaves no unacknowledged error: ${name}`, () => {
      const { violations, canaryRules } = nagViolations((app) => new ArchiveDedupStack(app, 'ArchiveDedup', { pipeline: { options } }));
      expect(canaryRules).toEqual(CANARY_RULES);
      console.log(`[infra] cdk-nag ${name}: ${violations.length} unacknowledged findings`, describeViolations(violations));
      expect(describeViolations(violations.filter((violation) => violation.severity === 'error'))).toEqual([]);
    });
  }

  it('leaves no unacknowledged error when the construct is used in a user stack with an existing bucket and table', () => {
    const { violations, canaryRules } = nagViolations((app) => {
      const stack = new Stack(app, 'UserStack');
      new ArchiveDedup(stack, 'Pipeline', {
        existingBucketObj: Bucket.fromBucketName(stack, 'Existing', 'users-raw-pages'),
        existingTableObj: Table.fromTableName(stack, 'ExistingTable', 'users-dedup'),
      });
      return stack;
    });
    expect(canaryRules).toEqual(CANARY_RULES);
    console.log(`[infra] cdk-nag user stack: ${violations.length} unacknowledged findings`, describeViolations(violations));
    expect(describeViolations(violations.filter((violation) => violation.severity === 'error'))).toEqual([]);
  });

  it('acknowledges each finding by exact id with a reason, and no more than the design needs', () => {
    const stack = new ArchiveDedupStack(testApp(root), 'Acks');
    const acknowledgements = stack.node.findAll().flatMap((construct) =>
      construct.node.metadata.filter((entry) => JSON.stringify(entry.data ?? '').includes('AwsSolutions-')).map((entry) => JSON.stringify(entry.data)));
    console.log(`[infra] cdk-nag acknowledgements: ${acknowledgements.length}`, acknowledgements);
    expect(acknowledgements.length).toBeGreaterThan(0);
    expect(acknowledgements.length).toBeLessThanOrEqual(2);
    for (const acknowledgement of acknowledgements) {
      // An exact finding id (rule plus the finding in brackets), and a reason of at least a sentence.
      const [id, reason] = Object.entries(JSON.parse(acknowledgement) as Record<string, string>)[0]!;
      expect(id).toMatch(/^Annotation::AwsSolutions-[A-Z]+\d+\[.+\]$/);
      expect(reason.length).toBeGreaterThan(60);
    }
  });
});

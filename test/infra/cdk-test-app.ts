/** Apps for infra tests: the feature flags of cdk.json, no asset bundling, and every output under one temp dir. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ArchiveDedupStack, type ArchiveDedupStackProps } from '../../infra/archive-dedup-stack.ts';
import { PROJECT_ROOT } from '../../infra/ingest-function.ts';

/** The context of cdk.json (feature flags and defaults), so tests synthesize what `cdk synth` does. */
export const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

export interface TempRoot {
  dir: string;
  cleanup(): void;
}

export function makeTempRoot(label: string): TempRoot {
  const dir = mkdtempSync(join(tmpdir(), `archive-dedup-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An App that skips bundling (the synth test bundles for real) and writes its assembly under `root`. */
export function testApp(root: TempRoot, context: Record<string, unknown> = {}): App {
  return new App({
    outdir: mkdtempSync(join(root.dir, 'cdk.out-')),
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context },
  });
}

export function synthStack(root: TempRoot, props: ArchiveDedupStackProps = {}): { stack: ArchiveDedupStack; template: Template } {
  const stack = new ArchiveDedupStack(testApp(root), 'Test', props);
  return { stack, template: Template.fromStack(stack) };
}

/** A CloudFormation policy statement as synthesized. */
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Sid?: string;
}

export const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every statement of the inline policies attached to the role with this logical id. */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, { Properties: { Roles: unknown[]; PolicyDocument: { Statement: Statement[] } } }>;
  return Object.values(policies)
    .filter((policy) => policy.Properties.Roles.some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId })))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

export function onlyLogicalId(template: Template, type: string, properties?: Record<string, unknown>, idPattern?: RegExp): string {
  const found = Object.keys(template.findResources(type, properties ? { Properties: properties } : undefined)).filter((id) => !idPattern || idPattern.test(id));
  if (found.length !== 1) throw new Error(`expected one ${type}${properties ? ` with ${JSON.stringify(properties)}` : ''}${idPattern ? ` and id ${idPattern}` : ''}, found ${found.length}`);
  return found[0] as string;
}

/** The (only) state machine's ASL, with every CloudFormation reference replaced by `<LogicalId>`. */
export function stateMachineDefinition(from: Template): { States: Record<string, Record<string, unknown>> } {
  const machine = Object.values(from.findResources('AWS::StepFunctions::StateMachine'))[0] as { Properties: { DefinitionString: { 'Fn::Join': [string, unknown[]] } } };
  const parts = machine.Properties.DefinitionString['Fn::Join'][1].map((part) => {
    if (typeof part === 'string') return part;
    const reference = part as { Ref?: string; 'Fn::GetAtt'?: string[] };
    return `<${reference.Ref ?? reference['Fn::GetAtt']?.[0]}>`;
  });
  return JSON.parse(parts.join('')) as { States: Record<string, Record<string, unknown>> };
}

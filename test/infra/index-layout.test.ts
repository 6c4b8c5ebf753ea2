/** The index layout as a deployment setting: `-c indexLayout=<name>` reaches the function's INDEX_LAYOUT, which the handler accepts. */
import { afterAll, describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ArchiveDedupPropsError } from '../../infra/archive-dedup-construct.ts';
import { ArchiveDedupStack } from '../../infra/archive-dedup-stack.ts';
import { optionsFromContext } from '../../infra/context.ts';
import { indexLayoutFromEnvironment } from '../../functions/ingest/environment.ts';
import { INDEX_LAYOUT_NAMES } from '../../functions/store/index-layout.ts';
import { makeTempRoot, testApp } from './cdk-test-app.ts';

process.env.CDK_VALIDATION = 'false';
const root = makeTempRoot('index-layout');
afterAll(() => root.cleanup());

/** What `cdk synth -c ...` builds: the stack configured from the app's context, as infra/app.ts does. */
function synthWithContext(context: Record<string, string>): Template {
  const app = testApp(root, context);
  const stack = new ArchiveDedupStack(app, 'Layout', { pipeline: { options: optionsFromContext((key) => app.node.tryGetContext(key)) } });
  return Template.fromStack(stack);
}

function ingestEnvironment(template: Template): Record<string, unknown> {
  const functions = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('archive-dedup: analyze') } }));
  expect(functions).toHaveLength(1);
  return (functions[0] as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables;
}

describe('indexLayout option', () => {
  it('-c indexLayout=p10x25 sets INDEX_LAYOUT, which the handler resolves to that layout; the default sets none', () => {
    const environment = ingestEnvironment(synthWithContext({ indexLayout: 'p10x25' }));
    expect(environment.INDEX_LAYOUT).toBe('p10x25');
    expect(indexLayoutFromEnvironment({ INDEX_LAYOUT: String(environment.INDEX_LAYOUT) })).toBe('p10x25');

    const defaults = ingestEnvironment(synthWithContext({}));
    expect(defaults.INDEX_LAYOUT).toBeUndefined();
    expect(indexLayoutFromEnvironment({})).toBeUndefined();
  });

  it('reports an unknown name in the props validation, and the handler refuses it, both listing the valid names', () => {
    let error: unknown;
    try { synthWithContext({ indexLayout: 'bands8x8' }); } catch (caught) { error = caught; }
    expect(error).toBeInstanceOf(ArchiveDedupPropsError);
    expect((error as ArchiveDedupPropsError).problems).toEqual([`indexLayout must be one of ${INDEX_LAYOUT_NAMES.join(', ')}, got "bands8x8"`]);
    expect(INDEX_LAYOUT_NAMES).toEqual(['bands4x16', 'bands8x16', 'p10x25', 'p16x28', 'probed4x16', 'probed4x16x2']);

    expect(() => indexLayoutFromEnvironment({ INDEX_LAYOUT: 'bands8x8' })).toThrow('INDEX_LAYOUT "bands8x8" is not an index layout: valid layouts are bands4x16, bands8x16, p10x25, p16x28, probed4x16, probed4x16x2');
  });
});

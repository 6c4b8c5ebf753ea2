/**
 * The `run` report's accounting: an upload that failed every retry (dead-lettered) is reported `failed`, counted on
 * the report's last line, and makes `run` exit 1. The failure is real: the embedded stack's table is deleted while
 * the upload is processed, so every DynamoDB call fails as it would on AWS, until the messages are dead-lettered.
 */
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable } from '../../functions/store/index.ts';
import { deadLetteredKeys } from '../../local/pipeline.ts';
import { collectReport, exitCodeOf, formatReport, type RunReport } from '../../local/report.ts';
import { startEmbeddedStack, type EmbeddedStack } from '../../local/stack.ts';
import { articleHtml, inventedArticle } from '../reliability/pages.ts';

describe('run report: recorded / rejected / failed', () => {
  let stack: EmbeddedStack;
  let report: RunReport;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ s3Port: 0, dynamoPort: 0, tableName: 'report-test' });
    const put = (key: string, body: string) => stack.servers.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: body }));
    // No table while this upload is processed: every try fails, and the queue dead-letters it.
    await stack.servers.dynamo.send(new DeleteTableCommand({ TableName: stack.tableName }));
    await put('doomed.html', articleHtml('Doomed invented report', inventedArticle(41, 4)));
    await stack.whenIdle();
    await ensureTable(stack.servers.dynamo, stack.tableName);
    await put('fine.html', articleHtml('Fine invented report', inventedArticle(42, 4)));
    await put('empty.txt', '');
    await stack.whenIdle();
    report = await collectReport(stack.store, stack.bucket, ['fine.html', 'empty.txt', 'doomed.html'], stack.lastFailure, deadLetteredKeys(stack.deadLetters));
  }, 60_000);
  afterAll(async () => stack?.stop());

  it('reports the dead-lettered upload as failed, with the error that failed it', () => {
    expect(stack.deadLetters).toHaveLength(1);
    expect(deadLetteredKeys(stack.deadLetters)).toEqual(new Set(['doomed.html']));
    expect(report.documents.find((document) => document.key === 'doomed.html')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/ResourceNotFound|non-existent table/i) });
  });

  it('counts recorded / rejected / failed on the last line, and exits 1', () => {
    expect(report.totals).toEqual({ recorded: 1, rejected: 1, failed: 1, deleted: 0 });
    expect(formatReport(report).split('\n').at(-1)).toBe('recorded 1, rejected 1, failed 1');
    expect(exitCodeOf(report)).toBe(1);
  });

  it('exits 0 when nothing failed', () => {
    const clean = { ...report, documents: report.documents.filter((document) => document.status !== 'failed'), totals: { ...report.totals, failed: 0 } };
    expect(exitCodeOf(clean)).toBe(0);
    expect(formatReport(clean).split('\n').at(-1)).toBe('recorded 1, rejected 1, failed 0');
  });
});

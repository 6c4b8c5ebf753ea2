/**
 * Reliability suite (issue 6): nothing lost under bad input, faults, redelivery and concurrency, against the real
 * embedded S3 (s3rver) and DynamoDB (dynalite). One file runs every part in order, so the last test can print and
 * assert the totals of all of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServers, type LocalServers } from '../support/local-servers.ts';
import { badInputSuite } from './bad-inputs.suite.ts';
import { faultSuite } from './faults.suite.ts';
import { orderSuite } from './order.suite.ts';
import { eventShapeSuite } from './event-shapes.suite.ts';
import { concurrencySuite } from './concurrency.suite.ts';
import { formatFigures, suiteFigures } from './figures.ts';

let servers: LocalServers;
beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => servers?.stop());
const getServers = (): LocalServers => servers;

badInputSuite(getServers);
faultSuite(getServers);
orderSuite(getServers);
eventShapeSuite(getServers);
concurrencySuite();

describe('report', () => {
  it('prints the figures of the whole suite: nothing lost, duplicated, split, joined or ghosted', () => {
    console.log(formatFigures(suiteFigures));
    expect(suiteFigures.inputs).toBeGreaterThan(0);
    expect({ lost: suiteFigures.lost, duplicated: suiteFigures.duplicated, split: suiteFigures.split, joined: suiteFigures.joined, ghosts: suiteFigures.ghosts }).toEqual({
      lost: 0,
      duplicated: 0,
      split: 0,
      joined: 0,
      ghosts: 0,
    });
  });
});

/** The setup most store and ingest test files share: real servers for the file, a fresh table for each test. */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { freshTable, startTestServers, type LocalServers } from './local-servers.ts';

export interface TableFixture {
  readonly servers: LocalServers;
  /** The current test's table (a new one before each test, named after the prefix). */
  readonly table: string;
}

/** Call at the top of a test file, before its own hooks, which can then use `servers` and `table`. */
export function useFreshTables(prefix = 'test'): TableFixture {
  let servers: LocalServers | undefined;
  let table: string | undefined;
  beforeAll(async () => {
    servers = await startTestServers();
  });
  afterAll(async () => servers?.stop());
  beforeEach(async () => {
    table = await freshTable(servers!, prefix);
  });
  return {
    get servers() {
      if (!servers) throw new Error('the test servers are not started: use the fixture inside tests and hooks');
      return servers;
    },
    get table() {
      if (!table) throw new Error('no table yet: use the fixture inside tests and hooks');
      return table;
    },
  };
}

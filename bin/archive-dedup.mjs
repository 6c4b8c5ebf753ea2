#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so `npx archive-dedup` needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../local/cli.ts');
process.exitCode = await main(process.argv.slice(2));

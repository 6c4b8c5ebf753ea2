#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so `npx archive-dedup` needs no build step.
import { register } from 'tsx/esm/api';

// The SDK's multi-line notice about Node 22 (due 2027) would bury every command's output; the project runs on Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../local/cli.ts');
process.exitCode = await main(process.argv.slice(2));

// A worker thread runs TypeScript through tsx, like bin/archive-dedup.mjs: register the loader, then load the entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import(workerData.entry);

// A fresh Lambda-like process: load the bundled handler, then handle one S3 event. Prints one JSON line tagged
// BENCH so the parent can tell it from the handler's own logs. Plain JS: it runs under bare `node`, no tsx.
const startedAt = performance.now(); // ms since this process started
const [bundlePath, bucket, key, mode] = process.argv.slice(2);
if (mode === 'empty') {
  console.log(`BENCH ${JSON.stringify({ startupMs: startedAt })}`);
  process.exit(0);
}
const importStart = performance.now();
const { handler } = await import(bundlePath);
const importMs = performance.now() - importStart;
const event = {
  Records: [{
    eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', eventTime: new Date().toISOString(), eventName: 'ObjectCreated:Put',
    s3: { s3SchemaVersion: '1.0', bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` }, object: { key, sequencer: `${Date.now().toString(16).toUpperCase()}00` } },
  }],
};
const eventStart = performance.now();
const response = await handler(event);
const firstEventMs = performance.now() - eventStart;
console.log(`BENCH ${JSON.stringify({ startupMs: startedAt, importMs, firstEventMs, initMs: startedAt + importMs, failures: response.batchItemFailures.length })}`);
process.exit(0); // the SDK's keep-alive sockets would hold the process open

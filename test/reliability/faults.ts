/**
 * Fault injection for the real AWS clients, as SDK middleware: only the faults a local server cannot produce on
 * demand (throttling, 5xx, a handler killed between two writes). Everything else runs against s3rver and dynalite.
 *
 * The middleware sits in the `initialize` step, above the SDK's own retry middleware: an injected error is what the
 * caller sees once the SDK has given up. The DocumentClient shares its DynamoDBClient's middleware stack, so the
 * store's calls pass through it too.
 */
import { InternalServerError, ProvisionedThroughputExceededException, ThrottlingException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3ServiceException, type S3Client } from '@aws-sdk/client-s3';

/** One SDK call as the middleware sees it. */
export interface SdkCall {
  /** e.g. `PutItemCommand`, `GetObjectCommand`. */
  command: string;
  input: Record<string, unknown>;
}

export interface FaultRule {
  /** Shown in failures and logs, e.g. `throttle document PutItem`. */
  name: string;
  /** The calls this rule may fail. */
  matches(call: SdkCall): boolean;
  /** `before`: the call never reaches the server. `after`: it succeeds on the server, then the handler dies (a crash after the write). */
  when: 'before' | 'after';
  makeError(): Error;
  /** Distinct targets (see `targetOf`) are each failed this many times, then let through: faults that pass. */
  timesPerTarget: number;
  /** What one "target" is, e.g. the item key: a rule fails each target's first calls. Default: every call is one target. */
  targetOf?(call: SdkCall): string | undefined;
}

export interface FaultInjector {
  /** Faults thrown so far. */
  readonly injected: number;
  /** Each rule's count. */
  readonly byRule: ReadonlyMap<string, number>;
}

type Handler = (args: { input: Record<string, unknown> }) => Promise<unknown>;

/** Install `rules` on a client. Returns the live counters. */
export function injectFaults(client: DynamoDBClient | S3Client, rules: FaultRule[]): FaultInjector {
  const seen = new Map<string, number>();
  const byRule = new Map<string, number>();
  let injected = 0;
  const fire = (rule: FaultRule, call: SdkCall): boolean => {
    if (!rule.matches(call)) return false;
    const target = `${rule.name}|${rule.targetOf?.(call) ?? '*'}`;
    const count = seen.get(target) ?? 0;
    if (count >= rule.timesPerTarget) return false;
    seen.set(target, count + 1);
    injected += 1;
    byRule.set(rule.name, (byRule.get(rule.name) ?? 0) + 1);
    return true;
  };
  const middleware = (next: Handler, context: { commandName?: string }): Handler => async (args) => {
    const call: SdkCall = { command: context.commandName ?? 'unknown', input: args.input };
    const before = rules.find((rule) => rule.when === 'before' && fire(rule, call));
    if (before) throw before.makeError();
    const result = await next(args);
    const after = rules.find((rule) => rule.when === 'after' && fire(rule, call));
    if (after) throw after.makeError();
    return result;
  };
  (client.middlewareStack as unknown as { add(middleware: unknown, options: { step: string; name: string }): void }).add(middleware, {
    step: 'initialize',
    name: `faultInjection${Math.random().toString(36).slice(2)}`,
  });
  return {
    get injected() {
      return injected;
    },
    byRule,
  };
}

const metadata = (httpStatusCode: number) => ({ httpStatusCode, requestId: 'injected-fault', attempts: 3, totalRetryDelay: 0 });

/** The errors DynamoDB returns when throttled or failing, as the SDK raises them after its retries. */
export const dynamoErrors = {
  provisionedThroughputExceeded: () =>
    new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput for the table was exceeded (injected)', $metadata: metadata(400) }),
  throttling: () => new ThrottlingException({ message: 'Rate of requests exceeds the allowed throughput (injected)', $metadata: metadata(400) }),
  internalServerError: () => new InternalServerError({ message: 'Internal server error (injected)', $metadata: metadata(500) }),
};

/** S3 5xx errors as the SDK raises them. */
export const s3Errors = {
  internalError: () =>
    new S3ServiceException({ name: 'InternalError', $fault: 'server', message: 'We encountered an internal error. Please try again. (injected)', $metadata: metadata(500) }),
  slowDown: () => new S3ServiceException({ name: 'SlowDown', $fault: 'server', message: 'Please reduce your request rate. (injected)', $metadata: metadata(503) }),
};

/** An injected crash: the Lambda runtime dying between two writes looks like this to the caller (the message is retried). */
export const handlerKilled = (where: string) => (): Error => Object.assign(new Error(`handler killed ${where} (injected)`), { name: 'HandlerKilled' });

/** The string value of a key attribute, whether the input is marshalled (`{ S: 'x' }`) or DocumentClient-style. */
export function stringAttribute(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { S?: unknown }).S === 'string') return (value as { S: string }).S;
  return undefined;
}

/** The partition key of a single-item call (GetItem, PutItem, UpdateItem, DeleteItem). */
export function partitionKeyOf(call: SdkCall): string | undefined {
  const item = (call.input.Item ?? call.input.Key) as Record<string, unknown> | undefined;
  return stringAttribute(item?.pk);
}

/** Partition keys of every item a BatchWriteItem puts or deletes. */
export function batchWriteKeys(call: SdkCall): string[] {
  if (call.command !== 'BatchWriteItemCommand') return [];
  const tables = (call.input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: Record<string, unknown> }; DeleteRequest?: { Key: Record<string, unknown> } }[]>;
  return Object.values(tables)
    .flat()
    .map((request) => stringAttribute((request.PutRequest?.Item ?? request.DeleteRequest?.Key)?.pk) ?? '');
}

/** One injected fault on a real client: an error the local server cannot produce on its own, or a handler killed mid-run. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

type Handler = (args: { input: Record<string, unknown> }) => Promise<unknown>;

/** Make the first command matching `matches` fail, before it is sent or after it succeeded (a killed handler). */
export function failOnce(client: DynamoDBClient, when: 'before' | 'after', matches: (command: string, input: string) => boolean): { fired: () => boolean } {
  let fired = false;
  const middleware = (next: Handler, context: { commandName?: string }): Handler => async (args) => {
    const hit = !fired && matches(context.commandName ?? '', JSON.stringify(args.input));
    if (hit) fired = true;
    if (hit && when === 'before') throw Object.assign(new Error('Internal server error (injected)'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });
    const result = await next(args);
    if (hit) throw Object.assign(new Error('handler killed after this write (injected)'), { name: 'HandlerKilled' });
    return result;
  };
  (client.middlewareStack as unknown as { add(middleware: unknown, options: { step: string; name: string }): void }).add(middleware, { step: 'initialize', name: 'failOnce' });
  return { fired: () => fired };
}


/** Run `between` once, right after the first command matching `matches` succeeded: another writer's step lands there. */
export function interleaveOnce(client: DynamoDBClient, matches: (command: string, input: string) => boolean, between: () => Promise<unknown>): { ran: () => boolean } {
  let ran = false;
  const middleware = (next: Handler, context: { commandName?: string }): Handler => async (args) => {
    const result = await next(args);
    if (!ran && matches(context.commandName ?? '', JSON.stringify(args.input))) {
      ran = true;
      await between();
    }
    return result;
  };
  (client.middlewareStack as unknown as { add(middleware: unknown, options: { step: string; name: string }): void }).add(middleware, { step: 'initialize', name: 'interleaveOnce' });
  return { ran: () => ran };
}

/**
 * Which AWS SDK commands a minified bundle that includes the SDK sends, mapped to the IAM actions they need.
 *
 * The SDK's code survives minification in recognisable shapes (checked against @aws-sdk 3.11xx):
 * - each client has one command builder, `B=makeBuilder(params,"DynamoDB_20120810","DynamoDBClient",plugin)`;
 * - each client command is `X=class extends B(endpointParams,middleware,"GetItem",schema){}`;
 * - each DocumentClient (lib-dynamodb) command wraps one: `...this.clientCommand=new X(this.input)...`.
 * A command is sent when some code constructs it with its own input (`new X({...})`, `new X(e)`). Constructions inside
 * a DocumentClient command (`new X(this.input)`) only count through that command; a class kept only as a value (a
 * paginator's `createPaginator(Client, ScanCommand, ...)`, which esbuild cannot drop) is present but never sent.
 */

/** Service target (as in the builder) -> IAM prefix; commands of other services (sts, sso: credentials) are not checked. */
const SERVICES: Record<string, string> = {
  DynamoDB_20120810: 'dynamodb',
  AmazonS3: 's3',
};

/** Operations whose IAM actions are not named after the operation. */
const OPERATION_ACTIONS: Record<string, string[]> = {
  's3:ListObjectsV2': ['s3:ListBucket'],
  'dynamodb:TransactGetItems': ['dynamodb:GetItem'],
  'dynamodb:TransactWriteItems': ['dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  'dynamodb:ExecuteStatement': ['dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'],
  'dynamodb:BatchExecuteStatement': ['dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'],
  'dynamodb:ExecuteTransaction': ['dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'],
};

/**
 * Operations the SDK itself constructs, never our code, and only in modes this project does not use: DynamoDB endpoint
 * discovery (off unless `endpointDiscoveryEnabled`) and S3 Express sessions (directory buckets only). The role grants neither.
 */
export const SDK_INTERNAL_OPERATIONS = ['dynamodb:DescribeEndpoints', 's3:CreateSession'] as const;

export interface SdkCommandUse {
  /** IAM actions of every checked-service command the bundle sends (SDK-internal operations left out). */
  actions: string[];
  /** Every checked-service operation present in the bundle, sent or not (the scan found the SDK at all). */
  present: string[];
  /** Operations present but never constructed with an input of their own (e.g. kept for a paginator). */
  unsent: string[];
}

const ID = String.raw`[\w$]+`;
const escape = (text: string) => text.replace(/\$/g, '\\$');
/** `class X extends` or `X=class extends`, capturing X in group 1 or 2. */
const CLASS_HEAD = String.raw`(?:class\s+(${ID})|(${ID})\s*=\s*class)\s+extends\s+`;

/** True if the bundle constructs `local` with an input of its own (not a DocumentClient command's `this.input`). */
function isConstructed(bundle: string, local: string): boolean {
  return new RegExp(String.raw`(?<![\w$.])new\s+${escape(local)}\((?!this\.input\))`).test(bundle);
}

export function sdkCommandUse(bundle: string): SdkCommandUse {
  /** Local name of a client command class -> `prefix:Operation`. */
  const operationOf = new Map<string, string>();
  const builder = new RegExp(String.raw`(${ID})\s*=\s*${ID}\(${ID},\s*"(\w+)",\s*"\w+Client",\s*${ID}\)`, 'g');
  for (const [, builderLocal = '', serviceTarget = ''] of bundle.matchAll(builder)) {
    const prefix = SERVICES[serviceTarget];
    if (!prefix) continue;
    const command = new RegExp(String.raw`${CLASS_HEAD}${escape(builderLocal)}\(${ID},\s*${ID},\s*"(\w+)"`, 'g');
    for (const [, declared, assigned, operation] of bundle.matchAll(command)) operationOf.set((declared ?? assigned)!, `${prefix}:${operation}`);
  }

  // DocumentClient commands: the first `this.clientCommand=new X(this.input)` before the next class starts.
  const sentOperations = new Set<string>();
  const documentCommand = new RegExp(String.raw`${CLASS_HEAD}${ID}\s*\{(?:(?!class\s)[^]){0,4000}?this\.clientCommand\s*=\s*new\s+(${ID})\(this\.input\)`, 'g');
  for (const [, declared, assigned, clientLocal = ''] of bundle.matchAll(documentCommand)) {
    const operation = operationOf.get(clientLocal);
    if (operation && isConstructed(bundle, (declared ?? assigned)!)) sentOperations.add(operation);
  }
  for (const [local, operation] of operationOf) if (isConstructed(bundle, local)) sentOperations.add(operation);

  const present = [...new Set(operationOf.values())].sort();
  const internal = new Set<string>(SDK_INTERNAL_OPERATIONS);
  const actions = new Set([...sentOperations].filter((operation) => !internal.has(operation)).flatMap((operation) => OPERATION_ACTIONS[operation] ?? [operation]));
  return { actions: [...actions].sort(), present, unsent: present.filter((operation) => !sentOperations.has(operation)) };
}

/**
 * What a bundled handler imports from the AWS SDK the Lambda runtime provides (esbuild keeps these imports, with
 * their names, in the minified output), mapped to the IAM actions those commands need.
 */

export interface ImportedName {
  /** The exported name, e.g. `GetObjectCommand`; `*` for a namespace or default import. */
  name: string;
  /** The local name the bundle uses for it. */
  local: string;
}

/** External imports of an ESM bundle: module name -> imported names. */
export function externalImports(bundle: string): Map<string, ImportedName[]> {
  const imports = new Map<string, ImportedName[]>();
  // Statements only (start of input or after `;`, `}` or a newline), so strings like "@import" in bundled code never match.
  const pattern = /(?:^|[;}\n])\s*import\s*(?:(\{[^}]*\}|\*\s*as\s*[\w$]+|[\w$]+)\s*(?:,\s*(\{[^}]*\}))?\s*from\s*)?["']([^"']+)["']/g;
  for (const [, first = '', second = '', source = ''] of bundle.matchAll(pattern)) {
    const names = imports.get(source) ?? [];
    for (const clause of [first, second]) {
      if (clause.startsWith('{')) {
        for (const part of clause.slice(1, -1).split(',')) {
          const [name, local = name] = part.trim().split(/\s+as\s+/);
          if (name) names.push({ name, local: local ?? name });
        }
      } else if (clause) {
        names.push({ name: '*', local: clause.replace(/^\*\s*as\s*/, '') });
      }
    }
    imports.set(source, names);
  }
  return imports;
}

/** True if the bundle mentions `local` anywhere besides its import (esbuild keeps imports of externals it never uses). */
function isReferenced(bundle: string, local: string): boolean {
  const identifier = new RegExp(`(?<![\\w$])${local.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
  return [...bundle.matchAll(identifier)].length > 1;
}

/** The IAM actions of the DocumentClient commands (lib-dynamodb), which are not named after their action. */
const DOCUMENT_CLIENT_ACTIONS: Record<string, string[]> = {
  GetCommand: ['GetItem'],
  PutCommand: ['PutItem'],
  UpdateCommand: ['UpdateItem'],
  DeleteCommand: ['DeleteItem'],
  QueryCommand: ['Query'],
  ScanCommand: ['Scan'],
  BatchGetCommand: ['BatchGetItem'],
  BatchWriteCommand: ['BatchWriteItem'],
  TransactGetCommand: ['GetItem'],
  TransactWriteCommand: ['ConditionCheckItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
  ExecuteStatementCommand: ['PartiQLSelect', 'PartiQLInsert', 'PartiQLUpdate', 'PartiQLDelete'],
};

const SERVICES: Record<string, { prefix: string; actionsOf?: Record<string, string[]> }> = {
  '@aws-sdk/client-s3': { prefix: 's3' },
  '@aws-sdk/client-dynamodb': { prefix: 'dynamodb' },
  '@aws-sdk/lib-dynamodb': { prefix: 'dynamodb', actionsOf: DOCUMENT_CLIENT_ACTIONS },
};

export interface SdkUse {
  /** `service:Action` for every S3 and DynamoDB command the bundle uses. */
  actions: string[];
  /** Commands imported but never used (kept by esbuild through a re-export): they need no permission. */
  unused: string[];
  /** Modules imported whole (namespace import), which hides which commands are used: they cannot be checked. */
  opaqueModules: string[];
}

export function sdkActions(bundle: string, imports: Map<string, ImportedName[]>): SdkUse {
  const actions = new Set<string>();
  const unused: string[] = [];
  const opaqueModules: string[] = [];
  for (const [source, names] of imports) {
    const service = SERVICES[source];
    if (!service) continue;
    for (const { name, local } of names) {
      if (name === '*') opaqueModules.push(source);
      if (!name.endsWith('Command')) continue;
      if (!isReferenced(bundle, local)) {
        unused.push(name);
        continue;
      }
      for (const action of service.actionsOf?.[name] ?? [name.slice(0, -'Command'.length)]) actions.add(`${service.prefix}:${action}`);
    }
  }
  return { actions: [...actions].sort(), unused: unused.sort(), opaqueModules };
}

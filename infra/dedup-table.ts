/** The dedup index table, built from the key design in functions/store/schema.ts (the one place that names keys). */
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption, type TableProps } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { INDEXES, TABLE_KEYS } from '../functions/store/schema.ts';
import { removalPolicyOf } from './raw-pages-bucket.ts';
import type { ArchiveDedupSettings } from './settings.ts';

/** Every key in schema.ts is a string (prefixed ids, hex hashes, ranks and timestamps encoded as text). */
const KEY_TYPE = AttributeType.STRING;

export type DedupTableOverrides = Omit<Partial<TableProps>, 'partitionKey' | 'sortKey'>;

/** Problems with caller-supplied table props that would undo a secure default. */
export function tablePropsProblems(props: DedupTableOverrides | undefined): string[] {
  if (!props) return [];
  const problems: string[] = [];
  if (props.pointInTimeRecoverySpecification?.pointInTimeRecoveryEnabled === false || props.pointInTimeRecovery === false) {
    problems.push('tableProps must not turn point-in-time recovery off');
  }
  return problems;
}

export function createDedupTable(scope: Construct, settings: ArchiveDedupSettings, overrides: DedupTableOverrides = {}): Table {
  const removalPolicy = removalPolicyOf(settings);
  const table = new Table(scope, 'DedupTable', {
    partitionKey: { name: TABLE_KEYS.partitionKey, type: KEY_TYPE },
    sortKey: { name: TABLE_KEYS.sortKey, type: KEY_TYPE },
    billingMode: BillingMode.PAY_PER_REQUEST,
    encryption: TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // A retained (production) table must also survive an accidental delete outside CloudFormation.
    deletionProtection: settings.removalPolicy === 'retain',
    removalPolicy,
    ...overrides,
  });
  for (const index of Object.values(INDEXES)) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: { name: index.partitionKey, type: KEY_TYPE },
      sortKey: { name: index.sortKey, type: KEY_TYPE },
      projectionType: ProjectionType[index.projection.type],
      nonKeyAttributes: [...index.projection.attributes],
    });
  }
  return table;
}

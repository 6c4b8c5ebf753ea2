/** The raw-pages bucket and its access-log bucket, secure by default. */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type BucketProps } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { ArchiveDedupSettings } from './settings.ts';

export interface RawPagesBuckets {
  bucket: Bucket;
  accessLogBucket: Bucket;
  encryptionKey?: Key;
}

export function removalPolicyOf(settings: ArchiveDedupSettings): RemovalPolicy {
  return settings.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
}

/** Problems with caller-supplied bucket props that would undo a secure default; checked before anything is built. */
export function bucketPropsProblems(props: BucketProps | undefined, settings: ArchiveDedupSettings): string[] {
  if (!props) return [];
  const problems: string[] = [];
  if (props.publicReadAccess) problems.push('bucketProps.publicReadAccess must not be true: raw pages are never public');
  if (props.blockPublicAccess && props.blockPublicAccess !== BlockPublicAccess.BLOCK_ALL) {
    problems.push('bucketProps.blockPublicAccess must stay BLOCK_ALL');
  }
  if (props.enforceSSL === false) problems.push('bucketProps.enforceSSL must not be false');
  if (props.encryption === BucketEncryption.UNENCRYPTED) problems.push('bucketProps.encryption must not be UNENCRYPTED');
  if (props.versioned === false) problems.push('bucketProps.versioned must not be false: versions let the pipeline read the exact object a notification names');
  if (props.bucketName !== undefined && settings.bucketName !== undefined && props.bucketName !== settings.bucketName) {
    problems.push(`bucketProps.bucketName "${props.bucketName}" conflicts with options.bucketName "${settings.bucketName}": set one`);
  }
  return problems;
}

/** Creates the log bucket, then the raw-pages bucket logging into it; `overrides` are applied over the secure defaults. */
export function createRawPagesBuckets(scope: Construct, settings: ArchiveDedupSettings, overrides: BucketProps = {}): RawPagesBuckets {
  const removalPolicy = removalPolicyOf(settings);
  const autoDeleteObjects = removalPolicy === RemovalPolicy.DESTROY;
  const common = {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy,
    autoDeleteObjects,
  } satisfies BucketProps;

  // Server access logs cannot go to a KMS-encrypted bucket, so the log bucket always uses S3-managed keys.
  const accessLogBucket = new Bucket(scope, 'AccessLogBucket', {
    ...common,
    encryption: BucketEncryption.S3_MANAGED,
    lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
  });

  const encryptionKey = settings.encryption === 'kms'
    ? new Key(scope, 'RawPagesKey', { enableKeyRotation: true, removalPolicy, description: 'Encrypts archive-dedup raw pages' })
    : undefined;

  const bucket = new Bucket(scope, 'RawPagesBucket', {
    ...common,
    bucketName: settings.bucketName,
    ...(encryptionKey
      ? { encryption: BucketEncryption.KMS, encryptionKey, bucketKeyEnabled: true }
      : { encryption: BucketEncryption.S3_MANAGED }),
    versioned: true,
    serverAccessLogsBucket: accessLogBucket,
    serverAccessLogsPrefix: 'raw-pages/',
    lifecycleRules: [
      {
        id: 'expire-noncurrent-versions',
        noncurrentVersionExpiration: Duration.days(settings.noncurrentVersionExpirationDays),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      },
    ],
    ...overrides,
  });
  return { bucket, accessLogBucket, encryptionKey };
}

/**
 * Configuration: one validated schema, read once at start-up from environment variables
 * (and an optional JSON config file named by TIME2BET_CONFIG), then passed down.
 * Nothing else in src/ reads process.env.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { shownValue } from './config-redact.ts';
import { deepFreeze } from './domain/deep-freeze.ts';

export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Each setting: the environment variable it comes from, its schema, and a description. */
const settings = {
  home: {
    env: 'TIME2BET_HOME',
    schema: z.string().min(1),
    default: () => path.resolve('.time2bet'),
    doc: 'folder for embedded state (PGlite data, lake folder)',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\/.+/, 'a postgres:// or postgresql:// URL')
      .optional(),
    default: () => undefined,
    doc: 'PostgreSQL URL; unset = embedded PGlite in $TIME2BET_HOME/pgdata',
  },
  lakeDir: {
    env: 'TIME2BET_LAKE_DIR',
    schema: z.string().min(1).optional(),
    default: () => undefined,
    doc: 'object-store folder; unset = $TIME2BET_HOME/lake',
  },
  lake: {
    env: 'TIME2BET_LAKE',
    schema: z.enum(['folder', 's3'], { message: 'folder or s3' }),
    default: () => 'folder' as const,
    doc: 'object store: folder (TIME2BET_LAKE_DIR) or s3 (TIME2BET_S3_*)',
  },
  s3Endpoint: {
    env: 'TIME2BET_S3_ENDPOINT',
    schema: z.string().regex(/^https?:\/\/[^\s/]+/, 'an http:// or https:// URL').optional(),
    default: () => undefined,
    doc: 'S3 endpoint for MinIO or other S3-compatible stores; unset = AWS',
  },
  s3Region: {
    env: 'TIME2BET_S3_REGION',
    schema: z.string().min(1),
    default: () => 'us-east-1',
    doc: 'S3 region',
  },
  s3Bucket: {
    env: 'TIME2BET_S3_BUCKET',
    schema: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name (3-63 of a-z 0-9 . -)').optional(),
    default: () => undefined,
    doc: 'S3 bucket of the lake (required when TIME2BET_LAKE=s3)',
  },
  s3Prefix: {
    env: 'TIME2BET_S3_PREFIX',
    schema: z.string().regex(/^[A-Za-z0-9._=@+\/-]*$/, 'a key prefix of [A-Za-z0-9._=@+-/]'),
    default: () => '',
    doc: 'key prefix of the lake inside the bucket',
  },
  s3PathStyle: {
    env: 'TIME2BET_S3_PATH_STYLE',
    schema: z.union([z.boolean(), z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'] })], { message: 'true or false' }),
    default: () => true,
    doc: 'path-style S3 addressing (endpoint/bucket/key), needed by MinIO',
  },
  s3AccessKeyId: {
    env: 'TIME2BET_S3_ACCESS_KEY_ID',
    schema: z.string().min(1).optional(),
    default: () => undefined,
    doc: 'S3 access key id; unset = the AWS SDK default chain (AWS_* variables, profile, role)',
  },
  s3SecretAccessKey: {
    env: 'TIME2BET_S3_SECRET_ACCESS_KEY',
    schema: z.string().min(1).optional(),
    default: () => undefined,
    doc: 'S3 secret access key (redacted in `config`)',
    secret: true,
  },
  dataDir: {
    env: 'TIME2BET_DATA_DIR',
    schema: z.string().min(1),
    default: () => path.join(PACKAGE_ROOT, 'data', 'football-data'),
    doc: 'folder of football-data.co.uk CSVs loaded by `start` and `ingest football-data`',
  },
  host: {
    env: 'HOST',
    schema: z.string().min(1),
    default: () => '127.0.0.1',
    doc: 'address the HTTP API listens on; unset = 127.0.0.1 (loopback). A non-loopback address needs an API key (`time2bet keys create`) or TIME2BET_AUTH=off',
  },
  auth: {
    env: 'TIME2BET_AUTH',
    schema: z.enum(['on', 'off'], { message: 'on or off' }),
    default: () => 'on' as const,
    doc: 'API-key checks (on); off = every route open, even on a non-loopback address (a loud warning at start-up)',
  },
  predictRequiresKey: {
    env: 'TIME2BET_PREDICT_REQUIRES_KEY',
    schema: z.union([z.boolean(), z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'] })], { message: 'true or false' }),
    default: () => false,
    doc: 'predictions need a key with the predict scope once a key exists (default: predictions are open)',
  },
  rateLimitIp: {
    env: 'TIME2BET_RATE_LIMIT_IP',
    schema: z.coerce.number().int('a whole number of requests per minute').min(0, 'at least 0 (0 = no limit)'),
    default: () => 60_000,
    doc: 'requests per minute per client address without a valid key (0 = no limit); 429 + Retry-After beyond it',
  },
  rateLimitKey: {
    env: 'TIME2BET_RATE_LIMIT_KEY',
    schema: z.coerce.number().int('a whole number of requests per minute').min(0, 'at least 0 (0 = no limit)'),
    default: () => 120_000,
    doc: 'requests per minute per API key (0 = no limit); 429 + Retry-After beyond it',
  },
  port: {
    env: 'PORT',
    schema: z.coerce
      .number({ message: 'an integer port 0-65535' })
      .int('an integer port 0-65535')
      .min(0, 'an integer port 0-65535')
      .max(65535, 'an integer port 0-65535'),
    default: () => 8080,
    doc: 'port of the HTTP API',
  },
  httpRequestTimeoutMs: { env: 'TIME2BET_HTTP_REQUEST_TIMEOUT_MS', schema: z.coerce.number().int('whole milliseconds').min(100, 'at least 100 ms'), default: () => 30_000, doc: 'a request (headers and body) must arrive within this; slow clients are dropped' },
  httpKeepAliveTimeoutMs: { env: 'TIME2BET_HTTP_KEEPALIVE_TIMEOUT_MS', schema: z.coerce.number().int('whole milliseconds').min(100, 'at least 100 ms'), default: () => 5_000, doc: 'idle keep-alive connections are closed after this' },
  artifactMaxBytes: { env: 'TIME2BET_ARTIFACT_MAX_BYTES', schema: z.coerce.number().int('whole bytes').min(1, 'at least 1 byte'), default: () => 512 * 1024 * 1024, doc: 'largest artifact upload accepted by the MLflow artifact routes' },
  logLevel: {
    env: 'LOG_LEVEL',
    schema: z.enum(logLevels, { message: `one of ${logLevels.join(', ')}` }),
    default: () => 'info' as const,
    doc: 'log level of the HTTP server',
  },
  refitDays: {
    env: 'TIME2BET_REFIT_DAYS',
    schema: z.coerce.number().int('a whole number of days').min(1, 'at least 1 day').max(365, 'at most 365 days'),
    default: () => 7,
    doc: 'walk-forward refit interval in days',
  },
  trainSeasons: {
    env: 'TIME2BET_TRAIN_SEASONS',
    schema: z.coerce.number().int('a whole number of seasons').min(1, 'at least 1').max(30, 'at most 30'),
    default: () => 3,
    doc: 'seasons of history each model fit sees (Dixon-Coles window)',
  },
  models: {
    env: 'TIME2BET_MODELS',
    schema: z
      .string()
      .regex(/^(elo|pi|poisson|dixon-coles|diagonal-poisson|softmax|ensemble)(,(elo|pi|poisson|dixon-coles|diagonal-poisson|softmax|ensemble))*$/, 'a comma-separated list of results-only models: elo, pi, poisson, dixon-coles, diagonal-poisson, softmax, ensemble'),
    default: () => 'elo,dixon-coles',
    doc: 'models `start` and train_weekly evaluate; the best is trained and registered (more models = slower start)',
  },
  seed: {
    env: 'TIME2BET_SEED',
    schema: z.coerce.number().int('an integer'),
    default: () => 42,
    doc: 'random seed (any randomised step uses it)',
  },
  executor: {
    env: 'TIME2BET_EXECUTOR',
    schema: z.enum(['embedded', 'pgboss'], { message: 'embedded or pgboss' }),
    default: () => 'embedded' as const,
    doc: 'where DAG tasks run: embedded (in the scheduler process) or pgboss (queued in PostgreSQL for `time2bet worker`)',
  },
  workerConcurrency: {
    env: 'TIME2BET_WORKER_CONCURRENCY',
    schema: z.coerce.number().int('a whole number').min(1, 'at least 1').max(64, 'at most 64'),
    default: () => 2,
    doc: 'DAG tasks one worker (or the embedded executor) runs at once',
  },
  heartbeatTimeout: {
    env: 'TIME2BET_HEARTBEAT_TIMEOUT',
    schema: z.coerce.number({ message: 'a number of seconds' }).min(1, 'at least 1 second').max(86_400, 'at most 86400 seconds'),
    default: () => 300,
    doc: 'seconds without a heartbeat after which a running task is retried elsewhere (its worker died)',
  },
  dagModules: {
    env: 'TIME2BET_DAG_MODULES',
    schema: z.string(),
    default: () => '',
    doc: 'comma-separated .ts/.js modules exporting more DAGs (`export const dags = [defineDag(…)]`)',
  },
  mlflowTrackingUri: {
    env: 'MLFLOW_TRACKING_URI',
    schema: z.string().regex(/^https?:\/\/[^\s/]+/, 'an http:// or https:// URL of an MLflow (or time2bet tracking) server').optional(),
    default: () => undefined,
    doc: 'tracking server for runs and the model registry; unset = the built-in one (same warehouse and lake)',
  },
  modelUri: {
    env: 'TIME2BET_MODEL_URI',
    schema: z.string().regex(/^models:\/[^/@\s]+(@[\w-]+|\/[^/\s]+)$/, 'a models:/<name>@<alias> or models:/<name>/<version|latest|stage> URI'),
    default: () => 'models:/time2bet@champion',
    doc: 'the registered model version that `serve` and `start` serve',
  },
  promotionRpsTolerance: {
    env: 'TIME2BET_PROMOTION_RPS_TOLERANCE',
    schema: z.coerce.number({ message: 'a number' }).min(0, 'at least 0').max(0.1, 'at most 0.1'),
    default: () => 0.0005,
    doc: 'a retrain becomes champion only if its RPS is at most this much worse than the champion’s, on the same matches',
  },
  promotionCalibrationBound: {
    env: 'TIME2BET_PROMOTION_CALIBRATION_BOUND',
    schema: z.coerce.number({ message: 'a number' }).min(0, 'at least 0').max(1, 'at most 1'),
    default: () => 0.05,
    doc: 'largest calibration error (binned, worst of home/draw/away) a new champion may have',
  },
} as const;

type Settings = typeof settings;
type Resolved = {
  -readonly [K in keyof Settings]: z.infer<Settings[K]['schema']>;
} & { lakeDir: string; configFile?: string };
/** The validated configuration: frozen (assigning to it throws in strict mode). */
export type Config = Readonly<Resolved>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Validate raw values (environment and optional config file; environment wins).
 * Throws ConfigError naming the variable, the value and what was expected.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const configFile = env.TIME2BET_CONFIG;
  let fileValues: Record<string, unknown> = {};
  if (configFile) {
    let text: string;
    try {
      text = readFileSync(configFile, 'utf8');
    } catch (e) {
      throw new ConfigError(`TIME2BET_CONFIG="${configFile}": cannot read the file (${(e as Error).message})`);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
      fileValues = parsed as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`TIME2BET_CONFIG="${configFile}": expected a JSON object of settings (${(e as Error).message})`);
    }
    const known = new Set<string>(Object.keys(settings));
    for (const k of Object.keys(fileValues)) {
      if (!known.has(k)) throw new ConfigError(`${configFile}: unknown setting "${k}"; expected one of ${[...known].join(', ')}`);
    }
  }
  const out: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const [key, s] of Object.entries(settings)) {
    const fromEnv = env[s.env];
    const raw = fromEnv !== undefined && fromEnv !== '' ? fromEnv : Object.hasOwn(fileValues, key) ? fileValues[key] : undefined;
    const source = fromEnv !== undefined && fromEnv !== '' ? s.env : `${configFile} "${key}"`;
    if (raw === undefined) {
      out[key] = s.default();
      continue;
    }
    const r = (s.schema as z.ZodType).safeParse(raw);
    if (r.success) out[key] = r.data;
    else {
      const shown = String(shownValue(key, 'secret' in s, typeof raw === 'string' ? raw : JSON.stringify(raw)));
      errors.push(`${source}="${shown}" is invalid: expected ${r.error.issues.map((i) => i.message).join('; ')}`);
    }
  }
  if (errors.length) throw new ConfigError(`invalid configuration:\n  ${errors.join('\n  ')}`);
  const cfg = out as Resolved;
  cfg.home = path.resolve(cfg.home);
  cfg.lakeDir = path.resolve(cfg.lakeDir ?? path.join(cfg.home, 'lake'));
  cfg.dataDir = path.resolve(cfg.dataDir);
  if (configFile) cfg.configFile = configFile;
  return deepFreeze(cfg);
}

/** The resolved configuration with secrets redacted, for `time2bet config`. */
export function describeConfig(cfg: Config): Record<string, { value: unknown; env: string; doc: string }> {
  const out: Record<string, { value: unknown; env: string; doc: string }> = {};
  for (const [key, s] of Object.entries(settings)) {
    const value = shownValue(key, 'secret' in s, (cfg as Record<string, unknown>)[key]);
    out[key] = { value: value ?? null, env: s.env, doc: s.doc };
  }
  return out;
}

/**
 * The environment child commands inherit (e.g. `time2bet repro` running `time2bet stage …`):
 * they read their own configuration from it, exactly as this process did.
 */
export function inheritedEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env };
}

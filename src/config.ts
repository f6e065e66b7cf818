/**
 * Configuration: one validated schema, read once at start-up from environment variables
 * (and an optional JSON config file named by TIME2BET_CONFIG), then passed down.
 * Nothing else in src/ reads process.env.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

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
  dataDir: {
    env: 'TIME2BET_DATA_DIR',
    schema: z.string().min(1),
    default: () => path.join(PACKAGE_ROOT, 'data', 'football-data'),
    doc: 'folder of football-data.co.uk CSVs loaded by `start` and `ingest football-data`',
  },
  host: {
    env: 'HOST',
    schema: z.string().min(1),
    default: () => '0.0.0.0',
    doc: 'address the HTTP API listens on',
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
  seed: {
    env: 'TIME2BET_SEED',
    schema: z.coerce.number().int('an integer'),
    default: () => 42,
    doc: 'random seed (any randomised step uses it)',
  },
} as const;

type Settings = typeof settings;
export type Config = {
  -readonly [K in keyof Settings]: z.infer<Settings[K]['schema']>;
} & { lakeDir: string; configFile?: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Redact the password of a URL-like secret. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '***';
  }
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
    const raw = fromEnv !== undefined && fromEnv !== '' ? fromEnv : fileValues[key];
    const source = fromEnv !== undefined && fromEnv !== '' ? s.env : `${configFile} "${key}"`;
    if (raw === undefined) {
      out[key] = s.default();
      continue;
    }
    const r = (s.schema as z.ZodType).safeParse(raw);
    if (r.success) out[key] = r.data;
    else {
      const shown = s.env === 'DATABASE_URL' ? redactUrl(String(raw)) : String(raw);
      errors.push(`${source}="${shown}" is invalid: expected ${r.error.issues.map((i) => i.message).join('; ')}`);
    }
  }
  if (errors.length) throw new ConfigError(`invalid configuration:\n  ${errors.join('\n  ')}`);
  const cfg = out as Config;
  cfg.home = path.resolve(cfg.home);
  cfg.lakeDir = path.resolve(cfg.lakeDir ?? path.join(cfg.home, 'lake'));
  cfg.dataDir = path.resolve(cfg.dataDir);
  if (configFile) cfg.configFile = configFile;
  return cfg;
}

/** The resolved configuration with secrets redacted, for `time2bet config`. */
export function describeConfig(cfg: Config): Record<string, { value: unknown; env: string; doc: string }> {
  const out: Record<string, { value: unknown; env: string; doc: string }> = {};
  for (const [key, s] of Object.entries(settings)) {
    let value = (cfg as Record<string, unknown>)[key];
    if (key === 'databaseUrl' && typeof value === 'string') value = redactUrl(value);
    out[key] = { value: value ?? null, env: s.env, doc: s.doc };
  }
  return out;
}

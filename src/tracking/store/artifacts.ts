/**
 * Run artifacts in the lake. The proxied-artifact scheme of MLflow: a run's artifact root is
 * `mlflow-artifacts:/<experiment>/<run>/artifacts`, and an artifact path P under that scheme is
 * the lake object `mlartifacts/P`. Nothing outside `mlartifacts/` is reachable through here.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { validateKey, type ByteSource, type ObjectStore } from '../../lake/store.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../warehouse/schema.ts';
import { invalidParameter, notFound } from '../errors.ts';
import { refuseIfArtifactAliased } from './guards.ts';

export const LAKE_PREFIX = 'mlartifacts';
export const SCHEME = 'mlflow-artifacts:';

export interface FileInfoJson {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/** Validate a relative artifact path the way MLflow's validate_path_is_safe does; '' is the root. */
export function safePath(path: string | undefined): string {
  const p = (path ?? '').replace(/^\/+|\/+$/g, '');
  if (p === '') return '';
  let decoded = p;
  try {
    decoded = decodeURIComponent(p);
  } catch {
    /* keep as is */
  }
  if (decoded.includes('\\') || decoded.includes('\0') || decoded.split('/').some((s) => s === '..' || s === '.') || /^[A-Za-z]:/.test(decoded)) {
    throw invalidParameter(`Invalid path: ${path}`);
  }
  try {
    validateKey(p);
  } catch {
    throw invalidParameter(`Invalid path: ${path}: artifact paths here are segments of [A-Za-z0-9._=@+-] separated by "/"`);
  }
  return p;
}

/** The artifact path inside the proxied store of an `mlflow-artifacts:` URI (host part ignored), or undefined. */
export function proxiedPath(uri: string): string | undefined {
  if (!uri.startsWith(SCHEME)) return undefined;
  let rest = uri.slice(SCHEME.length);
  if (rest.startsWith('//')) rest = rest.slice(2).replace(/^[^/]*/, '');
  return rest.replace(/^\/+|\/+$/g, '');
}

const join = (...parts: string[]) => parts.filter((p) => p !== '').join('/');
const lakeKey = (path: string) => join(LAKE_PREFIX, safePath(path));

function requirePath(path: string): string {
  if (safePath(path) === '') throw invalidParameter('Request must specify an artifact path.');
  return lakeKey(path);
}

export async function putArtifact(lake: ObjectStore, path: string, body: Uint8Array | ByteSource): Promise<number> {
  const key = requirePath(path);
  if (body instanceof Uint8Array) {
    await lake.put(key, body);
    return body.byteLength;
  }
  return lake.putStream(key, body);
}

export async function getArtifact(lake: ObjectStore, path: string): Promise<Readable> {
  const stream = safePath(path) === '' ? undefined : await lake.getStream(lakeKey(path));
  if (!stream) throw notFound(`Artifact '${path}' not found`);
  return stream;
}

/** Refused (INVALID_STATE) when the path holds a model version that has an alias (e.g. @champion). */
export async function deleteArtifact(lake: ObjectStore, path: string, db: Kysely<Database>): Promise<void> {
  const key = requirePath(path);
  await refuseIfArtifactAliased(db, safePath(path));
  const under = await lake.list(`${key}/`);
  for (const k of [key, ...under]) await lake.delete(k);
}

/** Direct children of a folder: `path` of each is its name (MLflow's proxied listing). */
export async function listArtifacts(lake: ObjectStore, dir: string): Promise<FileInfoJson[]> {
  const prefix = `${lakeKey(dir)}/`;
  const keys = await lake.list(prefix);
  const files = new Map<string, FileInfoJson>();
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash >= 0) files.set(rest.slice(0, slash), { path: rest.slice(0, slash), is_dir: true });
    else files.set(rest, { path: rest, is_dir: false, file_size: (await lake.get(key))?.byteLength ?? 0 });
  }
  return [...files.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** artifacts/list for a run: paths relative to the run's artifact root. */
export async function listRunArtifacts(lake: ObjectStore, artifactUri: string, path: string | undefined): Promise<{ root_uri: string; files?: FileInfoJson[] }> {
  const rel = safePath(path);
  const root = proxiedPath(artifactUri);
  if (root === undefined) return { root_uri: artifactUri }; // a location this server does not hold
  const files = (await listArtifacts(lake, join(root, rel))).map((f) => ({ ...f, path: join(rel, f.path) }));
  return files.length ? { root_uri: artifactUri, files } : { root_uri: artifactUri };
}

/** At most this many files are checksummed under a model version's source. */
const MANIFEST_MAX_FILES = 1000;

/**
 * The server's own checksums of a model version's artifacts: `{ "<path under source>": sha256 }`
 * for every file under an `mlflow-artifacts:` source (a file source: its own name; nothing there:
 * `{}`, so files uploaded later are not trusted). Undefined for a source this server does not hold.
 */
export async function artifactManifest(lake: ObjectStore, source: string): Promise<Record<string, string> | undefined> {
  const root = proxiedPath(source);
  if (root === undefined) return undefined;
  const key = lakeKey(root);
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const keys = (await lake.list(`${key}/`)).sort();
  const single = keys.length === 0 && root !== '' ? await lake.get(key) : undefined;
  if (single) return { [key.slice(key.lastIndexOf('/') + 1)]: sha(single) };
  if (keys.length > MANIFEST_MAX_FILES) throw invalidParameter(`Model version source '${source}' holds ${keys.length} files; at most ${MANIFEST_MAX_FILES} are supported.`);
  const out: Record<string, string> = {};
  for (const k of keys) {
    const bytes = await lake.get(k);
    if (bytes) out[k.slice(key.length + 1)] = sha(bytes);
  }
  return out;
}

/**
 * A minimal model registry: versions of a registered model (artifact in the lake, row in the
 * warehouse) and aliases such as `champion`. The tracking issue extends it (MLflow API).
 */
import type { Warehouse } from '../warehouse/db.ts';
import type { ObjectStore } from '../lake/store.ts';
import { parseArtifact, serialiseArtifact, type ModelArtifact } from './artifact.ts';

export interface ModelVersion {
  name: string;
  version: number;
  kind: string;
  artifactKey: string;
  dataFingerprint: string;
  metrics: Record<string, unknown>;
  createdAt: Date;
  aliases: string[];
}

export class Registry {
  constructor(
    private readonly wh: Warehouse,
    private readonly lake: ObjectStore,
  ) {}

  /** Store the artifact (content-addressed) and record a new version; returns it. */
  async register(artifact: ModelArtifact): Promise<ModelVersion> {
    const { bytes, sha256 } = serialiseArtifact(artifact);
    const key = `models/${artifact.name}/${sha256}.json`;
    if (!(await this.lake.exists(key))) await this.lake.put(key, bytes);
    const row = await this.wh.db.transaction().execute(async (trx) => {
      const last = await trx
        .selectFrom('model_versions')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('name', '=', artifact.name)
        .executeTakeFirst();
      const version = Number(last?.v ?? 0) + 1;
      return trx
        .insertInto('model_versions')
        .values({
          name: artifact.name,
          version,
          kind: artifact.kind,
          artifact_key: key,
          data_fingerprint: artifact.trainingData.fingerprint,
          metrics: JSON.stringify(artifact.metrics),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    return this.#toVersion(row, []);
  }

  async setAlias(name: string, alias: string, version: number): Promise<void> {
    await this.wh.db
      .insertInto('model_aliases')
      .values({ name, alias, version })
      .onConflict((oc) => oc.columns(['name', 'alias']).doUpdateSet({ version, updated_at: new Date() }))
      .execute();
  }

  /** The version an alias points to, or undefined. */
  async byAlias(name: string, alias: string): Promise<ModelVersion | undefined> {
    const row = await this.wh.db
      .selectFrom('model_aliases as a')
      .innerJoin('model_versions as v', (j) => j.onRef('v.name', '=', 'a.name').onRef('v.version', '=', 'a.version'))
      .selectAll('v')
      .where('a.name', '=', name)
      .where('a.alias', '=', alias)
      .executeTakeFirst();
    return row ? this.#toVersion(row, await this.#aliasesOf(name, row.version)) : undefined;
  }

  async list(name?: string): Promise<ModelVersion[]> {
    let q = this.wh.db.selectFrom('model_versions').selectAll().orderBy('name').orderBy('version');
    if (name) q = q.where('name', '=', name);
    const rows = await q.execute();
    const aliases = await this.wh.db.selectFrom('model_aliases').selectAll().execute();
    return rows.map((r) =>
      this.#toVersion(
        r,
        aliases.filter((a) => a.name === r.name && a.version === r.version).map((a) => a.alias),
      ),
    );
  }

  async loadArtifact(v: ModelVersion): Promise<ModelArtifact> {
    const bytes = await this.lake.get(v.artifactKey);
    if (!bytes) throw new Error(`model ${v.name} v${v.version}: artifact ${v.artifactKey} is missing from the lake (${this.lake.location})`);
    return parseArtifact(new TextDecoder().decode(bytes), v.artifactKey);
  }

  async #aliasesOf(name: string, version: number): Promise<string[]> {
    const rows = await this.wh.db.selectFrom('model_aliases').select('alias').where('name', '=', name).where('version', '=', version).execute();
    return rows.map((r) => r.alias);
  }

  #toVersion(r: { name: string; version: number; kind: string; artifact_key: string; data_fingerprint: string; metrics: unknown; created_at: Date }, aliases: string[]): ModelVersion {
    const metrics = typeof r.metrics === 'string' ? (JSON.parse(r.metrics) as Record<string, unknown>) : (r.metrics as Record<string, unknown>);
    return { name: r.name, version: r.version, kind: r.kind, artifactKey: r.artifact_key, dataFingerprint: r.data_fingerprint, metrics, createdAt: new Date(r.created_at), aliases };
  }
}

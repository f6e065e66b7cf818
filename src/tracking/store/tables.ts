/** Row types of the tracking and registry tables (migration 003_tracking), as Kysely sees them. */
import type { Generated } from 'kysely';

export interface TrackingExperimentsTable {
  experiment_id: Generated<number>;
  name: string;
  artifact_location: string;
  lifecycle_stage: Generated<'active' | 'deleted'>;
  creation_time: number;
  last_update_time: number;
}
export interface TrackingExperimentTagsTable {
  experiment_id: number;
  key: string;
  value: string;
}
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export interface TrackingRunsTable {
  run_uuid: string;
  experiment_id: number;
  run_name: Generated<string>;
  user_id: Generated<string>;
  status: RunStatus;
  start_time: number | null;
  end_time: number | null;
  artifact_uri: string;
  lifecycle_stage: Generated<'active' | 'deleted'>;
}
export interface TrackingKeyValueTable {
  run_uuid: string;
  key: string;
  value: string;
}
export interface TrackingMetricsTable {
  id: Generated<number>;
  run_uuid: string;
  key: string;
  value: number;
  timestamp: number;
  step: Generated<number>;
}
export interface RegistryModelsTable {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description: string | null;
}
export interface RegistryModelTagsTable {
  name: string;
  key: string;
  value: string;
}
export interface RegistryModelVersionsTable {
  name: string;
  version: number;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description: string | null;
  user_id: string | null;
  current_stage: Generated<string>;
  source: string;
  run_id: string | null;
  run_link: string | null;
  status: Generated<string>;
  status_message: string | null;
  /** SHA-256 of the artifact bytes, computed by the server at creation (no REST route writes it). */
  artifact_sha256: string | null;
}
export interface RegistryModelVersionTagsTable {
  name: string;
  version: number;
  key: string;
  value: string;
}
export interface RegistryAliasesTable {
  name: string;
  alias: string;
  version: number;
}

/** The tracking and registry tables, joined onto the warehouse's Database type from here. */
export interface TrackingTables {
  tracking_experiments: TrackingExperimentsTable;
  tracking_experiment_tags: TrackingExperimentTagsTable;
  tracking_runs: TrackingRunsTable;
  tracking_params: TrackingKeyValueTable;
  tracking_tags: TrackingKeyValueTable;
  tracking_metrics: TrackingMetricsTable;
  registry_models: RegistryModelsTable;
  registry_model_tags: RegistryModelTagsTable;
  registry_model_versions: RegistryModelVersionsTable;
  registry_model_version_tags: RegistryModelVersionTagsTable;
  registry_aliases: RegistryAliasesTable;
}

declare module '../../warehouse/schema.ts' {
  // Declaration merging: every Kysely<Database> sees the tracking tables once this file is compiled.
  interface Database extends TrackingTables {}
}

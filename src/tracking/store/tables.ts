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

/** Every migration, in order. Add new ones at the end; never edit a released one. */
import type { Migration } from 'kysely/migration';
import * as m001 from './001_core.ts';

export const migrations: Record<string, Migration> = {
  '001_core': m001,
  '002_whoscored': await import('./002_whoscored.ts'),
  '003_tracking': await import('./003_tracking.ts'),
  '004_orchestration': await import('./004_orchestration.ts'),
  '005_drop_legacy_registry': await import('./005_drop_legacy_registry.ts'),
  '006_api_keys_and_artifact_checksums': await import('./006_api_keys_and_artifact_checksums.ts'),
};

/** Shared pieces of the security tests: an API app over a warehouse with keys of each scope. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FolderStore } from '../../src/lake/folder-store.ts';
import { buildApp } from '../../src/serve/app.ts';
import type { Predictor } from '../../src/serve/predictor.ts';
import type { AuthOptions } from '../../src/serve/auth/hook.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';

/**
 * A predictor double: these tests are about who may call a route, not about predictions
 * (test/serve/api.test.ts covers the real predictor).
 */
export const fakePredictor = {
  artifact: { name: 'time2bet', kind: 'elo' },
  version: 1,
  predict: (b: { home: string; away: string }) => ({ league: 'E0', home: b.home, away: b.away, prediction: { probabilities: { home: 0.5, draw: 0.3, away: 0.2 }, expectedGoals: { home: 1.5, away: 1 } } }),
  teams: () => [],
} as unknown as Predictor;

export async function securedApp(wh: Warehouse, auth: AuthOptions = {}, lake = new FolderStore(mkdtempSync(path.join(tmpdir(), 't2b-sec-lake-')))) {
  const built = await buildApp({ predictor: fakePredictor, ping: async () => true, logLevel: 'silent', tracking: { wh, lake }, auth });
  return { ...built, lake };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

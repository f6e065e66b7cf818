/**
 * Where a server may listen: with no API key it binds loopback only; a non-loopback address
 * needs a key (or TIME2BET_AUTH=off, said loudly). Shared by `serve`/`start` and `tracking-server`.
 */
import { isIP } from 'node:net';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../warehouse/schema.ts';
import { anyActiveKey } from './keys.ts';
import type { AuthOptions } from './hook.ts';

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

export type BindingDecision = { ok: true; notice: string } | { ok: false; message: string };

export function bindingDecision(host: string, opts: { keysExist: boolean; auth: 'on' | 'off' }): BindingDecision {
  if (opts.auth === 'off') {
    return {
      ok: true,
      notice: `WARNING: TIME2BET_AUTH=off: every route is open to anyone who can reach ${host}, including uploading artifacts and moving @champion. Use it only on a trusted network.`,
    };
  }
  if (isLoopback(host)) {
    return { ok: true, notice: opts.keysExist ? `API keys required for state-changing routes (time2bet keys list)` : `no API key exists: listening on ${host} (loopback) only; create one with \`time2bet keys create --name NAME --scopes admin\` to listen on other addresses` };
  }
  if (opts.keysExist) return { ok: true, notice: `listening on ${host}; API keys required for state-changing routes (time2bet keys list)` };
  return {
    ok: false,
    message: `refusing to listen on ${host}: no API key exists, so anyone on the network could change the models. Create one (\`time2bet keys create --name NAME --scopes admin\`), listen on 127.0.0.1 (unset HOST), or set TIME2BET_AUTH=off to run without authentication`,
  };
}

/**
 * Decide, before listening on `host`, whether this server may start and with which auth options.
 * Throws an Error whose message says why it may not.
 */
export async function prepareServerAuth(cfg: Config, db: Kysely<Database>, host: string): Promise<{ notice: string; auth: AuthOptions }> {
  const decision = bindingDecision(host, { keysExist: await anyActiveKey(db), auth: cfg.auth });
  if (!decision.ok) throw new Error(decision.message);
  return {
    notice: decision.notice,
    auth: { db, auth: cfg.auth, predictRequiresKey: cfg.predictRequiresKey, rateLimit: { ip: cfg.rateLimitIp, key: cfg.rateLimitKey } },
  };
}

/** `time2bet keys create|list|revoke`: API keys for the HTTP API and the tracking server. */
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { withContext } from './context.ts';
import { say } from './progress.ts';
import { createKey, KeyError, listKeys, parseScopes, revokeKey } from '../serve/auth/keys.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const when = (d: Date | null) => (d ? new Date(d).toISOString().replace(/\.\d+Z$/, 'Z') : '—');

export function registerKeysCommands(program: Command, cfg: () => Config): void {
  const keys = program.command('keys').description('API keys (Authorization: Bearer <key>; MLFLOW_TRACKING_TOKEN for MLflow clients)');
  keys
    .command('create')
    .description('create a key and print it once (only its SHA-256 is stored)')
    .requiredOption('--name <name>', 'who or what uses the key')
    .requiredOption('--scopes <list>', 'comma-separated: predict, write (tracking writes, artifacts), admin (registry, deletes); admin implies write implies predict')
    .action(async (opts: { name: string; scopes: string }) => {
      const scopes = parseScopes(opts.scopes);
      await withContext(cfg(), async (ctx) => {
        const { key, info } = await createKey(ctx.wh.db, opts.name, scopes);
        out(key);
        say(`key ${info.id} "${info.name}" (${info.scopes.join(',')}) created; it is shown only now, store it safely`);
      });
    });
  keys
    .command('list')
    .description('list keys (never the keys themselves)')
    .action(async () =>
      withContext(cfg(), async (ctx) => {
        const rows = await listKeys(ctx.wh.db);
        if (rows.length === 0) return say('no API keys (the server binds 127.0.0.1 only)');
        out(['id', 'name', 'prefix', 'scopes', 'created', 'last used', 'revoked'].join('\t'));
        for (const k of rows) out([k.id, k.name, `${k.prefix}…`, k.scopes.join(','), when(k.created_at), when(k.last_used_at), when(k.revoked_at)].join('\t'));
      }),
    );
  keys
    .command('revoke <id>')
    .description('revoke a key (refused from then on)')
    .action(async (id: string) => {
      if (!/^\d{1,9}$/.test(id)) throw new KeyError(`key id "${id}": expected a number from \`time2bet keys list\``);
      await withContext(cfg(), async (ctx) => {
        const k = await revokeKey(ctx.wh.db, Number(id));
        say(`key ${k.id} "${k.name}" revoked at ${when(k.revoked_at)}`);
      });
    });
}

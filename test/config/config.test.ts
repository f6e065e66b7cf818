import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, describeConfig, loadConfig } from '../../src/config.ts';

test('defaults: embedded PGlite under ./.time2bet, port 8080', () => {
  const c = loadConfig({});
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.port, 8080);
  assert.equal(c.home, path.resolve('.time2bet'));
  assert.equal(c.lakeDir, path.join(c.home, 'lake'));
  assert.equal(c.refitDays, 7);
});

test('TIME2BET_HOME moves the embedded state, environment values are coerced', () => {
  const c = loadConfig({ TIME2BET_HOME: '/tmp/x', PORT: '9090', TIME2BET_REFIT_DAYS: '14' });
  assert.equal(c.home, '/tmp/x');
  assert.equal(c.lakeDir, '/tmp/x/lake');
  assert.equal(c.port, 9090);
  assert.equal(c.refitDays, 14);
});

test('a bad value names the variable, the value and what was expected', () => {
  assert.throws(() => loadConfig({ PORT: 'eighty' }), (e: Error) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /PORT="eighty" is invalid: expected .*port/);
    return true;
  });
  assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://u:secret@h/db' }), /DATABASE_URL="mysql:\/\/u:\*\*\*@h\/db" is invalid: expected a postgres/);
  assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL="loud" is invalid: expected one of fatal, error/);
  assert.throws(() => loadConfig({ PORT: '70000' }), /PORT="70000"/);
});

test('every bad value is reported at once', () => {
  assert.throws(() => loadConfig({ PORT: 'x', TIME2BET_REFIT_DAYS: '0' }), (e: Error) => /PORT="x"/.test(e.message) && /TIME2BET_REFIT_DAYS="0"/.test(e.message));
});

test('config file: values apply, the environment wins, unknown keys are refused', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 't2b-cfg-'));
  const f = path.join(dir, 'c.json');
  writeFileSync(f, JSON.stringify({ port: 7070, refitDays: 3 }));
  const c = loadConfig({ TIME2BET_CONFIG: f, TIME2BET_REFIT_DAYS: '5' });
  assert.equal(c.port, 7070);
  assert.equal(c.refitDays, 5);
  writeFileSync(f, JSON.stringify({ prot: 1 }));
  assert.throws(() => loadConfig({ TIME2BET_CONFIG: f }), /unknown setting "prot"/);
  writeFileSync(f, '{not json');
  assert.throws(() => loadConfig({ TIME2BET_CONFIG: f }), /expected a JSON object/);
  writeFileSync(f, JSON.stringify({ port: 'abc' }));
  assert.throws(() => loadConfig({ TIME2BET_CONFIG: f }), /"port"="abc" is invalid/);
});

test('describeConfig redacts the database password', () => {
  const d = describeConfig(loadConfig({ DATABASE_URL: 'postgres://app:hunter2@db:5432/t2b' }));
  assert.equal(d.databaseUrl!.value, 'postgres://app:***@db:5432/t2b');
  assert.doesNotMatch(JSON.stringify(d), /hunter2/);
});

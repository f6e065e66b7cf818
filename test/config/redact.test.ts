/** One URL redactor for `config`, logs and messages; the configuration is frozen. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskAccessKeyId, redactUrl, scrubSecrets } from '../../src/domain/redact.ts';
import { describeConfig, loadConfig } from '../../src/config.ts';
import { secretValues } from '../../src/config-redact.ts';

test('redactUrl hides the userinfo password and secret query parameters, keeping the rest verbatim', () => {
  assert.equal(redactUrl('postgres://app:s3cret@db:5432/t2b'), 'postgres://app:***@db:5432/t2b');
  assert.equal(
    redactUrl('postgresql://app@db/t2b?sslmode=require&password=pw1&sslpassword=pw2&application_name=a%20b&options=-c%20x'),
    'postgresql://app@db/t2b?sslmode=require&password=***&sslpassword=***&application_name=a%20b&options=-c%20x',
  );
  const s = redactUrl('https://u:p@minio:9000/b?token=tk&X-Amz-Signature=sig&X-Amz-Credential=AKIA1&api_key=k&Secret=z&region=eu');
  for (const leaked of [':p@', 'tk', 'sig', 'AKIA1', '=k&', '=z']) assert.ok(!s.includes(leaked), `${leaked} in ${s}`);
  assert.ok(s.endsWith('&region=eu'));
  assert.equal(redactUrl('postgres://db/t2b'), 'postgres://db/t2b', 'nothing to hide: unchanged');
  assert.equal(redactUrl('postgres://u:pw@[bad'), 'postgres://***', 'unparseable: only the scheme survives');
  assert.equal(redactUrl('pw only'), '***');
});

test('access key ids show at most their last 4 characters', () => {
  assert.equal(maskAccessKeyId('AKIAIOSFODNN7EXAMPLE'), '***MPLE');
  assert.equal(maskAccessKeyId('minioadmin'), '***');
});

test('scrubSecrets removes each secret and its URL-encoded form', () => {
  assert.equal(scrubSecrets('auth failed for p@ss/w0rd and p%40ss%2Fw0rd', ['p@ss/w0rd']), 'auth failed for *** and ***');
});

const env = {
  DATABASE_URL: 'postgres://app:pw-in-userinfo@db:5432/t2b?sslpassword=pw-in-query&sslmode=require',
  MLFLOW_TRACKING_URI: 'https://ml:pw-of-mlflow@mlflow.example:5000/?token=tok-of-mlflow',
  TIME2BET_S3_ENDPOINT: 'http://minio:9000/?secret=pw-of-endpoint',
  TIME2BET_S3_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  TIME2BET_S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const SECRETS = ['pw-in-userinfo', 'pw-in-query', 'pw-of-mlflow', 'tok-of-mlflow', 'pw-of-endpoint', 'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI'];

test('describeConfig redacts every URL setting, the secret key, and masks the access key id', () => {
  const d = describeConfig(loadConfig(env));
  const text = JSON.stringify(d);
  for (const s of SECRETS) assert.ok(!text.includes(s), `${s} shown by describeConfig`);
  assert.equal(d.databaseUrl!.value, 'postgres://app:***@db:5432/t2b?sslpassword=***&sslmode=require');
  assert.equal(d.s3AccessKeyId!.value, '***MPLE');
  assert.equal(d.s3SecretAccessKey!.value, '***');
  const known = secretValues(loadConfig(env));
  for (const s of SECRETS) assert.ok(known.some((v) => v.startsWith(s)), `${s} missing from secretValues`);
});

test('an invalid secret-bearing value is not echoed in the error', () => {
  assert.throws(
    () => loadConfig({ DATABASE_URL: 'mysql://u:hunter22@h/d?password=hunter33' }),
    (e: Error) => /DATABASE_URL=/.test(e.message) && !e.message.includes('hunter22') && !e.message.includes('hunter33'),
  );
});

test('the configuration is frozen after validation: assignment throws and changes nothing', () => {
  const cfg = loadConfig({ PORT: '9000' });
  assert.ok(Object.isFrozen(cfg));
  assert.throws(() => {
    (cfg as { port: number }).port = 1;
  }, TypeError);
  assert.throws(() => {
    (cfg as Record<string, unknown>).extra = 1;
  }, TypeError);
  assert.equal(cfg.port, 9000);
  const copy = { ...cfg, port: 1 }; // a changed copy is the way to vary it
  assert.equal(copy.port, 1);
  assert.equal(cfg.port, 9000);
});

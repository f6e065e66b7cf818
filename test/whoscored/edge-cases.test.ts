/** Hostile saved WhoScored files: each error names the file; deep nesting is refused, not a stack overflow. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parseJsLiteral, readJsValue, JsLiteralError, MAX_DEPTH } from '../../src/ingest/whoscored/jsliteral.ts';
import { parseWhoScoredFile } from '../../src/ingest/whoscored/parse-file.ts';

const dir = mkdtempSync(path.join(tmpdir(), 't2b-ws-edge-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const deep = '['.repeat(100_000);

test('the literal parser refuses 100,000 nested [ with the depth and offset', () => {
  assert.throws(() => parseJsLiteral(deep), (e: Error) => {
    assert.ok(e instanceof JsLiteralError);
    assert.equal(e.message, `nesting deeper than ${MAX_DEPTH} levels of arrays/objects at offset ${MAX_DEPTH}`);
    return true;
  });
  assert.throws(() => parseJsLiteral('{a:'.repeat(100_000)), /nesting deeper than 200 levels of arrays\/objects at offset 600/);
  assert.throws(() => readJsValue(`[f(${'('.repeat(100_000)})]`), /nesting deeper than 200 levels/);
  // 200 levels is allowed
  assert.deepEqual(parseJsLiteral('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH)) !== undefined, true);
});

test('prototype names are not keywords of the literal parser', () => {
  assert.deepEqual(parseJsLiteral('{a: constructor, b: toString}'), { a: { $expr: 'constructor' }, b: { $expr: 'toString' } });
});

const cases: [string, string | Buffer, RegExp][] = [
  ['regions.html', `<script>var allRegions = ${deep};</script>`, /nesting deeper than 200 levels/],
  ['1234567_a-b.html', `<script>require.config.params["args"] = { matchId: 1234567, matchCentreData: ${deep} };</script>`, /nesting deeper than 200 levels/],
  ['tournament.html', `<select id="seasons"></select><script>var wsCalendar = ${deep};</script>`, /nesting deeper than 200 levels/],
  ['broken.json.gz', Buffer.from([0x1f, 0x8b, 1, 2, 3]), /unknown compression method/],
  ['fixtures.json', `{"tournaments": ${deep}`, /not a JSON object/],
];
for (const [name, body, why] of cases) {
  test(`a hostile ${name} is refused naming the file`, async () => {
    const file = path.join(dir, name);
    writeFileSync(file, body);
    await assert.rejects(parseWhoScoredFile(file), (e: Error) => {
      assert.ok(e.message.includes(name), `"${e.message}" names ${name}`);
      assert.match(e.message, why);
      assert.doesNotMatch(e.message, /\[object Object\]/);
      return true;
    });
  });
}

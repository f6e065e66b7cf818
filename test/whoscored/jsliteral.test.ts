/** The tolerant JS object-literal reader: what WhoScored's inline scripts contain, without eval. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isJsExpr, JsLiteralError, parseJsLiteral, readJsValue } from '../../src/ingest/whoscored/jsliteral.ts';
import { readRequireParam, readVariable } from '../../src/ingest/whoscored/extract.ts';

describe('JS literal reader', () => {
  test('unquoted, quoted and numeric keys; single- and double-quoted strings with escapes', () => {
    const v = parseJsLiteral(`{ stageId: 18685, 'name':'Nott\\'m Forest', "x": "a\\"b\\u00e9\\n", 2020: {8: {12: 1}}, $y_1: -1.5e2, ok: true, no: false, nil: null, u: undefined }`);
    assert.deepEqual(v, { stageId: 18685, name: "Nott'm Forest", x: 'a"bé\n', 2020: { 8: { 12: 1 } }, $y_1: -150, ok: true, no: false, nil: null, u: null });
  });

  test('elided array elements and trailing commas, as in the preview match header', () => {
    const v = parseJsLiteral(`{ input: [184,32,'Burnley','Manchester United','12/01/2021 20:15:00',6,'FT','0 : 0','0 : 1',,,'0 : 1','England','England'] , matchId: 1485184, }`);
    assert.deepEqual((v as { input: unknown[] }).input.slice(8, 12), ['0 : 1', null, null, '0 : 1']);
    assert.deepEqual(parseJsLiteral('[,1,,]'), [null, 1, null]);
    assert.deepEqual(parseJsLiteral('[1,2,]'), [1, 2]);
  });

  test('expressions are kept as text, never evaluated', () => {
    const v = parseJsLiteral(`{ min: (new Date(2020, 8, 12)).toString(), tables: tournamentTables, f: function () { return {a: 1}; }, call: alert("x"), n: 3 }`) as Record<string, unknown>;
    assert.deepEqual(v.min, { $expr: '(new Date(2020, 8, 12)).toString()' });
    assert.deepEqual(v.tables, { $expr: 'tournamentTables' });
    assert.ok(isJsExpr(v.f) && isJsExpr(v.call));
    assert.equal(v.n, 3);
  });

  test('comments are skipped; big JSON sub-values take the JSON.parse fast path', () => {
    const big = JSON.stringify({ events: Array.from({ length: 200 }, (_, i) => ({ id: i, type: { value: 1, displayName: 'Pass' } })) });
    const v = parseJsLiteral(`{ // the match\n matchId:1, /* data: */ matchCentreData: ${big}, formationIdNameMappings:{"2":"442"} }`) as Record<string, { events?: unknown[] }>;
    assert.equal(v.matchCentreData.events?.length, 200);
  });

  test('reads a value in the middle of a page and reports where it ends', () => {
    const src = `<script>var wsCalendar = { mask:{2021:{0:{1:1}}} };\nvar other = 1;</script>`;
    const start = src.indexOf('{');
    const { value, end } = readJsValue(src, start);
    assert.deepEqual(value, { mask: { 2021: { 0: { 1: 1 } } } });
    assert.equal(src[end], ';');
    assert.deepEqual(readVariable(src, 'wsCalendar'), { mask: { 2021: { 0: { 1: 1 } } } });
    assert.equal(readVariable(src, 'missing'), undefined);
  });

  test('require.config.params with either quote style', () => {
    assert.deepEqual(readRequireParam(`require.config.params["args"] = {a:1};`, 'args'), { a: 1 });
    assert.deepEqual(readRequireParam(`require.config.params['args']={b:'x'}`, 'args'), { b: 'x' });
    assert.equal(readRequireParam(`require.config.params['other'] = {}`, 'args'), undefined);
  });

  test('malformed input fails with a position, not a wrong value', () => {
    assert.throws(() => parseJsLiteral('{a:1'), JsLiteralError);
    assert.throws(() => parseJsLiteral(`{a:'unterminated}`), /unterminated string/);
    assert.throws(() => parseJsLiteral('{a 1}'), /expected ":" after property "a"/);
    assert.throws(() => parseJsLiteral('{a:1} trailing'), /unexpected text after the value at offset 6/);
  });
});

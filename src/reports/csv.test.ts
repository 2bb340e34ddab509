import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CSV_BOM, csvCell, toCsv } from './csv.ts';

describe('toCsv', () => {
  test('a byte order mark, the header, the rows, every line ended by CRLF', () => {
    assert.equal(
      toCsv(
        ['a', 'b'],
        [
          [1, 'x'],
          [2, 'y'],
        ],
      ),
      '\uFEFFa,b\r\n1,x\r\n2,y\r\n',
    );
  });

  test('UTF-8 with the mark Excel needs: the file starts EF BB BF and non-ASCII text is kept as is', () => {
    const csv = toCsv(['name'], [['Zoë Łukasz 日本 😀']]);
    assert.deepEqual([...Buffer.from(csv, 'utf8').subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(csv, `${CSV_BOM}name\r\nZoë Łukasz 日本 😀\r\n`);
  });

  test('header cells are escaped like any other', () => {
    assert.equal(toCsv(['a,b'], []), '\uFEFF"a,b"\r\n');
  });
});

describe('csvCell', () => {
  test('quotes inside a field are doubled and the field quoted', () => {
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  });

  test('a comma, a line feed or a carriage return makes the field quoted', () => {
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('line 1\nline 2'), '"line 1\nline 2"');
    assert.equal(csvCell('line 1\r\nline 2'), '"line 1\r\nline 2"');
  });

  test('null and undefined are empty; dates are ISO 8601 UTC; booleans and numbers as written', () => {
    assert.deepEqual([null, undefined, new Date('2026-03-02T10:00:00+01:00'), true, false, 12.5, 0].map(csvCell), [
      '',
      '',
      '2026-03-02T09:00:00.000Z',
      'true',
      'false',
      '12.5',
      '0',
    ]);
  });

  test('a number that is not finite is empty rather than "NaN"', () => {
    assert.equal(csvCell(Number.NaN), '');
    assert.equal(csvCell(Number.POSITIVE_INFINITY), '');
  });

  test('formula injection: text starting with = + - @ tab or CR is prefixed with a single quote', () => {
    assert.deepEqual(['=1+1', '+41 555', '-2+3', '@SUM(A1:A2)', '\tcmd'].map(csvCell), [
      "'=1+1",
      "'+41 555",
      "'-2+3",
      "'@SUM(A1:A2)",
      "'\tcmd",
    ]);
  });

  test('full-width formula signs (＝ ＋ － ＠) are neutralised like their ASCII forms: spreadsheets read them as such', () => {
    assert.deepEqual(['\uFF1D1+1', '\uFF0B41 555', '\uFF0D2+3', '\uFF20SUM(A1:A2)'].map(csvCell), [
      "'\uFF1D1+1",
      "'\uFF0B41 555",
      "'\uFF0D2+3",
      "'\uFF20SUM(A1:A2)",
    ]);
    assert.equal(csvCell('1\uFF0B1'), '1\uFF0B1');
  });

  test('formula injection with quotes and commas is neutralised and then quoted', () => {
    assert.equal(csvCell('=HYPERLINK("http://evil.test","click")'), '"\'=HYPERLINK(""http://evil.test"",""click"")"');
    assert.equal(csvCell('\r=1'), '"\'\r=1"');
  });

  test('a negative number we write stays a number; the same as text is neutralised', () => {
    assert.equal(csvCell(-3), '-3');
    assert.equal(csvCell('-3'), "'-3");
  });

  test('text that only contains a formula sign later is left alone', () => {
    assert.equal(csvCell('1+1=2'), '1+1=2');
    assert.equal(csvCell('ana@example.test'), 'ana@example.test');
  });

  test('a structure becomes JSON text, escaped like text', () => {
    assert.equal(csvCell([0, 2]), '"[0,2]"');
  });
});

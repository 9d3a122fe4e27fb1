import { describe, expect, it } from 'vitest';
import { importLimits } from '../../collector/src/import/parse.ts';
import { batches, requestLimits, type Batch } from './batches.ts';
import { readImportFile, type FileFormat } from './import-file.ts';

const split = (text: string, format: FileFormat, size: number) => {
  const tooLarge: number[] = [];
  const all: Batch[] = [...batches(readImportFile(text, format), size, (row) => tooLarge.push(row))];
  return { batches: all, tooLarge };
};

describe('batches', () => {
  it("hold at most what the collector takes in one request", () => {
    expect(requestLimits).toEqual(importLimits);
  });

  it('never cut a quoted CSV record, even one batch per row', () => {
    const text = '\uFEFFa,b\n1,"x\n\ny"\n\n2,"""quoted"", with comma"\n3,z';
    const { batches: all } = split(text, 'csv', 1);
    expect(all).toEqual([
      { body: 'a,b\n1,"x\n\ny"\n', rows: [1] },
      { body: 'a,b\n2,"""quoted"", with comma"\n', rows: [3] },
      { body: 'a,b\n3,z\n', rows: [4] },
    ]);
  });

  it('close a batch before it grows past the byte limit', () => {
    const line = (id: number) => JSON.stringify({ id, notes: 'x'.repeat(1024 * 1024) });
    const { batches: all } = split([1, 2, 3, 4, 5, 6].map(line).join('\n'), 'ndjson', 1000);
    expect(all.map((batch) => batch.rows)).toEqual([
      [1, 2, 3, 4],
      [5, 6],
    ]);
    for (const batch of all) expect(Buffer.byteLength(batch.body)).toBeLessThanOrEqual(requestLimits.bytes);
  });

  it('hand over a row that alone is over the limit instead of sending it', () => {
    const text = ['[{"id":1}', JSON.stringify({ id: 2, notes: 'x'.repeat(requestLimits.bytes) }), '{"id":3}]'].join(',');
    const { batches: all, tooLarge } = split(text, 'json', 1000);
    expect(all).toEqual([{ body: '[{"id":1},{"id":3}]', rows: [1, 3] }]);
    expect(tooLarge).toEqual([2]);
  });
});

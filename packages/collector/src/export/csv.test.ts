import { describe, expect, it } from 'vitest';
import { csvLine } from './csv.ts';

describe('csvLine', () => {
  it('quotes what needs quoting, and defuses cells a spreadsheet would run as formulas', () => {
    expect(csvLine(['plain', 'with, comma', 'with "quotes"', 3, null, undefined])).toBe('plain,"with, comma","with ""quotes""",3,,\r\n');
    expect(csvLine(['=HYPERLINK("http://evil")', '+1', '-2', '@SUM(A1)', 'a=b'])).toBe(`"'=HYPERLINK(""http://evil"")",'+1,'-2,'@SUM(A1),a=b\r\n`);
  });
});

/**
 * CSV as PLC and SCADA tools export it: comma, semicolon (European locales) or tab separated, the delimiter read from
 * the header line; fields in double quotes may hold delimiters, doubled quotes and line breaks; a byte-order mark
 * is dropped. Each row keeps the line number it starts on, so a problem can name the line a user sees in an editor.
 */
export interface CsvRow {
  line: number;
  cells: string[];
}

export interface CsvTable {
  delimiter: ',' | ';' | '\t';
  rows: CsvRow[];
}

const DELIMITERS = [',', ';', '\t'] as const;

function detectDelimiter(text: string): CsvTable['delimiter'] {
  const header = text.split(/\r?\n/, 1)[0].replace(/"[^"]*"/g, '');
  let best: CsvTable['delimiter'] = ',';
  let bestCount = 0;
  for (const delimiter of DELIMITERS) {
    const count = header.split(delimiter).length - 1;
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

export function parseCsv(input: string): CsvTable {
  const text = input.replace(/^\uFEFF/, '');
  const delimiter = detectDelimiter(text);
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const endCell = (): void => { cells.push(cell); cell = ''; };
  const endRow = (): void => {
    endCell();
    if (cells.some((c) => c.trim() !== '')) rows.push({ line: rowLine, cells });
    cells = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      cell = '';
      quoted = true;
    } else if (ch === delimiter) {
      endCell();
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      cell += ch;
    }
  }
  endRow();
  return { delimiter, rows };
}

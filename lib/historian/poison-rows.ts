import { isDataError } from './connection-errors';
import type { DeadLetter } from './tables/dead-letters';
import type { TableRow } from './writer';

export interface StoreOutcome {
  inserted: number;
  /** Rows the database refused for their content, one by one. */
  deadLetters: DeadLetter[];
}

/**
 * Stores rows with `insert` (one transaction per call). When the database refuses a set for what a row holds (a
 * timestamp out of range, a NUL byte in a name: SQLSTATE classes 22, 23, 54), the set is halved and each half tried
 * again, down to single rows: every good row is stored and each bad one is returned with the database's reason.
 * Anything else (a lost connection) is thrown for the caller to wait out and retry.
 */
export async function storeSplitting(rows: TableRow[], insert: (rows: TableRow[]) => Promise<number>): Promise<StoreOutcome> {
  try {
    return { inserted: await insert(rows), deadLetters: [] };
  } catch (err) {
    if (!isDataError(err)) throw err;
    if (rows.length === 1) {
      const error = err as Error & { code?: string };
      return { inserted: 0, deadLetters: [{ table: rows[0].table.table, error: error.message, sqlstate: error.code ?? '', row: rows[0].row }] };
    }
    const half = Math.ceil(rows.length / 2);
    const first = await storeSplitting(rows.slice(0, half), insert);
    const second = await storeSplitting(rows.slice(half), insert);
    return { inserted: first.inserted + second.inserted, deadLetters: [...first.deadLetters, ...second.deadLetters] };
  }
}

/**
 * The embedded server (PGlite behind pglite-socket) drops the connection, and its process exits, on a protocol
 * message over 64 KiB; statements for it are kept under this many bytes. Real servers have no such limit.
 */
export const EMBEDDED_MAX_STATEMENT_BYTES = 60000;

/** Splits rows into consecutive chunks whose estimated encoded size stays under `limitBytes`. */
export function chunkBySize<T>(rows: T[], bytesOf: (row: T) => number, limitBytes: number): T[][] {
  if (!Number.isFinite(limitBytes)) return [rows];
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let size = 0;
  for (const row of rows) {
    const bytes = bytesOf(row);
    if (chunk.length > 0 && size + bytes > limitBytes) {
      chunks.push(chunk);
      chunk = [];
      size = 0;
    }
    chunk.push(row);
    size += bytes;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

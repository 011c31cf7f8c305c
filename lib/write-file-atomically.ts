import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes a file beside its final name and renames it over the old one, creating its folder: a crash mid-write leaves
 * the old file whole, never half of the new one.
 */
export function writeFileAtomically(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  fs.writeFileSync(temporary, data);
  fs.renameSync(temporary, file);
}

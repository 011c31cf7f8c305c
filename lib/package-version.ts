import fs from 'node:fs';
import path from 'node:path';

/** The pack's version, written into every model it produces (from dist/lib, the package root is two folders up). */
export function packageVersion(): string {
  const file = path.resolve(__dirname, '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

import fs from 'node:fs';
import { writeFileAtomically } from '../write-file-atomically';

/**
 * Operators' own names for what the dashboard shows: machines, lines and sites, and the dashboard's tabs and groups.
 * The one place that decides a name: the plant's own name (set on the dashboard) wins over the catalogue's `name` (a
 * tab's or group's: the flow's), which wins over the id. The plant's names live in a JSON file of their own beside
 * the flows (in the Node-RED user directory), never in the flow, so a restart or a new version of the flow keeps them
 * and the integrator's catalogue stays theirs.
 */

export type NamedKind = 'machine' | 'line' | 'site' | 'tab' | 'group';
export const NAMED_KINDS: readonly NamedKind[] = ['machine', 'line', 'site', 'tab', 'group'];

/** A name longer than this does not fit a table cell or a page title at 1280 px. */
export const MAX_NAME_LENGTH = 60;

/** The file the names are kept in, relative to the Node-RED user directory unless absolute. */
export const DEFAULT_NAMES_FILE = 'twin-display-names.json';

/** Each kind's names by key: a machine's id, `site/line`, a site's id, a dashboard tab's or group's node id. */
export type DisplayNameFile = Record<NamedKind, Record<string, string>>;

/** A line's key: line ids are unique within their site only. */
export function lineKey(site: string, line: string): string {
  return `${site}/${line}`;
}

function namesOf(saved: Partial<Record<NamedKind, unknown>>): DisplayNameFile {
  const names: Partial<DisplayNameFile> = {};
  for (const kind of NAMED_KINDS) names[kind] = stringRecord(saved[kind]);
  return names as DisplayNameFile;
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [key, name] of Object.entries(value)) if (typeof name === 'string' && name.trim()) out[key] = name.trim();
  return out;
}

/** The operator's name as it will be kept, or an Error saying why it is refused; '' means "back to the catalogue's". */
export function cleanName(name: unknown): string | Error {
  if (typeof name !== 'string') return new Error('the name must be text');
  const trimmed = name.replace(/\s+/g, ' ').trim();
  if (trimmed.length > MAX_NAME_LENGTH) return new Error(`the name is ${trimmed.length} characters long; at most ${MAX_NAME_LENGTH} fit`);
  return trimmed;
}

export class DisplayNames {
  private names: DisplayNameFile;
  /** Why the file could not be read (the names start empty and the file is not overwritten until a rename). */
  readonly loadProblem?: string;

  constructor(readonly file: string) {
    this.names = namesOf({});
    if (!fs.existsSync(file)) return;
    try {
      const saved: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      this.names = namesOf(saved && typeof saved === 'object' ? saved as Partial<Record<NamedKind, unknown>> : {});
    } catch (err) {
      this.loadProblem = `display names in ${file} not read: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  /** The name shown: the plant's own, else the catalogue's, else the id. */
  nameOf(kind: NamedKind, key: string, catalogueName?: string): string {
    return this.names[kind][key] ?? (catalogueName?.trim() || key.slice(key.lastIndexOf('/') + 1));
  }

  /** The plant's own name only (for the settings form), '' when it has none. */
  ownName(kind: NamedKind, key: string): string {
    return this.names[kind][key] ?? '';
  }

  /** Sets (or, with '', removes) the plant's own name and writes the file at once; throws when the name is refused. */
  rename(kind: NamedKind, key: string, name: unknown): void {
    if (!NAMED_KINDS.includes(kind)) throw new Error(`"${String(kind)}" is not one of ${NAMED_KINDS.join(', ')}`);
    if (typeof key !== 'string' || key === '') throw new Error(`no ${kind} given to rename`);
    const cleaned = cleanName(name);
    if (cleaned instanceof Error) throw cleaned;
    const next = namesOf(this.names);
    if (cleaned === '') delete next[kind][key];
    else next[kind][key] = cleaned;
    writeFileAtomically(this.file, `${JSON.stringify(next, null, 2)}\n`);
    this.names = next;
  }
}

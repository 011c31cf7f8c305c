/**
 * Reads the fields of one untrusted JSON object with the types the catalogue expects. A wrong value is reported
 * with its field path and read as absent, so the caller can decide what the problem costs.
 */
export type ReportField = (field: string, message: string) => void;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class FieldReader {
  private readonly raw: Record<string, unknown>;
  private readonly prefix: string;
  private readonly report: ReportField;
  private readonly read = new Set<string>();

  constructor(raw: Record<string, unknown>, report: ReportField, prefix = '') {
    this.raw = raw;
    this.report = report;
    this.prefix = prefix;
  }

  private path(key: string): string {
    return `${this.prefix}${key}`;
  }

  private value(key: string): unknown {
    this.read.add(key);
    const value = this.raw[key];
    return value === null ? undefined : value;
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  string(key: string): string | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.report(this.path(key), `must be text, got ${JSON.stringify(value)}`);
      return undefined;
    }
    return value.trim();
  }

  number(key: string): number | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.report(this.path(key), `must be a number, got ${JSON.stringify(value)}`);
      return undefined;
    }
    return value;
  }

  boolean(key: string): boolean | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      this.report(this.path(key), `must be true or false, got ${JSON.stringify(value)}`);
      return undefined;
    }
    return value;
  }

  /** A nested object, read with its own reader whose paths continue this one's. */
  object(key: string): FieldReader | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    if (!isRecord(value)) {
      this.report(this.path(key), 'must be an object');
      return undefined;
    }
    return new FieldReader(value, this.report, `${this.path(key)}.`);
  }

  array(key: string): unknown[] | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      this.report(this.path(key), 'must be a list');
      return undefined;
    }
    return value;
  }

  stringList(key: string): string[] | undefined {
    const list = this.array(key);
    if (list === undefined) return undefined;
    if (!list.every((item) => typeof item === 'string')) {
      this.report(this.path(key), 'must be a list of text');
      return undefined;
    }
    return list as string[];
  }

  /** Reports a value that has the right type but a wrong meaning; `key` '' names the object itself. */
  reportInvalid(key: string, message: string): void {
    this.report(key ? this.path(key) : this.prefix.replace(/\.$/, ''), message);
  }

  /** Keys present in the object that nothing read: typos such as `alarmHigh` for `alarm.high`. */
  unknownKeys(): string[] {
    return Object.keys(this.raw).filter((key) => !this.read.has(key)).map((key) => this.path(key));
  }
}

/** Drops undefined fields, so what the catalogue holds serialises and compares the same as it was written. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

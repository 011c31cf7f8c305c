/**
 * Every number the scenario engine reports travels with its unit and the model or assumption it came from, so an
 * operator (or an auditor) can tell a measured figure from an identified one from a configured one. A figure that
 * cannot be computed carries `null` and the reason, never a silent zero.
 */
export interface Figure<T = number> {
  value: T | null;
  unit: string;
  model: string;
  /** Why the value is null: the model that would give it was not identified, a setting is missing. */
  unavailable?: string;
}

export function figure<T = number>(value: T, unit: string, model: string): Figure<T> {
  return { value, unit, model };
}

export function unavailable<T = number>(unit: string, model: string, reason: string): Figure<T> {
  return { value: null, unit, model, unavailable: reason };
}

/** A relative change in percent; unavailable when either side is, or the baseline is zero. */
export function percentChange(after: Figure, before: Figure, model: string): Figure {
  if (after.value === null) return unavailable('%', model, after.unavailable ?? 'no value');
  if (before.value === null) return unavailable('%', model, before.unavailable ?? 'no baseline');
  if (before.value === 0) return unavailable('%', model, 'the baseline is zero');
  return figure((after.value / before.value - 1) * 100, '%', model);
}

/** An absolute change in the figures' unit (or `unit` when given, e.g. percentage points). */
export function difference(after: Figure, before: Figure, model: string, unit = after.unit): Figure {
  if (after.value === null) return unavailable(unit, model, after.unavailable ?? 'no value');
  if (before.value === null) return unavailable(unit, model, before.unavailable ?? 'no baseline');
  return figure(after.value - before.value, unit, model);
}

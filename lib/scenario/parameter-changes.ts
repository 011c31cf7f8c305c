/**
 * One scenario: the changes to today's operation an operator wants to try. Relative changes are in percent of
 * today's value; ambient temperature and duty cycle are absolute. Anything not given stays as it is.
 */
export interface ParameterChanges {
  /** Spindle (shaft) speed, percent change: +15 runs 15 % faster. */
  speedPercent?: number;
  /** Feed per revolution, percent change: sets the cutting load (torque) and, with the speed, the feed rate. */
  feedPercent?: number;
  /** Name of a cooling configuration to switch to. */
  cooling?: string;
  /** Coolant flow of the cooling configuration, percent change. */
  coolantFlowPercent?: number;
  /** Ambient temperature, °C. */
  ambientC?: number;
  /** Share of the production hours the machine runs, percent. */
  dutyCyclePercent?: number;
}

export const CHANGE_KEYS: readonly (keyof ParameterChanges)[] = ['speedPercent', 'feedPercent', 'cooling', 'coolantFlowPercent', 'ambientC', 'dutyCyclePercent'];

interface NumericRule {
  /** Exclusive lower bound and inclusive upper bound. */
  min: number;
  max: number;
  meaning: string;
}

const NUMERIC: Record<Exclude<keyof ParameterChanges, 'cooling'>, NumericRule> = {
  speedPercent: { min: -100, max: 1000, meaning: 'percent change of speed, above -100' },
  feedPercent: { min: -100, max: 1000, meaning: 'percent change of feed, above -100' },
  coolantFlowPercent: { min: -100, max: 1000, meaning: 'percent change of coolant flow, above -100' },
  ambientC: { min: -41, max: 80, meaning: 'ambient temperature in °C, -40 to 80' },
  dutyCyclePercent: { min: 0, max: 100, meaning: 'percent of production hours running, above 0 up to 100' },
};

/**
 * Checks one scenario's changes and returns them typed; every problem is named in one error (unknown keys, values
 * that are not numbers or out of their meaningful range, an unknown cooling configuration).
 */
export function validateChanges(input: unknown, coolingNames: readonly string[], label = 'changes'): ParameterChanges {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error(`${label} must be an object such as {speedPercent: 15}; allowed keys: ${CHANGE_KEYS.join(', ')}`);
  }
  const record = input as Record<string, unknown>;
  const problems: string[] = [];
  const changes: ParameterChanges = {};
  for (const [key, value] of Object.entries(record)) {
    if (!CHANGE_KEYS.includes(key as keyof ParameterChanges)) {
      problems.push(`unknown key "${key}" (allowed: ${CHANGE_KEYS.join(', ')})`);
      continue;
    }
    if (value === undefined || value === null) continue;
    if (key === 'cooling') {
      if (typeof value !== 'string' || !coolingNames.includes(value)) problems.push(`cooling "${String(value)}" is not a configured cooling configuration (${coolingNames.map((n) => `"${n}"`).join(', ')})`);
      else changes.cooling = value;
      continue;
    }
    const rule = NUMERIC[key as Exclude<keyof ParameterChanges, 'cooling'>];
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number) || !(number > rule.min) || number > rule.max) {
      problems.push(`${key} ${JSON.stringify(value)} must be a ${rule.meaning}`);
      continue;
    }
    changes[key as Exclude<keyof ParameterChanges, 'cooling'>] = number;
  }
  if (problems.length > 0) throw new Error(`${label}: ${problems.join('; ')}`);
  return changes;
}

/** A short human label, e.g. "speed +15 %, cooling chiller 20 °C"; "as today" for no change. */
export function describeChanges(changes: ParameterChanges): string {
  const parts: string[] = [];
  const signed = (v: number): string => `${v > 0 ? '+' : ''}${Number(v.toFixed(2))} %`;
  if (changes.speedPercent !== undefined && changes.speedPercent !== 0) parts.push(`speed ${signed(changes.speedPercent)}`);
  if (changes.feedPercent !== undefined && changes.feedPercent !== 0) parts.push(`feed ${signed(changes.feedPercent)}`);
  if (changes.cooling !== undefined) parts.push(`cooling ${changes.cooling}`);
  if (changes.coolantFlowPercent !== undefined && changes.coolantFlowPercent !== 0) parts.push(`coolant flow ${signed(changes.coolantFlowPercent)}`);
  if (changes.ambientC !== undefined) parts.push(`ambient ${changes.ambientC} °C`);
  if (changes.dutyCyclePercent !== undefined) parts.push(`duty ${changes.dutyCyclePercent} %`);
  return parts.length > 0 ? parts.join(', ') : 'as today';
}

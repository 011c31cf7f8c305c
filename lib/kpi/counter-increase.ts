/**
 * Increase of a cumulative PLC counter (parts, good, scrap) between two readings. Counters only count up, so a
 * drop is either a wrap past the register's top (the previous value was near the modulus and the new one is
 * small) or a reset to zero (a shift or batch change, a PLC restart), after which the new value is what was
 * counted since.
 */
export function counterIncrease(previous: number, current: number, modulus: number): number {
  if (current >= previous) return current - previous;
  if (Number.isFinite(modulus) && previous - current > modulus / 2) return current + modulus - previous;
  return current;
}

/** A setpoint value as people read it in a status line or an audit reason: `13,800 rpm`. */
export function formatValue(value: number, unit: string): string {
  const text = value.toLocaleString('en-US', { maximumFractionDigits: 3 });
  return unit ? `${text} ${unit}` : text;
}

/** A wait as a short duration: `20 s`, `3 min`, `2 h`. */
export function formatDuration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.ceil(seconds / 3600)} h`;
}

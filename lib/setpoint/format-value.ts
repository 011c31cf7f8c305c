/** A setpoint value as people read it in a status line or an audit reason: `13,800 rpm`. */
export function formatValue(value: number, unit: string): string {
  const text = value.toLocaleString('en-US', { maximumFractionDigits: 3 });
  return unit ? `${text} ${unit}` : text;
}

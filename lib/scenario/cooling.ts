/**
 * Cooling configurations: each scales the bearing's steady-state temperature rise (its thermal gain factor: the
 * inverse of its heat-removal conductance relative to a plain water jacket at 4 l/min) and draws its own power. The
 * defaults are indicative values for a motor spindle, to be replaced with the machine builder's or measured ones;
 * only the ratios between the configuration in use and the one proposed enter a scenario.
 */
export interface CoolingConfiguration {
  name: string;
  /** Multiplies the steady-state temperature rise (1 = the reference, below 1 = cooler). */
  gainFactor: number;
  /** Electrical power the cooling itself draws, kW. */
  powerKw: number;
  /** One-off cost of changing to it (fitting a chiller), in the cost currency; 0 when it is a setting. */
  investment: number;
}

export const DEFAULT_COOLING: readonly CoolingConfiguration[] = [
  { name: 'natural convection', gainFactor: 1.4, powerKw: 0, investment: 0 },
  { name: 'fan', gainFactor: 1.2, powerKw: 0.05, investment: 0 },
  { name: 'fan, high speed', gainFactor: 1.12, powerKw: 0.12, investment: 0 },
  { name: 'water jacket 4 l/min', gainFactor: 1, powerKw: 0.25, investment: 0 },
  { name: 'water jacket 6 l/min', gainFactor: 0.9, powerKw: 0.35, investment: 0 },
  { name: 'water jacket 8 l/min', gainFactor: 0.84, powerKw: 0.5, investment: 0 },
  { name: 'water jacket 10 l/min', gainFactor: 0.8, powerKw: 0.7, investment: 0 },
  { name: 'oil-air lubrication', gainFactor: 0.92, powerKw: 0.15, investment: 2500 },
  { name: 'oil-air + jacket 6 l/min', gainFactor: 0.82, powerKw: 0.5, investment: 2500 },
  { name: 'chiller 25 °C', gainFactor: 0.85, powerKw: 0.9, investment: 6000 },
  { name: 'chiller 20 °C', gainFactor: 0.75, powerKw: 1.2, investment: 6000 },
  { name: 'chiller 15 °C', gainFactor: 0.66, powerKw: 1.6, investment: 6000 },
  { name: 'oil jet', gainFactor: 0.7, powerKw: 1.1, investment: 9000 },
  { name: 'oil jet + chiller 20 °C', gainFactor: 0.58, powerKw: 2, investment: 15000 },
];

export const DEFAULT_CURRENT_COOLING = 'water jacket 4 l/min';

export interface CoolingSettings {
  configurations: readonly CoolingConfiguration[];
  /** The configuration the machine runs with today. */
  current: string;
  /**
   * Share of the heat the coolant removes at today's flow (the rest leaves by conduction and convection to the
   * frame), for coolant-flow changes.
   */
  coolantShare: number;
}

/** Nusselt number of turbulent forced convection grows as Re^0.8 (Dittus-Boelter), so conductance as flow^0.8. */
const DITTUS_BOELTER_EXPONENT = 0.8;
/** Pump affinity law: power grows as flow cubed at a fixed system curve. */
const AFFINITY_POWER_EXPONENT = 3;

export function findCooling(settings: CoolingSettings, name: string): CoolingConfiguration {
  const found = settings.configurations.find((c) => c.name === name);
  if (!found) throw new Error(`no cooling configuration "${name}": choose one of ${settings.configurations.map((c) => `"${c.name}"`).join(', ')}`);
  return found;
}

/**
 * Factor on the temperature rise when the coolant flow changes by `flowFactor` (1.2 = 20 % more): the coolant's
 * share of the conductance scales as flow^0.8, the rest stays.
 */
export function coolantFlowGain(flowFactor: number, coolantShare: number): number {
  return 1 / ((1 - coolantShare) + coolantShare * Math.pow(flowFactor, DITTUS_BOELTER_EXPONENT));
}

export function coolantFlowPower(powerKw: number, flowFactor: number): number {
  return powerKw * Math.pow(flowFactor, AFFINITY_POWER_EXPONENT);
}

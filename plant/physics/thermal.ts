/** First-order lag: the state moves toward its target with time constant tau, exactly for any step length. */
export function firstOrder(current: number, target: number, dtS: number, tauS: number): number {
  return target + (current - target) * Math.exp(-dtS / tauS);
}

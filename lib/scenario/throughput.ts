import type { ThroughputSettings } from './settings';

/**
 * Throughput of the same part program at another speed and feed: the speed-bound share of the cycle (cutting)
 * takes time inversely proportional to the feed rate, which is feed per revolution times speed; the rest of the
 * cycle (loading, tool changes, probing) is unchanged.
 */
export function throughputFactor(speedRatio: number, feedRatio: number, settings: ThroughputSettings): number {
  const fixed = settings.nonSpeedBoundShare;
  return 1 / (fixed + (1 - fixed) / (speedRatio * feedRatio));
}

/** Cutting load (torque) ratio for a feed ratio, by Kienzle's specific cutting force: F ~ h^(1 - m_c). */
export function loadRatioForFeed(feedRatio: number, settings: ThroughputSettings): number {
  return Math.pow(feedRatio, 1 - settings.kienzleMc);
}

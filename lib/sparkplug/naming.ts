import { idProblem } from './topic';

/**
 * Where an asset sits in the Sparkplug namespace: group, edge node and device ids. Today they come from the edge
 * node's settings (group and edge node) and the asset id (device); the asset catalogue's site / line / cell can
 * supply them later through the same shape.
 */
export interface SparkplugNaming {
  group: string;
  edge: string;
  /** The device id of an asset, or an Error saying why the asset cannot be one. */
  deviceOf(asset: string): string | Error;
}

/** Group and edge node from settings, device = asset id. */
export function configuredNaming(group: string, edge: string): SparkplugNaming {
  const problem = idProblem('group id', group) ?? idProblem('edge node id', edge);
  if (problem) throw new Error(problem);
  return {
    group,
    edge,
    deviceOf: (asset) => {
      const bad = idProblem('asset id', asset);
      return bad ? new Error(`${bad}: it cannot be a Sparkplug device id`) : asset;
    },
  };
}

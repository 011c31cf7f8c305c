import type { Node, NodeMessage } from 'node-red';
import type { AssetDefinition } from '../../lib/asset/asset-model';
import type { Reading } from '../../lib/reading/reading';
import { validateReadings } from '../../lib/reading/validate';

const MAX_PROBLEMS_LISTED = 5;

/**
 * Reports the elements a node refused from a message as one error (reaching Catch nodes with the message), naming
 * the first few and counting the rest, while the valid elements of the same message carry on.
 */
export function reportProblems(node: Node, problems: readonly string[], msg: NodeMessage): void {
  if (problems.length === 0) return;
  const listed = problems.slice(0, MAX_PROBLEMS_LISTED).join('; ');
  const more = problems.length > MAX_PROBLEMS_LISTED ? ` (and ${problems.length - MAX_PROBLEMS_LISTED} more)` : '';
  node.error(new Error(`${problems.length} refused: ${listed}${more}`), msg);
}

/** The valid readings of a message (see lib/reading/validate); every refused element is reported by name. */
export function acceptReadings(node: Node, elements: readonly unknown[], asset: AssetDefinition | undefined, msg: NodeMessage): Reading[] {
  const { readings, problems } = validateReadings(elements, asset);
  reportProblems(node, problems, msg);
  return readings;
}

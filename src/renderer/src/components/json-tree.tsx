import type { JsonNode } from '../format/json-parse';
import { JsonTreeNode } from './json-tree-node';

/** Small documents open fully; big ones open two levels; huge ones only the root. */
function autoDepth(nodes: number): number {
  if (nodes <= 300) return 64;
  if (nodes <= 5000) return 2;
  return 1;
}

/** A lazy, text-only JSON tree (see JsonTreeNode). */
export function JsonTree({ root, nodes }: { root: JsonNode; nodes: number }) {
  return (
    <div className="json-tree mono" role="tree" data-testid="json-tree">
      <JsonTreeNode
        label={null}
        node={root}
        depth={0}
        autoDepth={autoDepth(nodes)}
        isIndex={false}
      />
    </div>
  );
}
